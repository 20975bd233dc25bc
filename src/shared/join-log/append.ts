/**
 * The join log, data/responde_data.txt, as tg-handler writes it: read once at start, then only whole
 * lines appended, each durable (fsynced) before the update that caused it is confirmed to Telegram.
 * A request already in the file (same chat, user and request date) never gets a second line, so a
 * redelivered update after a crash, or the same update twice, leaves one row.
 */
import { DataFileMissingError, type DataFileError } from '../errors.js';
import { AppendLog } from '../files/append-log.js';
import { withFileLock } from '../files/lock.js';
import { readTable, replaceHead, writeAtomic } from '../files/store.js';
import { formatCell, formatCells } from '../files/table.js';
import type { TableFrame } from '../files/tsv.js';
import { Slots } from '../slots.js';
import { checkKey, heldKey, isPendingKey, rowKey, type RecentKeys } from './keys.js';
import type { LedgerFile } from './ledger-file.js';
import { logReader, type DatedProblem, type PreparedLog, type SavedStart } from './log-reader.js';
import type { ResponseCells } from './schema.js';

export { CHECK_REASON, heldKey, RecentKeys, REDELIVERY_WINDOW_S, rowKey } from './keys.js';
export { prepareLog, type PreparedLog, type SavedStart } from './log-reader.js';

/** How `ResponseLog.open` reads the file besides its own options. */
export interface OpenOptions {
  now?: () => Date;
  beforeWrite?: () => Promise<void>;
  /**
   * The join log's ledger: the file is read once for both (the ledger hears every row), and it goes
   * on hearing the rows its later reads find, so the keys follow what other programs append too.
   */
  ledger?: LedgerFile;
  /**
   * With `ledger`: run under the file's lock before reading, brings the ledger back from a snapshot
   * and returns the rest of it (keys, problems), so only what follows the snapshot is read; null
   * when there is none to trust, and the whole file is read.
   */
  resume?: () => Promise<SavedStart | null>;
}

const NOT_WRITTEN = Promise.resolve(false);

/**
 * The open join log. `record` appends one row unless its key is already there, and resolves once
 * the line is on disk.
 */
export class ResponseLog {
  private readonly keys: RecentKeys;
  /**
   * Keys being written right now, each with the slot of its write: a second copy of the same request
   * waits for the first. The writes are kept in slots, not in the Map: slots.ts.
   */
  private readonly writing = new Map<string, number>();
  private readonly writes = new Slots<Promise<void>>();
  /** How many of them are a `pending` row's (isPendingKey). */
  private pendingWriting = 0;
  /** The header's columns and the line ending: the rows read at start are not kept, so memory does not grow with the file. */
  private readonly columns: readonly string[];
  private readonly eol: string;
  private readonly dated: DatedProblem[];
  private readonly listeners: ((row: ResponseCells) => void)[] = [];
  /** A row's cells on their way to the AppendLog, which encodes them at once: one array for every row. */
  private readonly cells: string[] = [];

  private constructor(private readonly out: AppendLog, prepared: PreparedLog) {
    this.columns = prepared.header;
    this.eol = prepared.eol;
    this.keys = prepared.keys;
    this.dated = prepared.dated;
  }

