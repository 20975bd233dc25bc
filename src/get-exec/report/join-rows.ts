/**
 * The join log read for the report: `scanFile(file, responseSpec)` with a quick test in front of the
 * zod schema, and plain lines read from the bytes (plain-line.ts) without the scanner. Over 1,000,000 rows the schema (a record and a zod parse per row) took about half of the
 * report's time and left about 110 MB of short-lived objects on the old heap, enough to push the
 * peak RSS past 200 MB; the quick test reads the cells in place and checks each exactly as the schema
 * does. A row it does not accept goes through the schema itself, so a bad row gets the same messages
 * (file:line:column, column name) as everywhere else, and no row the schema rejects is ever counted.
 */
import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { parseDateTimeFit } from '../../shared/dates.js';
import { headerProblem, validateRow, type DataFileWarning } from '../../shared/files/data-file.js';
import { emptyTable } from '../../shared/files/table.js';
import { feed, readWholeLines } from '../../shared/files/store.js';
import { TsvScanner, type Table, type TableRow } from '../../shared/files/tsv.js';
import { DataFileMissingError, type DataFileError } from '../../shared/errors.js';
import { RESPONSE_STATUSES, responseSpec, UNIX_TIME, USER_ID, type ResponseStatus } from '../../shared/join-log/schema.js';
import type { JoinFacts, JoinRow } from './aggregate.js';
import { columnsOf, PlainJoinLine, type Columns } from './plain-line.js';

// The schema's own tests (src/shared/join-log/schema.ts); every other column is any text.
const STATUSES: ReadonlySet<string> = new Set(RESPONSE_STATUSES);

const cellAt = (row: TableRow, index: number): string => (index < 0 ? '' : (row.cells[index] ?? ''));

/** The row's report fields when every cell passes the join log's schema, else undefined (the schema then decides). */
export function quickJoinRow(row: TableRow, columns: Columns, zone: string): JoinRow | undefined {
  const status = cellAt(row, columns.status);
  const requestDate = cellAt(row, columns.requestDate);
  const idTg = cellAt(row, columns.idTg);
  if (!STATUSES.has(status) || !USER_ID.test(idTg) || !UNIX_TIME.test(requestDate)) return undefined;
  const text = cellAt(row, columns.date);
  let at: Date | null = null;
  if (text.trim() !== '') {
    // A time a daylight-saving change skips or repeats goes through the schema, which warns about it.
    const parsed = parseDateTimeFit(text, zone);
    if (parsed === null || parsed.fit.kind !== 'exact') return undefined;
    at = parsed.date;
  }
  return { id_link: cellAt(row, columns.idLink), link: cellAt(row, columns.link), tg_responde_status: status as ResponseStatus, dt_tg_responde: at, tg_request_date: requestDate, id_tg: idTg, chat_id: cellAt(row, columns.chat) };
}

/** Where the report's rows go: plain lines as `JoinFacts` (one object, reused), the others as `JoinRow`s. */
export interface JoinSink {
  facts(facts: JoinFacts): void;
  row(join: JoinRow): void;
  /** THE link rule, when the sink counts by registry line: `JoinFacts.owner` then holds its answer. */
  ownerOf?: (link: string, idLink: string) => number;
}

/**
 * Hands every usable join-log row to `sink` as it is read, holding no more than `readTable` does, and
 * returns the problems as `scanFile(file, name, responseSpec(zone), ...)` would: each unusable row's,
 * or only the header's when it lacks a required column; the usable rows' warnings go to `onWarning`.
 * Plain lines are read from the bytes (plain-line.ts); every other line, and every line while a
 * quoted cell is open, goes through `TsvScanner` as `readTable` would hand it on (whole lines, a line
 * that is not UTF-8 as its bytes), so line numbers and errors are the scanner's. Throws as `scanFile` does.
 */
