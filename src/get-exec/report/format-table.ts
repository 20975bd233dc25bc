/**
 * The report as an aligned table for a terminal: one line per registry row, then the unattributed
 * requests, the totals and the rows nobody joined through yet. Pure.
 */
import { formatDateTime } from '../../shared/dates.js';
import type { Counts, Report } from './aggregate.js';
import { displayWidth, pad, printable, truncate } from './text-width.js';

interface Column {
  title: string;
  align: 'left' | 'right';
  /** Longest a cell may get before it is cut with …; the CSV keeps the whole text. */
  max: number;
}

/** How many names the "no joins yet" line lists before it says "and N more". */
const NO_JOIN_NAMES = 20;

const GAP = '  ';

/** A join time for the table: minutes are enough on a terminal; the CSV has the seconds. */
function when(date: Date | null, zone: string): string {
  return date === null ? '' : formatDateTime(date, zone).slice(0, 16);
}

function countCells(c: Counts, withMissing: boolean, zone: string): string[] {
  return [String(c.approved), String(c.declined), String(c.pending), ...(withMissing ? [String(c.missing)] : []), when(c.firstJoin, zone), when(c.lastJoin, zone)];
}

/** Lays rows out in columns; a row of `null` is a rule. Trailing spaces are trimmed. */
export function layout(columns: readonly Column[], rows: readonly (readonly string[] | null)[]): string[] {
  const cells = rows.map((row) => (row === null ? null : columns.map((col, i) => truncate(printable(row[i] ?? ''), col.max))));
  const widths = columns.map((col, i) => Math.max(displayWidth(col.title), ...cells.map((row) => (row === null ? 0 : displayWidth(row[i]!)))));
  const line = (row: readonly string[]) => row.map((text, i) => pad(text, widths[i]!, columns[i]!.align)).join(GAP).trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  return [line(columns.map((c) => c.title)), rule, ...cells.map((row) => (row === null ? rule : line(row)))];
}

/** `1 request`, `2 requests`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Lists names, shortened after `max` of them. */
function nameList(names: readonly string[], max = NO_JOIN_NAMES): string {
  const shown = names.slice(0, max).map((n) => printable(n));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/** The report as lines of text for a terminal. */
export function formatTable(report: Report): string[] {
  const withMissing = report.totals.missing > 0;
  const columns: Column[] = [
    { title: 'id', align: 'left', max: 32 },
    { title: 'id_adress', align: 'left', max: 32 },
    { title: 'link', align: 'left', max: 40 },
    { title: 'approved', align: 'right', max: 10 },
    { title: 'declined', align: 'right', max: 10 },
    { title: 'pending', align: 'right', max: 10 },
    ...(withMissing ? [{ title: 'missing', align: 'right' as const, max: 10 }] : []),
    { title: 'first join', align: 'left', max: 16 },
    { title: 'last join', align: 'left', max: 16 },
  ];
  const zone = report.zone;
  const rows: (string[] | null)[] = report.rows.map((r) => [r.id, r.id_adress, r.link, ...countCells(r, withMissing, zone)]);
  const u = report.unattributed;
  const hasUnattributed = u.approved + u.declined + u.pending + u.missing > 0;
  rows.push(null);
  if (hasUnattributed) rows.push(['(unattributed)', 'link not in the registry', '', ...countCells(u, withMissing, zone)]);
  const rowWord = report.rows.length === 1 ? 'row' : 'rows';
  rows.push(['total', `${report.rows.length} ${rowWord}`, '', ...countCells(report.totals, withMissing, zone)]);

  const lines = layout(columns, rows);
  if (report.rows.length === 0) lines.push('the registry has no rows yet');
  else if (report.noJoins.length === 0) lines.push(`every row has at least one join`);
  else {
    const verb = report.noJoins.length === 1 ? 'has' : 'have';
    lines.push(`${report.noJoins.length} of ${report.rows.length} ${rowWord} ${verb} no joins yet: ${nameList(report.noJoins.map((r) => r.id))}`);
  }
  const stray = u.approved + u.declined + u.pending + u.missing;
  if (hasUnattributed) lines.push(`${plural(stray, 'request')} came through links that are not in the registry (another admin's link, or no link at all)`);
  if (report.undated > 0) lines.push(`${plural(report.undated, 'approved join')} without a date ${report.undated === 1 ? 'is' : 'are'} left out of the joins per day`);
  return lines;
}
