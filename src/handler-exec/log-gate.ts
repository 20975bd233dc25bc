/**
 * The join log as the join-request handler uses it, so that nobody is approved (or declined, or
 * left pending) unless their row can be made durable. Before Telegram is called, `admit` waits
 * until the log is writable and the disk has room for the row and every row admitted before it;
 * after the call, `record` writes the row and, when the write fails (a full disk, a quota, an I/O
 * error), tries again with back-off until it is on disk: an approved person's row is never dropped.
 * While it waits the update's handler does not return, so telegraf confirms nothing of that batch
 * and takes no new one: Telegram keeps the requests until the bot goes on by itself.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from '../shared/cli/log.js';
import { messageOf } from '../shared/errors.js';
import { rowKey } from '../shared/join-log/append.js';
import { CallsUnderWay } from './calls-under-way.js';
import { GateSeat, type Seat, type SeatKeeper } from './gate-seat.js';
import type { ResponseCells } from '../shared/join-log/schema.js';

export type { Seat } from './gate-seat.js';

/** What the gate needs of the join log (ResponseLog). */
export interface RowLog {
  has(key: string): boolean;
  /** `key`, when given, is the row's (rowKey). */
  record(row: ResponseCells, key?: string): Promise<boolean>;
}

/** How long to wait between looks at a log that cannot be written: doubling from the first to the last. */
export interface HoldBackoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_HOLD_BACKOFF: HoldBackoff = { firstMs: 1000, maxMs: 30_000 };

/**
 * A look at the disk's free space serves the admissions that follow for this long, as long as it
 * shows this much room beyond every row admitted or written since. A burst of join requests asked
 * statfs once per request: about 8% of tg-handler's CPU in a 10,000-request burst (BENCHMARKS.md,
 * issue 15). Near a full disk (less room than this) every admission looks again, as before.
 */
export const LOOK_REUSE_MS = 1000;
export const LOOK_HEADROOM = 16 * 1024 * 1024;

export interface LogGateOptions {
  /** The folder the log is in (its free space is looked at) and the log's name in messages. */
  dir: string;
  name: string;
  logger: Logger;
  backoff?: HoldBackoff;
  /** Free bytes for unprivileged writers in `dir`; default statfs. Undefined when it cannot be told. */
  freeBytes?: (dir: string) => Promise<{ free: number; block: number } | undefined>;
  /** Milliseconds of a monotonic clock, for how long a look serves; default performance.now. */
  clock?: () => number;
  /** How long a flush waits at most for rows still in their Telegram call (`gather`); default GATHER_MS. */
  gatherMs?: number;
}

type Space = { free: number; block: number } | undefined;

/**
 * How long a flush of the join log waits at most for the rows of requests still in their Telegram
 * call (`gather`): a request that takes longer (a retry, a 429) does not hold the others' rows longer.
 */
export const GATHER_MS = 25;

/**
 * An upper bound of a row's size on disk: every cell quoted with every character doubled, tabs and a
 * line ending. A UTF-16 unit takes at most three bytes of UTF-8, so the bound counts units and looks
 * at no character: encoding each cell was 10 ms of a burst's 160 ms in our code, and a scan of each
 * character for the ones past ASCII (with the array of the row's values) another 0.6 us a request
 * (BENCHMARKS.md, issue 15). It overestimates a row of ASCII threefold: a few hundred bytes a row in
 * flight, against the gate's margin of LOOK_HEADROOM.
 */
export function rowBytesBound(row: ResponseCells): number {
  let sum = 2;
  for (const column in row) sum += 6 * String(row[column as keyof ResponseCells]).length + 3;
  return sum;
}

async function statfsFree(dir: string): Promise<{ free: number; block: number } | undefined> {
  try {
    const stats = await statfs(dir);
    return { free: stats.bavail * stats.bsize, block: stats.bsize };
  } catch {
    return undefined;
  }
}

/** Never settles: what a wait turns into once the bot stops (nothing is confirmed, Telegram delivers it again). */
const never = new Promise<never>(() => {});

