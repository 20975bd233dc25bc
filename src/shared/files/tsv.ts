/**
 * Tab-separated text <-> rows, with no I/O. A table remembers every record's text as it was read, so
 * writing back an untouched table gives the same bytes: BOM, line endings, quoting, blank lines and
 * rows shorter than the header all survive. Only rows we change (or add) are formatted anew.
 */
import Papa from 'papaparse';
import { DataFileError } from '../errors.js';

/** One record of the file: the header, a data row, or a blank line kept in place. */
export interface TableRow {
  /** 1-based line number of the record's first character in the file. */
  line: number;
  /** Cell values, unquoted. May be shorter than the header: missing cells read as blank. */
  cells: string[];
  /** The record's text as read, without its line ending; null once the row is changed or when it is new. */
  raw: string | null;
  /** The line ending that followed the record ('' for a last line without one). */
  eol: string;
  /** Cache for `cellStart`: 1-based columns where the cells start; empty until asked for. */
  starts: number[];
  /** An empty line or a line of tabs only: kept in the file, never read as data. */
  blank: boolean;
  /** Set when the record cannot be used (too many fields); it is kept as it was. */
  error?: DataFileError;
}

/** A whole file. `rows` excludes the header. */
export interface Table {
  /** Name used in messages, e.g. `data/invite_data.txt`. */
  file: string;
  header: TableRow;
  rows: TableRow[];
  /** The line ending given to new records: the file's own, LF for a new file. */
  eol: string;
  bom: boolean;
}

/** Splits a record's first line into cell start columns, honouring quoted cells. */
function cellStarts(raw: string): number[] {
  const starts = [1];
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\n' || ch === '\r') break;
    if (ch === '"') quoted = !quoted;
    else if (ch === '\t' && !quoted) starts.push(i + 2);
  }
  return starts;
}

