/**
 * What every data file shares: a header it must have, a zod schema for each row, and the rule that a
 * row which fails is reported (file, line, column, column name) and left in the file as it was.
 */
import type { z } from 'zod';
import { DataFileError, formatPosition, type FilePosition } from '../errors.js';
import { cellWarning } from './cells.js';
import { displayPath, loadTable, readTable, writeTable } from './store.js';
import { cellStart, columnIndex, emptyTable, ensureColumns, rowObject } from './table.js';
import { parseTable, type Table, type TableRow } from './tsv.js';

/** How one data file looks. */
export interface FileSpec<T> {
  /** What the file holds, said when it is missing: "the registry of invitees, one row per link". */
  expected: string;
  /** The legacy columns, in order: the header of a file we create. */
  columns: readonly string[];
  /** Columns an existing file must already have. */
  required: readonly string[];
  /** Our own columns, appended at the end of the header when we first write to a file. */
  appended: readonly string[];
  /** Validates one row (column name -> cell text; missing cells are ''). */
  schema: z.ZodType<T, Record<string, string>>;
  /** A check in front of the schema for every reader of the file (see QuickCheck); none when absent. */
  quick?: QuickCheck<T>;
}

/** The quick check of each spec, made once per header (its cells array). */
const quickByHeader = new WeakMap<FileSpec<unknown>, WeakMap<readonly string[], (row: TableRow) => unknown>>();

/** The spec's quick check for `table`'s header, or undefined when the spec has none. */
function quickRowOf<T>(table: Table, spec: FileSpec<T>): ((row: TableRow) => T | undefined) | undefined {
  if (spec.quick === undefined) return undefined;
  let byHeader = quickByHeader.get(spec as FileSpec<unknown>);
  if (byHeader === undefined) quickByHeader.set(spec as FileSpec<unknown>, (byHeader = new WeakMap()));
  let check = byHeader.get(table.header.cells);
  if (check === undefined) byHeader.set(table.header.cells, (check = spec.quick(table.header.cells)));
  return check as (row: TableRow) => T | undefined;
}

/** A usable row: its place in the table and its validated value. */
export interface Entry<T> {
  row: TableRow;
  value: T;
}

/**
 * Something a usable row holds that the admin should know (a time a daylight-saving change skips):
 * the row is used as `message` says.
 */
export class DataFileWarning {
  readonly message: string;
  constructor(
    readonly position: FilePosition,
    readonly problem: string,
  ) {
    this.message = `${formatPosition(position)}: ${problem}`;
  }
}

/**
 * A file read and checked. `problems` lists every row that could not be used; those rows stay in
 * `table`. `warnings` are about rows that are used all the same.
 */
export interface Loaded<T> {
  path: string;
  table: Table;
  entries: Entry<T>[];
  problems: DataFileError[];
  warnings: DataFileWarning[];
}

/** Where a cell is: its line and column, and its column's name. */
function cellPosition(table: Table, row: TableRow, field: string | undefined): FilePosition {
  const index = field === undefined ? -1 : columnIndex(table, field);
  const column = index < 0 ? 1 : cellStart(row, index);
  return { file: table.file, line: row.line, column, ...(field === undefined ? {} : { field }) };
}

/** The warnings the cells of a row's value carry (see cells.ts `warnOn`), each at its cell. */
function rowWarnings(table: Table, row: TableRow, value: unknown): DataFileWarning[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: DataFileWarning[] = [];
  for (const [field, cell] of Object.entries(value)) {
    const warning = cellWarning(cell);
    if (warning !== undefined) found.push(new DataFileWarning(cellPosition(table, row, field), warning));
  }
  return found;
}

/** Turns a zod failure into one DataFileError per issue, each pointing at its cell. */
function rowErrors(table: Table, row: TableRow, error: z.ZodError): DataFileError[] {
  return error.issues.map((issue) => {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    return new DataFileError(cellPosition(table, row, field), issue.message);
  });
}

/** The problem of a header that lacks a required column, or undefined when it has them all. */
export function headerProblem<T>(file: string, header: readonly string[], spec: FileSpec<T>): DataFileError | undefined {
  const missing = spec.required.filter((name) => !header.includes(name));
  if (missing.length === 0) return undefined;
  return new DataFileError(
    { file, line: 1, column: 1 },
    `the header has no column ${missing.map((m) => `"${m}"`).join(', ')}; the first line must name the columns, tab-separated: ${spec.columns.join(' ')}`,
  );
}

/**
 * Checks one data row against the spec (`table` needs only its header). Pure. Returns the value
 * with the warnings its cells carry, or the row's problems; null for a blank row.
 */
export function validateRow<T>(table: Table, row: TableRow, spec: FileSpec<T>): { value: T; warnings: DataFileWarning[] } | { problems: DataFileError[] } | null {
  if (row.blank) return null;
  if (row.error) return { problems: [row.error] };
  // A row the quick check takes needs neither the schema nor zod (loaded with the first schema).
  const fast = quickRowOf(table, spec)?.(row);
  if (fast !== undefined) return { value: fast, warnings: [] };
  const values = rowObject(table, row);
  for (const name of spec.columns) values[name] ??= '';
  for (const name of spec.appended) values[name] ??= '';
  const parsed = spec.schema.safeParse(values);
  return parsed.success ? { value: parsed.data, warnings: rowWarnings(table, row, parsed.data) } : { problems: rowErrors(table, row, parsed.error) };
}

