/**
 * Writing membership rows (joined, left, removed) to the join log when two programs may do it at
 * once: tg-handler (chat_member updates) and `tg-get members` (what getChatMember says). Each decision
 * is taken holding the join log's file lock, after reading the rows the other appended, and its row
 * is on disk before the lock is let go: so a leave both of them see is written once (the second finds
 * the person already gone). Decisions that arrive together share one lock and one disk flush.
 */
import { withFileLock } from '../files/lock.js';
import { TickBatches, type Batched } from '../files/tick-batches.js';
import type { ResponseLog } from './append.js';
import { rowKey } from './append.js';
import type { Ledger } from './ledger.js';
import { LedgerFile, type LedgerPosition } from './ledger-file.js';
import type { ResponseCells } from './schema.js';

/** Decides the row to write (or none) from the ledger as the file has it now. Must be pure. */
export type MembershipDecision = (ledger: Ledger) => ResponseCells | null;

type Waiting = Batched<MembershipDecision, ResponseCells | null>;

/** How a MembershipLog waits for the lock and places legacy rows. */
export interface MembershipLogOptions {
  /** How long to wait for another program's lock on the join log; default 30 s. */
  lockWaitMs?: number;
  /** The group of legacy rows with a blank chat_id (CHAT_ID), so they count with that group's rows. */
  defaultChat?: string;
}

/** The join log's ledger, and the one way to append a membership row to it. */
export class MembershipLog {
  // Decisions of one tick share one lock and one disk flush.
  private readonly batches = new TickBatches<MembershipDecision, ResponseCells | null>((batch) =>
    withFileLock(this.source.file, () => this.decideAll(batch), this.options.lockWaitMs === undefined ? {} : { waitMs: this.options.lockWaitMs }),
  );

  private constructor(
    private readonly source: LedgerFile,
    private readonly log: ResponseLog,
    private readonly options: MembershipLogOptions,
  ) {}

  /**
   * Reads the join log at `file` (already opened for appending as `log`) into the ledger. Throws what
   * reading the file throws (not readable); a missing file is an empty ledger.
   */
  static async open(file: string, name: string, zone: string, log: ResponseLog, options: MembershipLogOptions = {}): Promise<MembershipLog> {
    const source = new LedgerFile(file, name, zone, options.defaultChat ?? '');
    await source.catchUp();
    return new MembershipLog(source, log, options);
  }

  /** Over a ledger already read (tg-handler's, read in one pass with the log's keys, or from a snapshot). */
  static over(source: LedgerFile, log: ResponseLog, options: MembershipLogOptions = {}): MembershipLog {
    return new MembershipLog(source, log, options);
  }

  /**
   * Brings the ledger up to date and hands it, with where it was read up to, to `write`, holding the
   * join log's lock: no decision of this program is then half done (applied to the ledger, its row
   * not yet on disk), so what `write` sees is exactly what the file says up to that position.
   */
  snapshot(write: (ledger: Ledger, position: LedgerPosition) => void): Promise<void> {
    return withFileLock(this.source.file, async () => {
      await this.source.catchUp();
      write(this.ledger, this.source.position);
    }, this.options.lockWaitMs === undefined ? {} : { waitMs: this.options.lockWaitMs });
  }

  /** The ledger as last read (it may lag behind rows other programs appended since). */
  get ledger(): Ledger {
    return this.source.ledger;
  }

  /** Reads what was appended since (taking no lock: reading whole lines needs none). */
  catchUp(): Promise<number> {
    return this.source.catchUp();
  }

  /**
   * Runs `decide` holding the join log's lock, on the ledger brought up to date, and appends its row.
   * Resolves with the row once it is on disk, or null when `decide` wrote nothing or the same row
   * (same redelivery key) is already in the file. Rejects when the lock stayed busy or the write failed.
   */
  write(decide: MembershipDecision): Promise<ResponseCells | null> {
    return this.batches.add(decide);
  }

  private async decideAll(batch: Waiting[]): Promise<void> {
    await this.source.catchUp();
    const writes: Array<Promise<unknown>> = [];
    for (const waiting of batch) {
      let row: ResponseCells | null;
      try {
        row = waiting.item(this.ledger);
      } catch (error) {
        waiting.reject(error);
        continue;
      }
      if (row === null || this.log.has(rowKey(row))) {
        waiting.resolve(null);
        continue;
      }
      // Applied now so the next decision of the batch sees it; reading the line back later sets the same standing.
      this.ledger.apply({ chat: row.chat_id, user: row.id_tg, status: row.tg_responde_status, link: row.id_link, date: Number(row.tg_request_date) });
      const written = row;
      writes.push(
        this.log.record(row).then(
          (wrote) => waiting.resolve(wrote ? written : null),
          (error: unknown) => {
            // The ledger holds a row the file does not: read it all again next time.
            this.source.reset();
            waiting.reject(error);
          },
        ),
      );
    }
    // The rows are on disk before the lock is let go, so the other program reads them before deciding.
    await Promise.all(writes);
  }

  /** Waits for the decisions under way. */
  close(): Promise<void> {
    return this.batches.idle();
  }
}
