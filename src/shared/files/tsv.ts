/**
 * Tab-separated text -> rows, with no I/O: the one reader under every data file (`TsvScanner`; its
 * writer is `encodeTable` in table.ts). A row remembers its text as it was read, so writing back an
 * untouched table gives the same bytes: BOM, line endings, quoting, blank lines, rows shorter than
 * the header, and even a line that is not UTF-8 all survive. Only rows we change (or add) are
 * formatted anew.
 */
import { DataFileError } from '../errors.js';
import { detach } from './detach.js';
import { cellStart } from './table.js';

/** One record of the file: the header, a data row, or a blank line kept in place. */
export interface TableRow {
  /** 1-based line number of the record's first character in the file. */
  line: number;
  /** Cell values, unquoted. May be shorter than the header: missing cells read as blank. */
  cells: string[];
  /** The record's text as read, without its line ending; null once the row is changed or when it is new. */
  raw: string | null;
  /** The line's bytes when they are not UTF-8: written back exactly as they were. */
  bytes?: Buffer;
  /** The line ending that followed the record ('' for a last line without one). */
  eol: string;
  /** Cache for `cellStart`: 1-based columns where the cells start; empty until asked for. */
  starts: number[];
  /** An empty line or a line of tabs only: kept in the file, never read as data. */
  blank: boolean;
  /** Set when the record cannot be used (too many fields, a broken quote, bytes that are not UTF-8); it is kept as it was. */
  error?: DataFileError;
}

/** What a scan learns of a file besides its rows. */
export interface TableFrame {
  header: TableRow;
  /** The line ending for new records: the header's own, else LF. */
  eol: string;
  bom: boolean;
  /** The text ends with a line ending (an append must not glue its row onto the last one). */
  endsWithLineBreak: boolean;
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

/**
 * Longest record a quoted cell may stretch over, in characters. A quote that opens a cell and never
 * closes would otherwise swallow the rest of the file into one cell; no post or name comes near this.
 */
export const MAX_QUOTED_RECORD = 65_536;

type Parsed = { cells: string[] } | { open: true } | { bad: number; opening: number };

/**
 * Splits one record's text (its lines joined with their line endings, without the last one) into
 * cells. A cell that starts with a quote runs to the quote that is followed by a tab or the record's
 * end; `""` inside it is one quote. Anything else after a closing quote is `bad` (with the offsets of
 * the stray quote and of the quote that opened the cell); a quote still open at the end is `open`.
 */
function parseRecord(text: string): Parsed {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) !== 34) {
      const tab = text.indexOf('\t', i);
      if (tab < 0) {
        cells.push(text.slice(i));
        return { cells };
      }
      cells.push(text.slice(i, tab));
      i = tab + 1;
      continue;
    }
    const opening = i;
    let value = '';
    let from = i + 1;
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) return { open: true };
      value += text.slice(from, quote);
      const next = text.charCodeAt(quote + 1);
      if (next === 34) {
        value += '"';
        from = quote + 2;
        continue;
      }
      if (Number.isNaN(next)) {
        cells.push(value);
        return { cells };
      }
      if (next !== 9) return { bad: quote, opening };
      cells.push(value);
      i = quote + 2;
      if (i === text.length) {
        cells.push('');
        return { cells };
      }
      break;
    }
  }
}

const isBlank = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/** The 1-based line (counted from the record's first) and column of `offset` in a record's text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let start = 0;
  const breaks = /\r\n|\n|\r/g;
  for (let m = breaks.exec(text); m !== null && m.index < offset; m = breaks.exec(text)) {
    line++;
    start = m.index + m[0].length;
  }
  return { line, column: offset - start + 1 };
}

/**
 * The one reader of tab-separated text: takes the text in pieces of any size (or whole), hands each
 * record to `onRow` as soon as it is complete, and keeps nothing but an unfinished record. The first
 * record is the header. Never throws: a record that cannot be used is handed on with `error` set (a
 * row wider than the header, a quoted cell that does not close properly, a line that is not UTF-8),
 * and the records after it are read as usual.
 */