function splitEol(span: string): [string, string] {
  if (span.endsWith('\r\n')) return [span.slice(0, -2), '\r\n'];
  if (span.endsWith('\n') || span.endsWith('\r')) return [span.slice(0, -1), span.slice(-1)];
  return [span, ''];
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function record(line: number, span: string, cells: string[], stripCr: boolean): TableRow {
  const [raw, eol] = splitEol(span);
  const last = cells.length - 1;
  if (stripCr && eol === '\r\n' && last >= 0) cells[last] = (cells[last] ?? '').replace(/\r$/, '');
  let blank = true;
  for (const c of cells) {
    if (c.trim() !== '') {
      blank = false;
      break;
    }
  }
  return { line, cells, raw, eol, starts: [], blank };
}

/**
 * Text without any quote: every line is a record and every tab a cell border. `line` is the number of
 * the body's first line; returns the number of the line after it.
 */
function splitPlain(body: string, emit: (row: TableRow) => void, line = 1): number {
  const breaks = /\r\n|\n|\r/g;
  let offset = 0;
  for (let m = breaks.exec(body); m !== null; m = breaks.exec(body)) {
    const end = m.index + m[0].length;
    emit(record(line, body.slice(offset, end), body.slice(offset, m.index).split('\t'), false));
    offset = end;
    line++;
  }
  if (offset < body.length) emit(record(line, body.slice(offset), body.slice(offset).split('\t'), false));
  return line;
}

/** Text with quotes: papaparse reads quoted cells (tabs and line breaks inside them). */
function splitQuoted(body: string, emit: (row: TableRow) => void): void {
  // A file that is all CRLF is parsed with CRLF; a mixed file with LF, taking a stray CR off each record.
  const newline = body.includes('\n') ? (/(^|[^\r])\n/.test(body) ? '\n' : '\r\n') : body.includes('\r') ? '\r' : '\n';
  let held: TableRow | undefined;
  let offset = 0;
  let line = 1;
  Papa.parse<string[]>(body, {
    delimiter: '\t',
    newline,
    quoteChar: '"',
    skipEmptyLines: false,
    step: (result) => {
      const end = result.meta.cursor;
      const span = body.slice(offset, end);
      if (held) emit(held);
      held = record(line, span, result.data, newline === '\n');
      line += countLineBreaks(span);
      offset = end;
    },
  });
  // papaparse reports a last, empty record when the text ends with a line ending: nothing to keep.
  if (held && !(held.raw === '' && held.eol === '')) emit(held);
}

/** What `scanTable` learns of a file besides its rows. */
export interface TableFrame {
  header: TableRow;
  /** The line ending for new records: the header's own, else the file's first one, else LF. */
  eol: string;
  bom: boolean;
}

/** Hands records on to `onRow`, keeping the first as the header and flagging rows wider than it. */
function rowSink(file: string, onRow: (row: TableRow, header: TableRow) => void): { emit: (row: TableRow) => void; frame: (bom: boolean) => TableFrame } {
  let header: TableRow | undefined;
  return {
    emit(row) {
      if (header === undefined) {
        header = row;
        return;
      }
      const width = header.cells.length;
      if (!row.blank && row.cells.length > width) {
        row.error = new DataFileError(
          { file, line: row.line, column: cellStart(row, width) },
          `row has ${row.cells.length} fields but the header names ${width} columns; remove the extra tab(s) or add a column name to the header`,
        );
      }
      onRow(row, header);
    },
    frame(bom) {
      const head: TableRow = header ?? { line: 1, cells: [], raw: null, eol: '', starts: [], blank: true };
      // A header without a line ending is the whole text: there is no other line ending to follow.
      return { header: head, eol: head.eol !== '' ? head.eol : '\n', bom };
    },
  };
}

/**
 * Reads tab-separated text record by record, handing each data row to `onRow` as it is read (with
 * `error` set when it has more fields than the header) without keeping it: a big file then costs
 * no more memory than one row. Returns the header. `parseTable` is this, keeping the rows.
 */
export function scanTable(text: string, file: string, onRow: (row: TableRow, header: TableRow) => void): TableFrame {
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  const sink = rowSink(file, onRow);
  if (body.length > 0) {
    if (body.includes('"')) splitQuoted(body, sink.emit);
    else splitPlain(body, sink.emit);
  }
  return sink.frame(bom);
}

/**
 * `scanTable` for text without any quote that arrives in pieces (a big file read in chunks): the same
 * rows, line numbers and frame as `scanTable` over the whole text, holding no more than one piece and
 * one unfinished line. Text with a quote must go to `scanTable` whole: a quoted cell may span lines.
 */
export class PlainTableScanner {
  private readonly sink: ReturnType<typeof rowSink>;
  private pending = '';
  private line = 1;
  private started = false;
  private bom = false;
  private lastChar = '';

  constructor(file: string, onRow: (row: TableRow, header: TableRow) => void) {
    this.sink = rowSink(file, onRow);
  }

  /** Takes the next piece of the text and hands on every line it completes. */
  push(piece: string): void {
    if (piece === '') return;
    this.lastChar = piece[piece.length - 1]!;
    let text = piece;
    if (!this.started) {
      this.started = true;
      this.bom = text.charCodeAt(0) === 0xfeff;
      if (this.bom) text = text.slice(1);
    }
    const all = this.pending + text;
    // Up to the last line ending; a CR at the very end waits, as it may be the first half of a CRLF.
    let end = all.endsWith('\r') ? all.length - 1 : all.length;
    while (end > 0 && all.charCodeAt(end - 1) !== 10 && all.charCodeAt(end - 1) !== 13) end--;
    if (end === 0) {
      this.pending = all;
      return;
    }
    this.line = splitPlain(all.slice(0, end), this.sink.emit, this.line);
    this.pending = all.slice(end);
  }

  /** Hands on the last line and returns what scanTable would. */
  end(): TableFrame & { endsWithLineBreak: boolean } {
    if (this.pending !== '') this.line = splitPlain(this.pending, this.sink.emit, this.line);
    this.pending = '';
    return { ...this.sink.frame(this.bom), endsWithLineBreak: this.lastChar === '\n' || this.lastChar === '\r' };
  }
}

/**
 * Parses tab-separated text. The first record is the header. Never throws: a record with more fields
 * than the header is kept with `error` set, so the caller can report it and still write it back.
 */
export function parseTable(text: string, file: string): Table {
  const rows: TableRow[] = [];
  const frame = scanTable(text, file, (row) => rows.push(row));
  return { file, rows, ...frame };
}

/**
 * The 1-based column (character) where cell `index` starts on the row's first line; for a cell the
 * row does not have, just past the line's end, where it would begin. Computed on demand: only
 * messages need it.
 */
export function cellStart(row: TableRow, index: number): number {
  if (row.starts.length === 0) row.starts = cellStarts(row.raw ?? row.cells.map(formatCell).join('\t'));
  const start = row.starts[index];
  if (start !== undefined) return start;
  return (row.raw ?? row.cells.map(formatCell).join('\t')).split(/\r\n|\n|\r/)[0]!.length + 1;
}

/** Quotes a cell only when tab-separated text needs it (a tab, a line break, or a leading quote). */
export function formatCell(value: string): string {
  if (/[\t\r\n]/.test(value) || value.startsWith('"')) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Writes a table back: untouched records as they were read, changed and new ones formatted. */
export function serializeTable(table: Table): string {
  const parts: string[] = [table.bom ? '\uFEFF' : ''];
  const all = [table.header, ...table.rows];
  for (const record of all) {
    parts.push(record.raw ?? record.cells.map(formatCell).join('\t'), record.eol);
  }
  return parts.join('');
}

/** Index of a column by name, or -1. */
export function columnIndex(table: Table, name: string): number {
  return table.header.cells.indexOf(name);
}

/** A cell by column name; '' when the column or the cell is missing. */
export function cell(table: Table, row: TableRow, name: string): string {
  const i = columnIndex(table, name);
  return i < 0 ? '' : (row.cells[i] ?? '');
}

/** The row as an object of column name -> value (missing cells are ''). */
export function rowObject(table: Table, row: TableRow): Record<string, string> {
  const out: Record<string, string> = {};
  table.header.cells.forEach((name, i) => {
    if (!(name in out)) out[name] = row.cells[i] ?? '';
  });
  return out;
}

/** Adds the columns that are missing at the end of the header. Returns true when the header changed. */
export function ensureColumns(table: Table, names: readonly string[]): boolean {
  const missing = names.filter((n) => !table.header.cells.includes(n));
  if (missing.length === 0) return false;
  table.header.cells = [...table.header.cells, ...missing];
  table.header.raw = null;
  if (table.header.eol === '') table.header.eol = table.eol;
  return true;
}

/** Sets cells by column name (the columns must exist), padding a short row with blanks. */
export function setCells(table: Table, row: TableRow, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const i = columnIndex(table, name);
    if (i < 0) throw new Error(`setCells: ${table.file} has no column "${name}"`);
    while (row.cells.length <= i) row.cells.push('');
    row.cells[i] = value;
  }
  row.raw = null;
}

/** The text of one new record (no line ending), cells in header order. */
export function formatRecord(table: Table, values: Record<string, string>): string {
  return table.header.cells.map((name) => formatCell(values[name] ?? '')).join('\t');
}

/** Appends a new row at the end, keeping whether the file ended with a line ending. */
export function appendRow(table: Table, values: Record<string, string>): TableRow {
  const previous = table.rows[table.rows.length - 1] ?? table.header;
  const endsWithEol = previous.eol !== '' || (previous === table.header && table.rows.length === 0);
  if (previous.eol === '') previous.eol = table.eol;
  const cells = table.header.cells.map((name) => values[name] ?? '');
  const line = previous.line + 1 + countLineBreaks(previous.cells.join(''));
  const row: TableRow = { line, cells, raw: null, eol: endsWithEol ? table.eol : '', starts: [], blank: false };
  table.rows.push(row);
  return row;
}

/** An empty table with the given header, for a file that does not exist yet. */
export function emptyTable(file: string, columns: readonly string[], eol = '\n'): Table {
  return {
    file,
    header: { line: 1, cells: [...columns], raw: null, eol, starts: [], blank: false },
    rows: [],
    eol,
    bom: false,
  };
}
