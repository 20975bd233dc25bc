/**
 * The join log, data/responde_data.txt, as tg-handler writes it: read once at start, then only whole
 * lines appended, each durable (fsynced) before the update that caused it is confirmed to Telegram.
 * A request already in the file (same chat, user and request date) never gets a second line, so a
 * redelivered update after a crash, or the same update twice, leaves one row.
 */
import { DataFileMissingError, type DataFileError } from '../errors.js';
import { AppendLog } from '../files/append-log.js';
import { headerProblem, validateRow } from '../files/data-file.js';
import { withFileLock } from '../files/lock.js';
import { readTable, replaceHead, writeAtomic } from '../files/store.js';
import { cell, emptyTable, formatCell, formatRecord } from '../files/table.js';
import { TsvScanner, type Table, type TableFrame, type TableRow } from '../files/tsv.js';
import { keyOfRow, responseSpec, type ResponseCells } from './schema.js';

/**
 * The key of a row: the same request (chat, user, request date) has the same key. A membership row
 * (status joined, left, removed) adds its direction, so a join and a leave in one second differ. A
 * `pending` row (held for an admin) has a key of its own, so the decision an admin makes later (the
 * review queue, `tg-get pending`) gets one row too, and still only one.
 */
export function rowKey(row: Pick<ResponseCells, 'chat_id' | 'id_tg' | 'tg_request_date'> & { tg_responde_status?: string; reason?: string }): string {
  const status = row.tg_responde_status ?? '';
  const key = keyOfRow(row.chat_id, row.id_tg, row.tg_request_date, status);
  if (status !== 'pending') return key;
  // Waiting for the requester's answer (--check-requester) is a stage of its own before being held for an admin.
  return row.reason === CHECK_REASON ? `${key}|check` : heldKey(key);
}

/** The `reason` of the `pending` row written while tg-handler waits for the requester to answer its check. */
export const CHECK_REASON = 'check';