/**
 * Checks every row of a parsed table against the spec. Pure. A missing required header column is a
 * problem with the whole file: every row is then unusable, and the problem says how to fix the header.
 */
export function validateTable<T>(table: Table, spec: FileSpec<T>): Omit<Loaded<T>, 'path' | 'table'> {
  const broken = headerProblem(table.file, table.header.cells, spec);
  if (broken) return { entries: [], problems: [broken], warnings: [] };
  const entries: Entry<T>[] = [];
  const problems: DataFileError[] = [];
  const warnings: DataFileWarning[] = [];
  for (const row of table.rows) {
    const checked = validateRow(table, row, spec);
    if (checked === null) continue;
    if ('problems' in checked) problems.push(...checked.problems);
    else {
      entries.push({ row, value: checked.value });
      warnings.push(...checked.warnings);
    }
  }
  return { entries, problems, warnings };
}

/** Parses and checks file text. Pure. */
export function parseFile<T>(text: string, name: string, spec: FileSpec<T>): Omit<Loaded<T>, 'path'> {
  let table = parseTable(text, name);
  if (table.header.cells.length === 0 && table.rows.length === 0) table = emptyTable(name, spec.columns);
  return { table, ...validateTable(table, spec) };
}

export interface LoadOptions {
  /** Treat a missing file as empty (with the spec's header) instead of failing. */
  allowMissing?: boolean;
  /** The file's name in messages; default its path relative to the working directory. */
  name?: string;
}

/** Reads and checks a data file (see `readTable`). Throws DataFileMissingError unless allowMissing. */
export async function loadFile<T>(file: string, spec: FileSpec<T>, options: LoadOptions = {}): Promise<Loaded<T>> {
  const name = options.name ?? displayPath(file);
  let table: Table;
  try {
    table = await loadTable(file, name, spec.expected);
  } catch (error) {
    if (!(options.allowMissing && (error as Error).name === 'DataFileMissingError')) throw error;
    table = emptyTable(name, spec.columns);
  }
  if (table.header.cells.length === 0 && table.rows.length === 0) table = emptyTable(name, spec.columns);
  return { path: file, table, ...validateTable(table, spec) };
}

/**
 * A check in front of a file's schema, made once for the file's header: a row's value when every
 * cell passes the schema as it is (the same value, and no warning), else undefined and the schema
 * decides, with its messages. It keeps zod off the rows that need no word to the admin; a test must
 * hold it equal to the schema.
 */
export type QuickCheck<T> = (header: readonly string[]) => (row: TableRow) => T | undefined;

/**
 * `loadFile` for a reader that keeps no table: each usable row goes to `onEntry` as it is read, and
 * only the problems are collected, including one `onEntry` may return for its row. A header that
 * lacks a required column is then the only problem, and no row is handed on. The warnings of the
 * usable rows go to `onWarning`; `quick`, when given, takes the rows it can before the schema.
 * Throws as `loadFile` does (the file's name in messages is `name`).
 */
export async function scanFile<T>(
  file: string,
  name: string,
  spec: FileSpec<T>,
  onEntry: (entry: Entry<T>) => DataFileError | undefined,
  onWarning: (warning: DataFileWarning) => void = () => {},
  quick?: QuickCheck<T>,
): Promise<DataFileError[]> {
  const problems: DataFileError[] = [];
  let checker: Table | undefined;
  let quickRow: ((row: TableRow) => T | undefined) | undefined;
  let broken: DataFileError | undefined;
  const frame = await readTable(file, name, spec.expected, (row, header) => {
    if (checker === undefined) {
      broken = headerProblem(name, header.cells, spec);
      quickRow = quick?.(header.cells);
    }
    const table = (checker ??= emptyTable(name, header.cells));
    if (broken !== undefined) return;
    const fast = row.error === undefined && !row.blank ? quickRow?.(row) : undefined;
    const checked = fast !== undefined ? { value: fast, warnings: [] } : validateRow(table, row, spec);
    if (checked === null) return;
    if ('problems' in checked) problems.push(...checked.problems);
    else {
      const problem = onEntry({ row, value: checked.value });
      if (problem !== undefined) problems.push(problem);
      else checked.warnings.forEach(onWarning);
    }
  });
  broken ??= frame.header.cells.length === 0 ? undefined : headerProblem(name, frame.header.cells, spec);
  return broken === undefined ? problems : [broken];
}

/** Adds our appended columns when missing, then rewrites the file atomically. */
export async function saveFile<T>(loaded: Loaded<T>, spec: FileSpec<T>): Promise<void> {
  ensureColumns(loaded.table, [...spec.columns, ...spec.appended]);
  await writeTable(loaded.path, loaded.table);
}
