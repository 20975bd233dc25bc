/**
 * The join log, data/responde_data.txt, as tg-handler writes it: read once at start, then only whole
 * lines appended, each durable (fsynced) before the update that caused it is confirmed to Telegram.
 * A request already in the file (same chat, user and request date) never gets a second line, so a
 * redelivered update after a crash, or the same update twice, leaves one row.
 */
import { readFile } from 'node:fs/promises';
import { DataFileMissingError, type DataFileError } from '../errors.js';
import { headerProblem, validateRow } from '../files/data-file.js';
import { requestKey, responseSpec, type ResponseStatus } from './schema.js';
import { AppendLog, decodeUtf8, scanDataFile, withFileLock, writeAtomic, type ScannedFrame } from '../files/store.js';
import { cell, emptyTable, ensureColumns, formatCell, formatRecord, scanTable, type Table, type TableRow } from '../files/tsv.js';

/** One line of the join log, by column name. */
export interface ResponseRow {
  id_link: string;
  id_tg: string;
  tg_f_name: string;
  tg_l_name: string;
  dt_tg_responde: string;
  tg_responde_status: ResponseStatus;
  tg_username: string;
  link: string;
  chat_id: string;
  tg_request_date: string;
}

/** The key of a row: the same request (chat, user, request date) has the same key. */
export function rowKey(row: Pick<ResponseRow, 'chat_id' | 'id_tg' | 'tg_request_date'>): string {
  return requestKey(row.chat_id, row.id_tg, row.tg_request_date);
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
  table: Table;
  /** The new text when the header must change (file missing, or our columns missing); else null. */
  rewrite: string | null;
  /** Keys of the recent rows that carry a request date (legacy rows have none). */
  keys: RecentKeys;
  /** The file does not end with a line ending: the first append must start with one. */
  needsEol: boolean;
  problems: DataFileError[];
}

/**
 * Reading the join log row by row, keeping only the recent rows' keys and the problems: the log grows
 * without bound, start-up memory must not.
 */
function logReader(name: string, zone: string, now: () => Date) {
  const spec = responseSpec(zone);
  const nowS = () => Math.floor(now().getTime() / 1000);
  const keys = new RecentKeys(nowS);
  const problems: DataFileError[] = [];
  const cutoffS = nowS() - REDELIVERY_WINDOW_S;
  let checker: Table | undefined;
  const onRow = (row: TableRow, header: TableRow): void => {
    checker ??= emptyTable(name, header.cells);
    const checked = validateRow(checker, row, spec);
    if (checked !== null && 'problems' in checked) problems.push(...checked.problems);
    if (row.blank) return;
    const date = cell(checker, row, 'tg_request_date').trim();
    const dateS = /^\d{1,12}$/.test(date) ? Number(date) : Number.NaN;
    const id = cell(checker, row, 'id_tg').trim();
    if (id !== '' && dateS >= cutoffS) keys.add(detach(requestKey(cell(checker, row, 'chat_id').trim(), id, date)), dateS);
  };
  const ours = [...spec.columns, ...spec.appended];
  /** Start-up must rewrite the file (and so needs its whole text): it is missing or empty, or its header lacks a column. */
  const rewrites = (frame: ScannedFrame | null): boolean => frame === null || ours.some((column) => !frame.header.cells.includes(column));
  /**
   * Decides what start-up must write, given the file's frame (null when the file is missing) and, when
   * it `rewrites`, its whole text. A header without the legacy columns is `fatal`: appending would put
   * our cells under someone else's columns (the caller refuses to start).
   */
  const settle = (frame: ScannedFrame | null, text: string): PreparedLog & { fatal: DataFileError | undefined } => {
    const empty = frame === null || frame.header.cells.length === 0;
    const header = empty ? emptyTable(name, spec.columns).header : { ...frame.header };
    const table: Table = { file: name, header, rows: [], eol: frame?.eol ?? '\n', bom: frame?.bom ?? false };
    const fatal = headerProblem(name, table.header.cells, spec);
    if (fatal !== undefined) return { table, rewrite: null, keys, needsEol: false, problems: [], fatal };
    const changed = ensureColumns(table, ours) || empty;
    if (!changed) return { table, rewrite: null, keys, needsEol: !frame.endsWithLineBreak, problems, fatal: undefined };
    // Only the header changes: the rest of the file is written back as it was, byte for byte.
    const headerEnd = (table.bom ? 1 : 0) + (empty ? text.length - (table.bom ? 1 : 0) : (frame.header.raw ?? '').length + frame.header.eol.length);
    const rewrite = `${table.bom ? '\uFEFF' : ''}${table.header.cells.map(formatCell).join('\t')}${table.header.eol || table.eol}${text.slice(headerEnd)}`;
    return { table, rewrite, keys, needsEol: !/[\r\n]$/.test(rewrite), problems, fatal: undefined };
  };
  return { spec, onRow, rewrites, settle };
}

