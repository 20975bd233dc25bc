/**
 * The report as CSV for a spreadsheet: RFC 4180 quoting (papaparse), CRLF, a header row, times as
 * `YYYY-MM-DD HH:mm:ss` in the report's zone. Pure.
 */
import Papa from 'papaparse';
import { formatDateTime } from '../../shared/dates.js';
import type { Counts, Report } from './aggregate.js';

/** The CSV's header, in order. */
export const CSV_COLUMNS = ['registry_line', 'id', 'id_adress', 'link', 'approved', 'declined', 'pending', 'missing', 'first_join', 'last_join'] as const;

/** The id of the line that counts requests through links the registry does not know. */
export const UNATTRIBUTED_ID = '(unattributed)';

function counts(c: Counts, zone: string): (string | number)[] {
  return [c.approved, c.declined, c.pending, c.missing, c.firstJoin ? formatDateTime(c.firstJoin, zone) : '', c.lastJoin ? formatDateTime(c.lastJoin, zone) : ''];
}

/**
 * One line per registry row (registry_line is its line in invite_data.txt), then, when there were
 * any, one line for the unattributed requests with a blank registry_line. No totals line: a
 * spreadsheet sums the columns itself, and a totals line would be counted twice. Starts with a
 * UTF-8 BOM so Excel reads non-Latin names correctly (papaparse and most readers skip it).
 */
export function formatCsv(report: Report): string {
  const data: (string | number)[][] = report.rows.map((r) => [r.line || '', r.id, r.id_adress, r.link, ...counts(r, report.zone)]);
  const u = report.unattributed;
  if (u.approved + u.declined + u.pending + u.missing > 0) data.push(['', UNATTRIBUTED_ID, '', '', ...counts(u, report.zone)]);
  // quotes: false still quotes every cell holding a comma, quote, CR or LF, as RFC 4180 asks.
  return `\uFEFF${Papa.unparse({ fields: [...CSV_COLUMNS], data }, { newline: '\r\n', quotes: false })}\r\n`;
}