export class LogGate implements SeatKeeper {
  /** Bytes of rows admitted and not yet written. */
  private reserved = 0;
  /** Set by a failed write, cleared by the next write that succeeds. */
  private failing: string | undefined;
  /** Whether the hold was already announced (once per episode, not per request). */
  private announced = false;
  private closed = false;
  /** The back-off timers running: they keep the process alive while it holds (nothing else may), and `close` ends them. */
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private readonly backoff: HoldBackoff;
  private readonly freeBytes: NonNullable<LogGateOptions['freeBytes']>;
  private readonly clock: () => number;
  /** The last look at the disk, when (clock) it was taken, and the look under way (shared by the admissions waiting for it). */
  private look: { space: Space; at: number } | undefined;
  private looking: Promise<Space> | undefined;
  /** Bytes of the seats released since the last look: rows written (or never written: counted all the same) that it did not see. */
  private spent = 0;
  /** Seats whose row is not handed to `record` yet, and the flush waiting for them (`gather`). */
  private readonly calls: CallsUnderWay;

  constructor(private readonly log: RowLog, private readonly options: LogGateOptions) {
    this.backoff = options.backoff ?? DEFAULT_HOLD_BACKOFF;
    this.freeBytes = options.freeBytes ?? statfsFree;
    this.clock = options.clock ?? (() => performance.now());
    this.calls = new CallsUnderWay(options.gatherMs ?? GATHER_MS);
  }

  has(key: string): boolean {
    return this.log.has(key);
  }

  /**
   * A seat once a row like `draft` can be written: the last write did not fail and the disk has room
   * for it beside the rows already admitted. Until then it waits (looking again with back-off); after
   * `close` it never resolves. The common case comes as the seat itself, anything else as a promise.
   */
  admit(draft: ResponseCells): Seat | Promise<Seat> {
    const bytes = rowBytesBound(draft);
    // The common case, nothing failing and the last look serving with ample room (what `space`
    // would answer at once), takes no async step: a burst admits every request. Judged and taken
    // in one step, as below.
    const last = this.look;
    if (!this.closed && this.failing === undefined && last?.space !== undefined && this.clock() - last.at < LOOK_REUSE_MS
      && this.room(last.space) >= bytes + LOOK_HEADROOM && this.spaceProblem(last.space, bytes) === undefined) {
      return this.seat(bytes);
    }
    return this.admitAfterLook(draft, bytes);
  }

  private async admitAfterLook(draft: ResponseCells, bytes: number): Promise<Seat> {
    for (let attempt = 0; ; attempt += 1) {
      if (this.closed) return never;
      // The room is judged and taken in one step (no await between), so admissions that share a look each see the ones before.
      const problem = this.failing ?? this.spaceProblem(await this.space(bytes), bytes);
      if (this.closed) return never;
      if (problem === undefined && this.failing === undefined) break;
      this.hold(problem ?? this.failing!, `join request of user ${draft.id_tg}`);
      await this.pause(attempt);
    }
    return this.seat(bytes);
  }

  /** Reserves `bytes` for a row until the seat is released. */
  private seat(bytes: number): Seat {
    this.reserved += bytes;
    this.calls.begin();
    return new GateSeat(this, bytes);
  }

  /** A seat's Telegram call is over (GateSeat.handOver, once a seat). */
  callOver(): void {
    this.calls.over();
  }

  /** A seat's bytes are no longer held (GateSeat.release, once a seat): its row is written, or will never be. */
  freed(bytes: number): void {
    this.reserved -= bytes;
    this.spent += bytes;
  }

  /**
   * For the join log's flush (ResponseLog.gatherWhile): while some admitted request is still in its
   * Telegram call, a promise that settles when the last of them hands its row over (or is released
   * without one), or after GATHER_MS. A batch of requests then has its rows flushed once, after its
   * last answer, where a flush after each few answers kept the last row waiting for the flush under
   * way and then for its own (5-7 flushes per batch of 100, BENCHMARKS.md, issue 15). Only the
   * flush's size depends on it. main.ts asks for it with long polling only (see there).
   */
  gather(): Promise<void> | undefined {
    return this.closed ? undefined : this.calls.wait();
  }

