/**
 * The join log, data/responde_data.txt, as tg-handler writes it: read once at start, then only whole
 * lines appended, each durable (fsynced) before the update that caused it is confirmed to Telegram.
 * A request already in the file (same chat, user and request date) never gets a second line, so a
 * redelivered update after a crash, or the same update twice, leaves one row.
 */
import { readFile } from 'node:fs/promises';
import type { DataFileError } from '../shared/errors.js';
import { headerProblem, validateRow } from '../shared/repos/repo.js';
import { requestKey, responseSpec, type ResponseStatus } from '../shared/repos/responses.js';
import { AppendLog, decodeUtf8, withFileLock, writeAtomic } from '../shared/tsv/file-store.js';
import { cell, emptyTable, ensureColumns, formatCell, formatRecord, scanTable, type Table } from '../shared/tsv/table.js';

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
 * chain of slices of the whole file's text, which would keep all of it alive for as long as the key
 * lives (a heap snapshot showed 26 MB held that way at 100,000 rows); slicing a fresh concatenation
 * makes V8 copy the characters into a string of their own.
 */
function detach(text: string): string {
  return `${text} `.slice(0, -1);
}

/** What start-up makes of the file's text. */
export interface PreparedLog {
  table: Table;
  /** The new text when the header must change (file missing, or our columns missing); else null. */
  rewrite: string | null;
  /** Keys of the rows already there that carry a request date (legacy rows have none). */
  keys: Set<string>;
  /** The file does not end with a line ending: the first append must start with one. */
  needsEol: boolean;
  problems: DataFileError[];
}

/**
 * Reads the join log's text (null when the file is missing) and decides what start-up must write.
 * Pure. A header without the legacy columns is a problem for the whole file: appending to it would
 * put our cells under someone else's columns, so it is returned in `problems` with `fatal` semantics
 * (the caller refuses to start).
 */
export function prepareLog(text: string | null, name: string, zone: string): PreparedLog & { fatal: DataFileError | undefined } {
  const spec = responseSpec(zone);
  const source = text ?? '';
  const keys = new Set<string>();
  const problems: DataFileError[] = [];
  // Row by row, keeping only the keys and the problems: the log grows without bound, start-up memory must not.
  let checker: Table | undefined;
  const frame = scanTable(source, name, (row, header) => {
    checker ??= emptyTable(name, header.cells);
    const checked = validateRow(checker, row, spec);
    if (checked !== null && 'problems' in checked) problems.push(...checked.problems);
    if (row.blank) return;
    const id = cell(checker, row, 'id_tg').trim();
    const date = cell(checker, row, 'tg_request_date').trim();
    if (id !== '' && date !== '') keys.add(detach(requestKey(cell(checker, row, 'chat_id').trim(), id, date)));
  });
  const empty = frame.header.cells.length === 0;
  const table: Table = { file: name, header: empty ? emptyTable(name, spec.columns).header : frame.header, rows: [], eol: frame.eol, bom: frame.bom };
  const fatal = headerProblem(name, table.header.cells, spec);
  if (fatal !== undefined) return { table, rewrite: null, keys, needsEol: false, problems: [], fatal };
  // Only the header changes: the rest of the file is written back as it was, byte for byte.
  const headerEnd = (frame.bom ? 1 : 0) + (empty ? source.length - (frame.bom ? 1 : 0) : (frame.header.raw ?? '').length + frame.header.eol.length);
  const rest = source.slice(headerEnd);
  const changed = ensureColumns(table, [...spec.columns, ...spec.appended]) || empty;
  const rewrite = changed ? `${frame.bom ? '\uFEFF' : ''}${table.header.cells.map(formatCell).join('\t')}${table.header.eol || table.eol}${rest}` : null;
  const finalText = rewrite ?? source;
  const needsEol = finalText !== '' && !/[\r\n]$/.test(finalText);
  return { table, rewrite, keys, needsEol, problems, fatal: undefined };
}

/**
 * The open join log. `record` appends one row unless its key is already there, and resolves once
 * the line is on disk.
 */
export class ResponseLog {
  private readonly keys: Set<string>;
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
  static async open(file: string, name: string, zone: string): Promise<{ log: ResponseLog; problems: DataFileError[] }> {
    const prepared = await withFileLock(file, async () => {
      let text: string | null;
      try {
        text = decodeUtf8(await readFile(file), name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        text = null;
      }
      const result = prepareLog(text, name, zone);
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
      this.keys.add(key);
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