/**
 * Start-up over the join log's text (null when the file is missing): what `ResponseLog.open` does
 * with the file, as a pure function of its text and the clock.
 */
export function prepareLog(text: string | null, name: string, zone: string, now: () => Date = () => new Date()): PreparedLog & { fatal: DataFileError | undefined } {
  const reader = logReader(name, zone, now);
  const frame = text === null ? null : { ...scanTable(text, name, reader.onRow), endsWithLineBreak: /[\r\n]$/.test(text) };
  return reader.settle(frame, text ?? '');
}

/**
 * The open join log. `record` appends one row unless its key is already there, and resolves once
 * the line is on disk.
 */
export class ResponseLog {
  private readonly keys: RecentKeys;
  /** Keys being written right now: a second copy of the same request waits for the first. */
  private readonly writing = new Map<string, Promise<void>>();
  private needsEol: boolean;

  /** The header and line ending only: the rows read at start are not kept, so memory does not grow with the file. */
  private readonly table: Table;

  private constructor(private readonly out: AppendLog, prepared: PreparedLog) {
    this.table = emptyTable(prepared.table.file, prepared.table.header.cells, prepared.table.eol);
    this.keys = prepared.keys;
    this.needsEol = prepared.needsEol;
  }

  /**
   * Opens the join log at `file` (shown as `name` in messages), creating it with the legacy header
   * plus our columns, or adding our columns to an existing header with one atomic rewrite under the
   * file lock. Returns the problems of rows that cannot be read (they stay in the file untouched).
   * Throws DataFileError when the file is not UTF-8 or its header lacks the legacy columns.
   */
  static async open(file: string, name: string, zone: string, options: { now?: () => Date } = {}): Promise<{ log: ResponseLog; problems: DataFileError[] }> {
    const prepared = await withFileLock(file, async () => {
      const reader = logReader(name, zone, options.now ?? (() => new Date()));
      let frame: ScannedFrame | null;
      try {
        frame = await scanDataFile(file, name, reader.spec.expected, reader.onRow);
      } catch (error) {
        if (!(error instanceof DataFileMissingError)) throw error;
        frame = null;
      }
      // The whole text is read only when the header must change: once, on the first start.
      const text = frame !== null && reader.rewrites(frame) ? decodeUtf8(await readFile(file), name) : '';
      const result = reader.settle(frame, text);
      if (result.fatal !== undefined) throw result.fatal;
      if (result.rewrite !== null) await writeAtomic(file, result.rewrite);
      return result;
    });
    const out = await AppendLog.open(file);
    return { log: new ResponseLog(out, prepared), problems: prepared.problems };
  }

  /** True when a row for this request key is in the file (or being written). */
  has(key: string): boolean {
    return this.keys.has(key) || this.writing.has(key);
  }

  /**
   * Appends the row unless a row with its key exists. Resolves true when this call wrote it (after
   * fsync), false for a duplicate. Rejects when the write failed; the key is then free again, so a
   * redelivered update can try once more.
   */
  async record(row: ResponseRow): Promise<boolean> {
    const key = rowKey(row);
    const inFlight = this.writing.get(key);
    if (inFlight !== undefined) {
      const firstWrote = await inFlight.then(() => true, () => false);
      if (firstWrote) return false;
      return this.record(row);
    }
    if (this.keys.has(key)) return false;
    const prefix = this.needsEol ? this.table.eol : '';
    this.needsEol = false;
    const values: Record<string, string> = { ...row };
    const write = this.out.append(`${prefix}${formatRecord(this.table, values)}${this.table.eol}`);
    this.writing.set(key, write);
    try {
      await write;
      this.keys.add(key, Number(row.tg_request_date));
      return true;
    } catch (error) {
      // The line ending may not have reached the file either; add one again rather than glue rows.
      if (prefix !== '') this.needsEol = true;
      throw error;
    } finally {
      this.writing.delete(key);
    }
  }

  /** Waits for pending lines, then closes the file. */
  close(): Promise<void> {
    return this.out.close();
  }
}