  /**
   * Writes the row (see ResponseLog.record), trying again with back-off until it is on disk; after
   * `close`, never resolves. `seat`, the row's, is handed over (`gather` waits no longer for it);
   * `key`, when given, is the row's (rowKey).
   */
  record(row: ResponseCells, seat?: Seat, key?: string): Promise<boolean> {
    seat?.handOver();
    if (this.closed) return never;
    // The first try has no async frame of its own: one per join request was 18 MB of the 670 MB a
    // burst of 10,000 allocates (sampling heap profile). Only a failed write goes on to the loop.
    let written: Promise<boolean>;
    try {
      written = this.log.record(row, key);
    } catch (error) {
      return this.recordAgain(row, error);
    }
    return written.then(
      (wrote) => {
        this.resume();
        return wrote;
      },
      (error: unknown) => this.recordAgain(row, error),
    );
  }

  /** After a write of `row` failed with `error`: holds, waits with back-off and tries again until it is on disk (or `close`). */
  private async recordAgain(row: ResponseCells, error: unknown): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      this.failing = `cannot write to it: ${messageOf(error)}`;
      this.hold(this.failing, `the row of user ${row.id_tg} (request ${rowKey(row)})`);
      await this.pause(attempt);
      if (this.closed) return never;
      try {
        const wrote = await this.log.record(row);
        this.resume();
        return wrote;
      } catch (next) {
        error = next;
      }
    }
  }

  /** Ends every wait without settling it: what is held stays unconfirmed for the next start. */
  close(): void {
    this.closed = true;
    this.calls.end();
    for (const [timer, wake] of this.waits) {
      clearTimeout(timer);
      wake();
    }
    this.waits.clear();
  }

  /** The free space: the last look while it is recent and shows ample room, else a new look (one at a time). */
  private async space(bytes: number): Promise<Space> {
    const last = this.look;
    if (last?.space !== undefined && this.clock() - last.at < LOOK_REUSE_MS && this.room(last.space) >= bytes + LOOK_HEADROOM) return last.space;
    if (this.looking === undefined) {
      const at = this.clock();
      // Seats released while the look is under way may or may not be in it: they stay counted.
      const spentBefore = this.spent;
      this.looking = this.freeBytes(this.options.dir).then((space) => {
        this.look = { space, at };
        this.spent -= spentBefore;
        this.looking = undefined;
        return space;
      });
    }
    return this.looking;
  }

  /** Free bytes left by the look for another row: what it saw, less what was admitted or written since. */
  private room(space: NonNullable<Space>): number {
    return space.free - this.spent - this.reserved;
  }

  private spaceProblem(space: Space, bytes: number): string | undefined {
    // A block beyond the rows: the write may start a new one, and a fence may come first.
    if (space === undefined || this.room(space) >= bytes + space.block) return undefined;
    return `the disk is full (${space.free} bytes free)`;
  }

  private hold(problem: string, what: string): void {
    if (this.announced) {
      this.options.logger.debug(`${this.options.name}: still ${problem}; holding ${what}`);
      return;
    }
    this.announced = true;
    this.options.logger.error(
      `${this.options.name}: ${problem}. Join requests are held, neither approved nor declined, and not confirmed to Telegram (it keeps them) until rows can be written again; the bot goes on by itself then. Free some space in ${this.options.dir}.`,
    );
  }

  private resume(): void {
    if (this.failing === undefined && !this.announced) return;
    this.failing = undefined;
    if (this.announced) this.options.logger.info(`${this.options.name}: writable again; the held join requests go on`);
    this.announced = false;
  }

  private pause(attempt: number): Promise<void> {
    const ms = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(attempt, 20));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      this.waits.set(timer, resolve);
    });
  }
}