  /**
   * Opens the join log at `file` (shown as `name` in messages), creating it with the legacy header
   * plus our columns, or adding our columns to an existing header with one atomic rewrite under the
   * file lock. Returns the problems of rows that cannot be read (they stay in the file untouched).
   * Throws DataFileError when the file is not UTF-8 or its header lacks the legacy columns.
   * `beforeWrite`, when given, runs after the file is read and checked and before the file is created
   * or its header rewritten (only then); what it throws ends the open with the file untouched.
   */
  static async open(file: string, name: string, zone: string, options: OpenOptions = {}): Promise<{ log: ResponseLog; problems: DataFileError[] }> {
    const now = options.now ?? (() => new Date());
    const { ledger } = options;
    const prepared = await withFileLock(file, async () => {
      const saved = ledger === undefined ? null : await options.resume?.();
      if (ledger !== undefined && saved != null) {
        const reader = logReader(name, zone, now, saved);
        const resumed = reader.resumed(saved.header, saved.eol);
        ledger.listen(reader.onRow, reader.skips);
        if (resumed !== null && !(await ledger.read(true)).fromStart) return resumed;
        // A header ours no longer accepts as it is, or the file was replaced or cut after the check
        // (that read began at its first byte, with the snapshot's keys in): start over without it.
        ledger.reset();
      }
      const reader = logReader(name, zone, now);
      let frame: TableFrame | null;
      if (ledger !== undefined) {
        ledger.listen(reader.onRow, reader.skips);
        frame = (await ledger.read(true)).frame;
      } else {
        try {
          frame = await readTable(file, name, reader.spec.expected, reader.onRow);
        } catch (error) {
          if (!(error instanceof DataFileMissingError)) throw error;
          frame = null;
        }
      }
      const result = reader.settle(frame);
      if (result.fatal !== undefined) throw result.fatal;
      if (result.newHead !== null) {
        await options.beforeWrite?.();
        if (frame === null) await writeAtomic(file, result.newHead);
        else await replaceHead(file, result.oldHeadBytes, result.newHead);
        await ledger?.shift(Buffer.byteLength(result.newHead, 'utf8') - result.oldHeadBytes, `${result.header.map(formatCell).join('\t')}\n`);
      }
      return result;
    });
    const out = await AppendLog.open(file, prepared.eol);
    return { log: new ResponseLog(out, prepared), problems: prepared.problems };
  }

  /** What a snapshot keeps of this log: header, line ending, and the recent keys and problems. */
  saved(): SavedStart {
    return { header: [...this.columns], eol: this.eol, keys: [...this.keys.entries()], problems: [...this.dated] };
  }

  /** Before each flush, waits for `more` when it gives a promise (AppendLog.gatherWhile): rows on their way join it. */
  gatherWhile(more: () => Promise<void> | undefined): void {
    this.out.gatherWhile(more);
  }

  /** True when a row for this request key (a decision, or the `pending` row) is in the file (or being written). */
  has(key: string): boolean {
    if (this.decided(key)) return true;
    // Asked once per join request: the keys of a `pending` row are made and looked for only when one is kept or being written.
    if (!this.keys.anyPending && this.pendingWriting === 0) return false;
    return this.decided(heldKey(key)) || this.decided(checkKey(key));
  }

  /** True when a decision row (not `pending`) for this request key is in the file (or being written). */
  decided(key: string): boolean {
    return this.keys.has(key) || this.writing.has(key);
  }

  /**
   * Appends the row unless a row with its key exists. Resolves true when this call wrote it (after
   * fsync), false for a duplicate. Rejects when the write failed; the key is then free again, so a
   * redelivered update can try once more. `key` is the row's (rowKey), when the caller has it.
   */
  record(row: ResponseCells, key = rowKey(row)): Promise<boolean> {
    const inFlight = this.writing.get(key);
    if (inFlight !== undefined) return this.afterFirst(this.writes.at(inFlight)!, row);
    if (this.keys.has(key)) return NOT_WRITTEN;
    // A torn last line (no line ending) is closed by the AppendLog before this row. Not an async
    // function: one promise per row (the append's, chained once), as a burst makes thousands at once.
    const write = this.out.appendFields(formatCells(this.columns, row, this.cells));
    const slot = this.writes.put(write);
    this.writing.set(key, slot);
    const pending = isPendingKey(key) ? 1 : 0;
    this.pendingWriting += pending;
    return write.then(
      () => {
        this.writing.delete(key);
        this.writes.take(slot);
        this.pendingWriting -= pending;
        this.keys.add(key, Number(row.tg_request_date));
        for (const listener of this.listeners) listener(row);
        return true;
      },
      (error: unknown) => {
        this.writing.delete(key);
        this.writes.take(slot);
        this.pendingWriting -= pending;
        throw error;
      },
    );
  }

  /** A second copy of a request being written: a duplicate once the first is on disk, else tried again. */
  private async afterFirst(first: Promise<void>, row: ResponseCells): Promise<boolean> {
    const firstWrote = await first.then(() => true, () => false);
    return firstWrote ? false : this.record(row);
  }

  /** Calls `listener` with each row this log writes, once it is on disk (what is kept up to date from the log, e.g. the held requests). */
  onRecord(listener: (row: ResponseCells) => void): void {
    this.listeners.push(listener);
  }

  /** Waits for pending lines, then closes the file. */
  close(): Promise<void> {
    return this.out.close();
  }
}