export async function readJoinLog(file: string, name: string, zone: string, sink: JoinSink, onWarning: (warning: DataFileWarning) => void = () => {}, chunkBytes?: number): Promise<DataFileError[]> {
  const spec = responseSpec(zone);
  const problems: DataFileError[] = [];
  let checker: Table | undefined;
  let columns: Columns | undefined;
  let broken: DataFileError | undefined;
  const scanner = new TsvScanner(name, (row, header) => {
    if (checker === undefined) {
      checker = emptyTable(name, header.cells);
      columns = columnsOf(header.cells);
      broken = headerProblem(name, header.cells, spec);
    }
    if (broken !== undefined || row.blank) return;
    const quick = row.error === undefined ? quickJoinRow(row, columns!, zone) : undefined;
    if (quick !== undefined) return sink.row(quick);
    const checked = validateRow(checker, row, spec);
    if (checked === null) return;
    if ('problems' in checked) problems.push(...checked.problems);
    else {
      checked.warnings.forEach(onWarning);
      const { id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id } = checked.value;
      sink.row({ id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id });
    }
  });
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Plain lines read past the scanner since it last saw one. */
  let skipped = 0;
  /** The quick reader: undefined until the header is read (and for good when it lacks a required column). */
  let plain: PlainJoinLine | undefined;
  let inRecord = false;
  // A line (or, at a CR, lines) the quick reader does not take: to the scanner, by store.ts's `feed`.
  const slow = (bytes: Buffer, atLineEnd: boolean): void => {
    if (skipped > 0) scanner.resume(skipped);
    skipped = 0;
    feed(scanner, decoder, bytes, atLineEnd);
    const state = scanner.resume();
    inRecord = state.inRecord;
    if (plain === undefined && state.header !== undefined && !inRecord && headerProblem(name, state.header.cells, spec) === undefined) {
      plain = new PlainJoinLine(columnsOf(state.header.cells), state.header.cells.length, zone, sink.ownerOf);
    }
  };
  const lines = (bytes: Buffer): void => {
    const cut = bytes.length;
    // One check of the piece instead of one per line; in a piece that is not all UTF-8, each line is checked.
    const utf8 = isUtf8(bytes);
    for (let start = 0; start < cut; ) {
      const lf = bytes.indexOf(10, start);
      if (lf < 0 || lf >= cut) {
        // Lines ended by a CR alone (the piece was cut after one): the scanner's.
        slow(bytes.subarray(start, cut), true);
        return;
      }
      const end = lf > start && bytes[lf - 1] === 13 ? lf - 1 : lf;
      const facts = !inRecord && plain !== undefined && (utf8 || isUtf8(bytes.subarray(start, end))) ? plain.read(bytes, start, end) : undefined;
      if (facts !== undefined) {
        skipped++;
        sink.facts(facts);
      } else slow(bytes.subarray(start, lf + 1), true);
      start = lf + 1;
    }
  };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataFileMissingError(name, spec.expected, { cause: error });
    throw error;
  }
  let header: TableRow;
  try {
    const carry = await readWholeLines(handle, 0, lines, chunkBytes);
    if (carry.length > 0) slow(carry, false);
    if (skipped > 0) scanner.resume(skipped);
    header = scanner.end().header;
  } finally {
    await handle.close();
  }
  broken ??= header.cells.length === 0 ? undefined : headerProblem(name, header.cells, spec);
  return broken === undefined ? problems : [broken];
}

/** The row `JoinSink.facts` gets, as a `JoinRow` (a new object). */
export function joinRowOf(f: JoinFacts): JoinRow {
  return {
    id_link: f.id_link,
    link: f.link,
    tg_responde_status: f.status,
    dt_tg_responde: Number.isNaN(f.respondedMs) ? null : new Date(f.respondedMs),
    tg_request_date: Number.isNaN(f.requestS) ? '' : String(f.requestS),
    id_tg: f.id_tg,
    chat_id: f.chat_id,
  };
}

/** `readJoinLog` with every row as a `JoinRow`. */
export async function scanJoinLog(file: string, name: string, zone: string, onRow: (join: JoinRow) => void, onWarning: (warning: DataFileWarning) => void = () => {}): Promise<DataFileError[]> {
  return readJoinLog(file, name, zone, { facts: (f) => onRow(joinRowOf(f)), row: onRow }, onWarning);
}
