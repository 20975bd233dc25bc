/**
 * A table read from a data file, and the one writer of tables (`encodeTable`). Pure. Rows keep their
 * text as read, so untouched ones are written back byte for byte.
 */
import type { Table, TableRow } from './tsv.js';

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
  return needsQuotes(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A tab, a line break, or a leading quote. A loop, not a regular expression: tg-handler formats a row of 12 cells per request. */
function needsQuotes(value: string): boolean {
  // An empty cell (most rows have a few) is answered before reading a first character it has not:
  // that read threw the optimized code out, once per process (--trace-deopt: "out of bounds").
  if (value.length === 0) return false;
  if (value.charCodeAt(0) === 34) return true;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 9 || unit === 10 || unit === 13) return true;
  }
  return false;
}

/** The one writer: the file's bytes, untouched records as they were read, changed and new ones formatted. */
export function encodeTable(table: Table): Buffer {
  const parts: Buffer[] = [];
  let text = table.bom ? '\uFEFF' : '';
  for (const record of [table.header, ...table.rows]) {
    if (record.bytes !== undefined && record.raw !== null) {
      parts.push(Buffer.from(text, 'utf8'), record.bytes);
      text = record.eol;
      continue;
    }
    text += (record.raw ?? record.cells.map(formatCell).join('\t')) + record.eol;
  }
  parts.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(parts);
}

/** Index of a column by name, or -1. */
export function columnIndex(table: Pick<Table, 'header'>, name: string): number {
  return table.header.cells.indexOf(name);
}

/** A cell by column name; '' when the column or the cell is missing. */
export function cell(table: Pick<Table, 'header'>, row: TableRow, name: string): string {
  const i = columnIndex(table, name);
  return i < 0 ? '' : (row.cells[i] ?? '');
}

/** The row as an object of column name -> value (missing cells are ''). */
export function rowObject(table: Pick<Table, 'header'>, row: TableRow): Record<string, string> {
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
  delete row.bytes;
}

/** The text of one new record (no line ending), cells in header order. */
export function formatRecord(columns: readonly string[], values: Readonly<Record<string, string>>): string {
  return formatCells(columns, values, []).join('\t');
}

/**
 * The cells of `formatRecord`'s line, into `cells` (one per column; returned): for a writer that
 * encodes them itself (AppendLog.appendFields), with no line made of them.
 */
export function formatCells(columns: readonly string[], values: Readonly<Record<string, string>>, cells: string[]): string[] {
  for (let i = 0; i < columns.length; i++) cells[i] = formatCell(values[columns[i]!] ?? '');
  cells.length = columns.length;
  return cells;
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