export class TsvScanner {
  private header: TableRow | undefined;
  private pending = '';
  /** Lines of a record whose quoted cell is still open: [text, eol] each. */
  private record: Array<[string, string]> = [];
  private recordLength = 0;
  private line = 1;
  private started = false;
  private bom = false;
  private lastChar = '';

  constructor(
    private readonly file: string,
    private readonly onRow: (row: TableRow, header: TableRow) => void,
  ) {}

  /**
   * Takes the next piece of text. `atLineEnd` says the piece ends where a line does, so a CR at its
   * very end is a whole line ending (not the first half of a CRLF still to come).
   */
  push(piece: string, atLineEnd = false): void {
    if (piece === '') return;
    this.lastChar = piece[piece.length - 1]!;
    let text = piece;
    if (!this.started) {
      this.started = true;
      this.bom = text.charCodeAt(0) === 0xfeff;
      if (this.bom) text = text.slice(1);
    }
    const all = this.pending + text;
    let end = all.endsWith('\r') && !atLineEnd ? all.length - 1 : all.length;
    while (end > 0 && all.charCodeAt(end - 1) !== 10 && all.charCodeAt(end - 1) !== 13) end--;
    this.pending = all.slice(end);
    const breaks = /\r\n|\n|\r/g;
    let offset = 0;
    const body = end === all.length ? all : all.slice(0, end);
    for (let m = breaks.exec(body); m !== null; m = breaks.exec(body)) {
      const lineText = body.slice(offset, m.index);
      offset = m.index + m[0].length;
      this.takeLine(lineText, m[0]);
    }
  }

  /** For a caller reading plain lines on a quicker path: skips `count` whole lines (between records); tells the header, the next record's line, and whether a quoted cell is open. */
  resume(count = 0): { header: TableRow | undefined; line: number; inRecord: boolean } {
    const inRecord = this.record.length > 0 || this.pending !== '';
    if (count > 0 && inRecord) throw new Error('TsvScanner.resume: a record is unfinished');
    this.line += count;
    return { header: this.header, line: this.line, inRecord };
  }

  /** Takes one whole line whose bytes are not UTF-8 (the reader found them): kept exactly, reported once. */
  pushUndecodable(bytes: Buffer, eol: string): void {
    if (this.pending !== '') throw new Error('TsvScanner.pushUndecodable: a line is unfinished');
    this.started = true;
    this.lastChar = eol === '' ? 'x' : eol[eol.length - 1]!;
    this.flushOpenRecord();
    const lenient = bytes.toString('utf8');
    const bad = lenient.indexOf('\uFFFD');
    const line = this.line++;
    const row: TableRow = { line, cells: [], raw: lenient, bytes, eol, starts: [], blank: false };
    row.error = new DataFileError(
      { file: this.file, line, column: bad + 1 },
      'this line is not UTF-8 text, so it is left exactly as it is and not read; save the file as "UTF-8" (or "Unicode text") in your editor or spreadsheet',
    );
    this.emit(row);
  }

  /** Hands on what is left and returns the frame. */
  end(): TableFrame {
    if (this.pending !== '') {
      const last = this.pending;
      this.pending = '';
      this.takeLine(last, '');
    }
    this.flushOpenRecord();
    const header: TableRow = this.header ?? { line: 1, cells: [], raw: null, eol: '', starts: [], blank: true };
    return { header, eol: header.eol !== '' ? header.eol : '\n', bom: this.bom, endsWithLineBreak: this.lastChar === '\n' || this.lastChar === '\r' };
  }

  private takeLine(text: string, eol: string): void {
    if (this.record.length === 0 && text.indexOf('"') < 0) {
      const cells = text.split('\t');
      this.emit({ line: this.line, cells, raw: text, eol, starts: [], blank: isBlank(cells) });
      this.line++;
      return;
    }
    this.record.push([text, eol]);
    this.recordLength += text.length + eol.length;
    // An open quoted cell can only close on a line that has a quote.
    if (this.record.length === 1 || text.indexOf('"') >= 0 || this.recordLength > MAX_QUOTED_RECORD) this.settleRecord(false);
  }

