/**
 * Start-up's reading of the join log for tg-handler's appender: the recent rows' redelivery keys and
 * problems, and whether the header must change, row by row as the file (or the part of it after a
 * snapshot) is read.
 */
import { DataFileError, type FilePosition } from '../errors.js';
import { headerProblem, validateRow } from '../files/data-file.js';
import { cell, emptyTable, formatCell } from '../files/table.js';
import { TsvScanner, type Table, type TableFrame, type TableRow } from '../files/tsv.js';
import { RecentKeys, REDELIVERY_WINDOW_S, rowKey } from './keys.js';
import { responseSpec } from './schema.js';

/** A problem of a recent row, with the row's request date (Unix seconds), as a snapshot keeps it. */
export interface DatedProblem {
  dateS: number;
  position: FilePosition;
  problem: string;
}

/** What a snapshot brings back of the appender's start: the header, line ending, recent keys and problems. */
export interface SavedStart {
  header: string[];
  eol: string;
  keys: Array<[string, number]>;
  problems: DatedProblem[];
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
  /** The same problems with the request date of their row (what a snapshot keeps). */
  dated: DatedProblem[];
  /** The header lacks the legacy columns: appending would put our cells under someone else's columns. */
  fatal: DataFileError | undefined;
}

/**
 * Reading the join log row by row, keeping only the recent rows' keys and problems: the log grows
 * without bound, start-up time and memory must not. Rows older than the redelivery window are not
 * checked (a request among them cannot come again; the report checks them all).
 */
export function logReader(name: string, zone: string, now: () => Date, saved?: SavedStart) {
  const spec = responseSpec(zone);
  const nowS = () => Math.floor(now().getTime() / 1000);
  const keys = new RecentKeys(nowS);
  const problems: DataFileError[] = [];
  const dated: DatedProblem[] = [];
  const cutoffS = nowS() - REDELIVERY_WINDOW_S;
  for (const [key, dateS] of saved?.keys ?? []) keys.add(key, dateS);
  for (const p of saved?.problems ?? []) {
    if (p.dateS < cutoffS) continue;
    dated.push(p);
    problems.push(new DataFileError({ ...p.position, file: name }, p.problem));
  }
  let checker: Table | undefined;
  const onRow = (row: TableRow, header: TableRow): void => {
    const table = (checker ??= emptyTable(name, header.cells));
    if (row.blank) return;
    const date = cell(table, row, 'tg_request_date').trim();
    const dateS = /^\d{1,12}$/.test(date) ? Number(date) : Number.NaN;
    if (!(dateS >= cutoffS)) return;
    const checked = validateRow(table, row, spec);
    if (checked !== null && 'problems' in checked) {
      problems.push(...checked.problems);
      for (const { position, problem } of checked.problems) dated.push({ dateS, position, problem });
    }
    const id = cell(table, row, 'id_tg').trim();
    const status = cell(table, row, 'tg_responde_status').trim();
    const reason = cell(table, row, 'reason').trim();
    if (id !== '') keys.add(rowKey({ chat_id: cell(table, row, 'chat_id').trim(), id_tg: id, tg_request_date: date, tg_responde_status: status, reason }), dateS);
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
    const base = { eol, keys, needsEol, problems, dated, fatal, oldHeadBytes: 0, newHead: null };
    if (fatal !== undefined) return { ...base, header, problems: [], dated: [] };
    const missing = [...spec.columns, ...spec.appended].filter((column) => !header.includes(column));
    if (missing.length === 0 && !empty) return { ...base, header };
    const columns = [...header, ...missing];
    // Only the header changes: the rest of the file is copied as it was, byte for byte.
    const oldHeadBytes = empty ? 0 : (bom ? 3 : 0) + Buffer.byteLength(`${frame.header.raw ?? ''}${frame.header.eol}`, 'utf8');
    const newHead = `${bom ? '\uFEFF' : ''}${columns.map(formatCell).join('\t')}${empty ? eol : frame.header.eol || eol}`;
    return { ...base, header: columns, oldHeadBytes, newHead, needsEol: needsEol && frame?.header.eol !== '' };
  };
  /**
   * What start-up makes of a file a snapshot vouched for (its header is the one the snapshot was
   * made with); null when that header would not do as it is (a version of ours with more columns).
   */
  const resumed = (header: readonly string[], eol: string): PreparedLog | null => {
    const fits = headerProblem(name, [...header], spec) === undefined && [...spec.columns, ...spec.appended].every((column) => header.includes(column));
    return fits ? { header: [...header], eol, keys, needsEol: false, problems, dated, fatal: undefined, oldHeadBytes: 0, newHead: null } : null;
  };
  /** A row outside the redelivery window (or without a plain request date) is not looked at (see onRow). */
  const skips = (_status: string, requestDateS: number): boolean => !(requestDateS >= cutoffS);
  return { spec, onRow, skips, settle, resumed };
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