/** The key of a request's `pending` row, given the request's key. */
export function heldKey(key: string): string {
  return `${key}|held`;
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. A key built from cells is a
 * chain of slices of the text read, which would keep all of it alive for as long as the key lives;
 * slicing a fresh concatenation makes V8 copy the characters into a string of their own.
 */
function detach(text: string): string {
  return `${text} `.slice(0, -1);
}

/**
 * How long a request's key is kept, in seconds. Telegram keeps an update it could not deliver for 24
 * hours at most, so a request older than that never comes again; a week leaves room for a wrong clock.
 * Keys of older rows are neither loaded at start nor kept while running: memory follows the last
 * week's joins, not the size of the file.
 */
export const REDELIVERY_WINDOW_S = 7 * 24 * 3600;

/** The keys of recent requests (inside the redelivery window), each with its request date. */
export class RecentKeys {
  private readonly dates = new Map<string, number>();
  private lastSweepS: number;

  constructor(private readonly nowS: () => number) {
    this.lastSweepS = nowS();
  }

  /** Keeps the key when its request date (Unix seconds) is inside the window; once an hour, forgets keys that left it. */
  add(key: string, requestDateS: number): void {
    const now = this.nowS();
    if (requestDateS >= now - REDELIVERY_WINDOW_S) this.dates.set(key, requestDateS);
    if (now - this.lastSweepS >= 3600) {
      this.lastSweepS = now;
      for (const [k, date] of this.dates) if (date < now - REDELIVERY_WINDOW_S) this.dates.delete(k);
    }
  }

  has(key: string): boolean {
    return this.dates.has(key);
  }

  get size(): number {
    return this.dates.size;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.dates.keys();
  }
}

/** What start-up makes of the file. */
export interface PreparedLog {
  /** The header's columns and the line ending for new rows. */
  header: string[];
  eol: string;
  /** The new header record (BOM and line ending included) when ours are missing, or the file is missing or empty; else null. */
  newHead: string | null;
  /** Bytes of the file that `newHead` replaces: the old header record. */
  oldHeadBytes: number;
  /** Keys of the recent rows that carry a request date (legacy rows have none). */
  keys: RecentKeys;
  /** The file does not end with a line ending: the first append must start with one. */
  needsEol: boolean;
  /** Problems of the recent rows; older ones are history the report reads, not start-up's business. */
  problems: DataFileError[];
  /** The header lacks the legacy columns: appending would put our cells under someone else's columns. */
  fatal: DataFileError | undefined;
}

/**
 * Reading the join log row by row, keeping only the recent rows' keys and problems: the log grows
 * without bound, start-up time and memory must not. Rows older than the redelivery window are not
 * checked (a request among them cannot come again; the report checks them all).
 */
function logReader(name: string, zone: string, now: () => Date) {
  const spec = responseSpec(zone);
  const nowS = () => Math.floor(now().getTime() / 1000);
  const keys = new RecentKeys(nowS);
  const problems: DataFileError[] = [];
  const cutoffS = nowS() - REDELIVERY_WINDOW_S;
  let checker: Table | undefined;
  const onRow = (row: TableRow, header: TableRow): void => {
    const table = (checker ??= emptyTable(name, header.cells));
    if (row.blank) return;
    const date = cell(table, row, 'tg_request_date').trim();
    const dateS = /^\d{1,12}$/.test(date) ? Number(date) : Number.NaN;
    if (!(dateS >= cutoffS)) return;
    const checked = validateRow(table, row, spec);
    if (checked !== null && 'problems' in checked) problems.push(...checked.problems);
    const id = cell(table, row, 'id_tg').trim();
    const status = cell(table, row, 'tg_responde_status').trim();
    const reason = cell(table, row, 'reason').trim();
    if (id !== '') keys.add(detach(rowKey({ chat_id: cell(table, row, 'chat_id').trim(), id_tg: id, tg_request_date: date, tg_responde_status: status, reason })), dateS);
  };
  /** What start-up must write, given the file's frame (null when the file is missing). */
  const settle = (frame: TableFrame | null): PreparedLog => {
    const empty = frame === null || frame.header.cells.length === 0;
    const eol = frame?.eol ?? '\n';
    const bom = frame?.bom ?? false;
    const header = empty ? [...spec.columns] : [...frame.header.cells];
    const fatal = headerProblem(name, header, spec);
    // A header-only file without a line ending gets one with a new header.
    const needsEol = !empty && !frame.endsWithLineBreak;
    const base = { eol, keys, needsEol, problems, fatal, oldHeadBytes: 0, newHead: null };
    if (fatal !== undefined) return { ...base, header, problems: [] };
    const missing = [...spec.columns, ...spec.appended].filter((column) => !header.includes(column));
    if (missing.length === 0 && !empty) return { ...base, header };
    const columns = [...header, ...missing];
    // Only the header changes: the rest of the file is copied as it was, byte for byte.
    const oldHeadBytes = empty ? 0 : (bom ? 3 : 0) + Buffer.byteLength(`${frame.header.raw ?? ''}${frame.header.eol}`, 'utf8');
    const newHead = `${bom ? '\uFEFF' : ''}${columns.map(formatCell).join('\t')}${empty ? eol : frame.header.eol || eol}`;
    return { ...base, header: columns, oldHeadBytes, newHead, needsEol: needsEol && frame?.header.eol !== '' };
  };
  return { spec, onRow, settle };
}

/**
 * Start-up over the join log's text (null when the file is missing): what `ResponseLog.open` makes
 * of the file, as a pure function of its text and the clock. `rewrite` is the file's new text when
 * its header must change, else null.
 */
export function prepareLog(text: string | null, name: string, zone: string, now: () => Date = () => new Date()): PreparedLog & { rewrite: string | null } {
  const reader = logReader(name, zone, now);
  let frame: TableFrame | null = null;
  if (text !== null) {
    const scanner = new TsvScanner(name, reader.onRow);
    scanner.push(text);
    frame = scanner.end();
  }
  const prepared = reader.settle(frame);
  const rest = text === null || prepared.oldHeadBytes === 0 ? '' : Buffer.from(text, 'utf8').subarray(prepared.oldHeadBytes).toString('utf8');
  return { ...prepared, rewrite: prepared.newHead === null ? null : prepared.newHead + rest };
}

const NOT_WRITTEN = Promise.resolve(false);

/**
 * The open join log. `record` appends one row unless its key is already there, and resolves once
 * the line is on disk.
 */
export class ResponseLog {
  private readonly keys: RecentKeys;
  /** Keys being written right now: a second copy of the same request waits for the first. */
  private readonly writing = new Map<string, Promise<void>>();
  /** The header's columns and the line ending: the rows read at start are not kept, so memory does not grow with the file. */
  private readonly columns: readonly string[];
  private readonly eol: string;
  private readonly listeners: ((row: ResponseCells) => void)[] = [];

  private constructor(private readonly out: AppendLog, prepared: PreparedLog) {
    this.columns = prepared.header;
    this.eol = prepared.eol;
    this.keys = prepared.keys;
  }

  /**
   * Opens the join log at `file` (shown as `name` in messages), creating it with the legacy header
   * plus our columns, or adding our columns to an existing header with one atomic rewrite under the
   * file lock. Returns the problems of rows that cannot be read (they stay in the file untouched).
   * Throws DataFileError when the file is not UTF-8 or its header lacks the legacy columns.
   * `beforeWrite`, when given, runs after the file is read and checked and before the file is created
   * or its header rewritten (only then); what it throws ends the open with the file untouched.
   */
  static async open(
    file: string,
    name: string,
    zone: string,
    options: { now?: () => Date; beforeWrite?: () => Promise<void> } = {},
  ): Promise<{ log: ResponseLog; problems: DataFileError[] }> {
    const prepared = await withFileLock(file, async () => {
      const reader = logReader(name, zone, options.now ?? (() => new Date()));
      let frame: TableFrame | null;
      try {
        frame = await readTable(file, name, reader.spec.expected, reader.onRow);
      } catch (error) {
        if (!(error instanceof DataFileMissingError)) throw error;
        frame = null;
      }
      const result = reader.settle(frame);
      if (result.fatal !== undefined) throw result.fatal;
      if (result.newHead !== null) {
        await options.beforeWrite?.();
        if (frame === null) await writeAtomic(file, result.newHead);
        else await replaceHead(file, result.oldHeadBytes, result.newHead);
      }
      return result;
    });
    const out = await AppendLog.open(file, prepared.eol);
    return { log: new ResponseLog(out, prepared), problems: prepared.problems };
  }

  /** True when a row for this request key (a decision, or the `pending` row) is in the file (or being written). */
  has(key: string): boolean {
    return [key, heldKey(key), `${key}|check`].some((k) => this.keys.has(k) || this.writing.has(k));
  }

  /** True when a decision row (not `pending`) for this request key is in the file (or being written). */
  decided(key: string): boolean {
    return this.keys.has(key) || this.writing.has(key);
  }

  /**
   * Appends the row unless a row with its key exists. Resolves true when this call wrote it (after
   * fsync), false for a duplicate. Rejects when the write failed; the key is then free again, so a
   * redelivered update can try once more.
   */
  record(row: ResponseCells): Promise<boolean> {
    const key = rowKey(row);
    const inFlight = this.writing.get(key);
    if (inFlight !== undefined) return this.afterFirst(inFlight, row);
    if (this.keys.has(key)) return NOT_WRITTEN;
    // A torn last line (no line ending) is closed by the AppendLog before this row. Not an async
    // function: one promise per row (the append's, chained once), as a burst makes thousands at once.
    const write = this.out.append(`${formatRecord(this.columns, row)}${this.eol}`);
    this.writing.set(key, write);
    return write.then(
      () => {
        this.writing.delete(key);
        this.keys.add(key, Number(row.tg_request_date));
        for (const listener of this.listeners) listener(row);
        return true;
      },
      (error: unknown) => {
        this.writing.delete(key);
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