  /** Emits the pending record when it is complete; at the end (or past the size limit) an open one is broken. */
  private settleRecord(atEnd: boolean): void {
    while (this.record.length > 0) {
      const lines = this.record;
      const text = lines.map(([t, e], i) => (i === lines.length - 1 ? t : t + e)).join('');
      const parsed = parseRecord(text);
      if ('cells' in parsed) {
        this.record = [];
        this.recordLength = 0;
        this.emit({ line: this.line, cells: parsed.cells, raw: text, eol: lines[lines.length - 1]![1], starts: [], blank: isBlank(parsed.cells) });
        this.line += lines.length;
        return;
      }
      if ('open' in parsed && !atEnd && this.recordLength <= MAX_QUOTED_RECORD) return;
      this.breakRecord(text, parsed);
    }
  }

  /**
   * The record's first line cannot be read: it is handed on as an error row (kept as it was), and
   * the lines after it are read again as records of their own, so one stray quote costs one row.
   */
  private breakRecord(text: string, parsed: Parsed): void {
    const [first, firstEol] = this.record[0]!;
    const rest = this.record.slice(1);
    this.record = [];
    this.recordLength = 0;
    const line = this.line++;
    const opening = 'opening' in parsed ? parsed.opening : text.indexOf('"');
    const openAt = lineAndColumn(text, opening);
    let problem: string;
    if ('bad' in parsed) {
      const stray = lineAndColumn(text, parsed.bad);
      const where = stray.line === 0 ? `column ${stray.column}` : `line ${line + stray.line} column ${stray.column}`;
      problem = `this cell starts with a quote, so it must end with one right before a tab or the line's end, and a quote inside it must be doubled (""), but the quote at ${where} is followed by more text; remove the opening quote or double the quotes inside the cell`;
    } else {
      problem = 'this cell starts with a quote that never closes (a quoted cell may hold tabs and line breaks, so every row after it would be swallowed into it); remove the opening quote or add the closing one';
    }
    const cells = first.split('\t');
    const row: TableRow = { line, cells, raw: first, eol: firstEol, starts: [], blank: false };
    const column = openAt.line === 0 ? openAt.column : 1;
    const index = first.slice(0, column - 1).split('\t').length - 1;
    const field = this.header?.cells[index];
    row.error = new DataFileError({ file: this.file, line, column, ...(field !== undefined && this.header !== undefined ? { field } : {}) }, problem);
    this.emit(row);
    for (const [t, e] of rest) this.takeLine(t, e);
  }

  private flushOpenRecord(): void {
    if (this.record.length > 0) this.settleRecord(true);
  }

  /** Keeps the first record as the header; flags a row wider than it. */
  private emit(row: TableRow): void {
    if (this.header === undefined) {
      // Kept with the frame as long as the file is open: copies of its texts, not slices that would
      // keep the piece of file they were cut from alive (64 KiB; tg-handler kept two).
      this.header = { ...row, raw: row.raw === null ? null : detach(row.raw), cells: row.cells.map(detach) };
      return;
    }
    const width = this.header.cells.length;
    if (row.error === undefined && !row.blank && row.cells.length > width) {
      row.error = new DataFileError(
        { file: this.file, line: row.line, column: cellStart(row, width) },
        `row has ${row.cells.length} fields but the header names ${width} columns; remove the extra tab(s) or add a column name to the header`,
      );
    }
    this.onRow(row, this.header);
  }
}

/** Parses a whole text. Pure; never throws (see `TsvScanner`). */
export function parseTable(text: string, file: string): Table {
  const rows: TableRow[] = [];
  const scanner = new TsvScanner(file, (row) => rows.push(row));
  scanner.push(text);
  const { header, eol, bom } = scanner.end();
  return { file, header, rows, eol, bom };
}

