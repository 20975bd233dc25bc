/**
 * The join log read for the report: `scanFile(file, responseSpec)` with a quick test in front of the
 * zod schema. Over 1,000,000 rows the schema (a record and a zod parse per row) took about half of the
 * report's time and left about 110 MB of short-lived objects on the old heap, enough to push the
 * peak RSS past 200 MB; the quick test reads the cells in place and checks each exactly as the schema
 * does. A row it does not accept goes through the schema itself, so a bad row gets the same messages
 * (file:line:column, column name) as everywhere else, and no row the schema rejects is ever counted.
 */
import { parseDateTimeFit } from '../../shared/dates.js';
import { headerProblem, validateRow, type DataFileWarning } from '../../shared/files/data-file.js';
import { readTable } from '../../shared/files/store.js';
import { emptyTable } from '../../shared/files/table.js';
import type { Table, TableRow } from '../../shared/files/tsv.js';
import type { DataFileError } from '../../shared/errors.js';
import { RESPONSE_STATUSES, responseSpec, UNIX_TIME, USER_ID, type ResponseStatus } from '../../shared/join-log/schema.js';
import type { JoinRow } from './aggregate.js';

// The schema's own tests (src/shared/join-log/schema.ts); every other column is any text.
const STATUSES: ReadonlySet<string> = new Set(RESPONSE_STATUSES);

/** Where the report's columns are in a header (-1 when missing; the first of two same-named ones, as `rowObject` takes). */
interface Columns {
  idLink: number;
  idTg: number;
  date: number;
  status: number;
  link: number;
  requestDate: number;
  chat: number;
}

const columnsOf = (header: readonly string[]): Columns => ({
  idLink: header.indexOf('id_link'),
  idTg: header.indexOf('id_tg'),
  date: header.indexOf('dt_tg_responde'),
  status: header.indexOf('tg_responde_status'),
  link: header.indexOf('link'),
  requestDate: header.indexOf('tg_request_date'),
  chat: header.indexOf('chat_id'),
});

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

/**
 * Hands every usable join-log row to `onRow` as it is read, holding no more than `scanFile` does, and
 * returns the problems as `scanFile(file, name, responseSpec(zone), ...)` would: each unusable row's,
 * or only the header's when it lacks a required column; the usable rows' warnings go to `onWarning`. Throws as `scanFile` does.
 */
export async function scanJoinLog(file: string, name: string, zone: string, onRow: (join: JoinRow) => void, onWarning: (warning: DataFileWarning) => void = () => {}): Promise<DataFileError[]> {
  const spec = responseSpec(zone);
  const problems: DataFileError[] = [];
  let checker: Table | undefined;
  let columns: Columns | undefined;
  let broken: DataFileError | undefined;
  const frame = await readTable(file, name, spec.expected, (row, header) => {
    if (checker === undefined) {
      checker = emptyTable(name, header.cells);
      columns = columnsOf(header.cells);
      broken = headerProblem(name, header.cells, spec);
    }
    if (broken !== undefined || row.blank) return;
    const quick = row.error === undefined ? quickJoinRow(row, columns!, zone) : undefined;
    if (quick !== undefined) return onRow(quick);
    const checked = validateRow(checker, row, spec);
    if (checked === null) return;
    if ('problems' in checked) problems.push(...checked.problems);
    else {
      checked.warnings.forEach(onWarning);
      const { id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id } = checked.value;
      onRow({ id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id });
    }
  });
  broken ??= frame.header.cells.length === 0 ? undefined : headerProblem(name, frame.header.cells, spec);
  return broken === undefined ? problems : [broken];
}
