/**
 * The report as CSV for a spreadsheet: RFC 4180 quoting (papaparse), CRLF, a header row, times as
 * `YYYY-MM-DD HH:mm:ss` in the report's zone. Pure.
 */
import Papa from 'papaparse';
import { formatDateTime } from '../../shared/dates.js';
import { UNATTRIBUTED_ID, type Counts, type DailyLink, type LinkStats, type Report } from './aggregate.js';
import { events, retention } from './counts.js';

export { UNATTRIBUTED_ID } from './aggregate.js';

/** The CSV's header, in order (README "tg-get report" lists what each means). */
export const CSV_COLUMNS = [
  'registry_line', 'id', 'id_adress', 'link',
  'approved', 'declined', 'pending', 'missing', 'joined', 'left', 'removed', 'members', 'retained_7d', 'retained_30d',
  'max_members', 'over_max_members', 'first_join', 'last_join',
] as const;

/** The daily CSV's header. */
export const DAILY_CSV_COLUMNS = ['date', 'id', 'joins', 'leaves'] as const;

/** A share as a number a spreadsheet reads (0.667), blank when nobody is in the cohort. */
const share = (kept: number, cohort: number): string => {
  const r = retention(kept, cohort);
  return r === null ? '' : String(Math.round(r * 1000) / 1000);
};

function counts(c: Counts, zone: string, limit: Pick<LinkStats, 'maxMembers' | 'overLimit'> = { overLimit: false }): (string | number)[] {
  return [
    c.approved, c.declined, c.pending, c.missing, c.joined, c.left, c.removed, c.members,
    share(c.kept7d, c.cohort7d), share(c.kept30d, c.cohort30d),
    limit.maxMembers ?? '', limit.overLimit ? 'yes' : '',
    c.firstJoin ? formatDateTime(c.firstJoin, zone) : '', c.lastJoin ? formatDateTime(c.lastJoin, zone) : '',
  ];
}

const unparse = (fields: readonly string[], data: (string | number)[][]): string =>
  // quotes: false still quotes every cell holding a comma, quote, CR or LF, as RFC 4180 asks.
  `\uFEFF${Papa.unparse({ fields: [...fields], data }, { newline: '\r\n', quotes: false })}\r\n`;

/**
 * One line per registry row (registry_line is its line in invite_data.txt), then, when there were
 * any, one line for the unattributed requests and events with a blank registry_line. No totals line:
 * a spreadsheet sums the columns itself, and a totals line would be counted twice. Starts with a
 * UTF-8 BOM so Excel reads non-Latin names correctly (papaparse and most readers skip it).
 */
export function formatCsv(report: Report): string {
  const data: (string | number)[][] = report.rows.map((r) => [r.line || '', r.id, r.id_adress, r.link, ...counts(r, report.zone, r)]);
  const u = report.unattributed;
  if (events(u) > 0) data.push(['', UNATTRIBUTED_ID, '', '', ...counts(u, report.zone)]);
  return unparse(CSV_COLUMNS, data);
}

/** A cell as RFC 4180 wants it: quoted when it holds a comma, quote, CR or LF (or starts or ends with a space, which some readers trim). */
function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `--daily-csv`: one line per day and link with joins (approve, joined) or leaves (left, removed)
 * that day, by day then registry order; as the main CSV (BOM, CRLF). Made in pieces of about 64 KiB
 * for the file to be written as they come: 800,000 lines held whole cost 32 MB or more at the run's
 * peak (and as strings, more than the report's whole budget).
 */
export function* dailyCsvPieces(daily: Iterable<DailyLink>, pieceChars = 1 << 16): Generator<Buffer> {
  const ids = new Map<string, string>();
  let text = `\uFEFF${DAILY_CSV_COLUMNS.join(',')}\r\n`;
  for (const d of daily) {
    let id = ids.get(d.id);
    if (id === undefined) ids.set(d.id, (id = csvCell(d.id)));
    text += `${d.day},${id},${d.joins},${d.leaves}\r\n`;
    if (text.length < pieceChars) continue;
    yield Buffer.from(text, 'utf8');
    text = '';
  }
  if (text !== '') yield Buffer.from(text, 'utf8');
}

/** The daily CSV whole (see `dailyCsvPieces`). */
export function formatDailyCsv(daily: Iterable<DailyLink>): Buffer {
  return Buffer.concat([...dailyCsvPieces(daily)]);
}
