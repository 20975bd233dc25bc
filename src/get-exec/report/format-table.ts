/**
 * The report as an aligned table for a terminal: one line per registry row, then the unattributed
 * requests, the totals and the rows nobody joined through yet. Pure.
 */
import { formatDateTime } from '../../shared/dates.js';
import type { Counts, LinkStats, Report } from './aggregate.js';
import { events, percent, requests, retention, tracksMembership } from './counts.js';
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

const MEMBERSHIP_COLUMNS: readonly Column[] = ['joined', 'left', 'removed', 'members', 'kept 7d', 'kept 30d'].map((title) => ({ title, align: 'right', max: 10 }));

/** The max_members cell: the limit, and OVER when the link brought in more people than that. */
function limitCell(r: Pick<LinkStats, 'maxMembers' | 'overLimit'> | undefined): string {
  if (r?.maxMembers === undefined) return '';
  return `${r.maxMembers}${r.overLimit ? ' OVER' : ''}`;
}

interface Shown {
  missing: boolean;
  membership: boolean;
  limit: boolean;
}

function countCells(c: Counts, show: Shown, zone: string, limit?: LinkStats): string[] {
  const withMissing = show.missing;
  const withLimit = show.limit;
  return [
    String(c.approved), String(c.declined), String(c.pending), ...(withMissing ? [String(c.missing)] : []),
    ...(show.membership ? [String(c.joined), String(c.left), String(c.removed), String(c.members), percent(retention(c.kept7d, c.cohort7d)), percent(retention(c.kept30d, c.cohort30d))] : []),
    ...(withLimit ? [limitCell(limit)] : []),
    when(c.firstJoin, zone), when(c.lastJoin, zone),
  ];
}

/** Lays rows out in columns; a row of `null` is a rule. Trailing spaces are trimmed. */
export function layout(columns: readonly Column[], rows: readonly (readonly string[] | null)[]): string[] {
  return [...layoutLines(columns, () => rows)];
}

/**
 * `layout` line by line. `rows` is called twice, for the widths and then for the lines, so no row's
 * cells are kept: 10,000 rows of cells held at once reached the old heap and the run's peak RSS.
 */
function* layoutLines(columns: readonly Column[], rows: () => Iterable<readonly string[] | null>): Generator<string> {
  const fit = (row: readonly string[]) => columns.map((col, i) => truncate(printable(row[i] ?? ''), col.max));
  const widths = columns.map((col) => displayWidth(col.title));
  for (const row of rows()) if (row !== null) fit(row).forEach((text, i) => (widths[i] = Math.max(widths[i]!, displayWidth(text))));
  const line = (row: readonly string[]) => row.map((text, i) => pad(text, widths[i]!, columns[i]!.align)).join(GAP).trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  yield line(columns.map((c) => c.title));
  yield rule;
  for (const row of rows()) yield row === null ? rule : line(fit(row));
}

/** `1 request`, `2 requests`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Lists names, shortened after `max` of them. */
function nameList(names: readonly string[], max = NO_JOIN_NAMES): string {
  const shown = names.slice(0, max).map((n) => truncate(printable(n), 32));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/** The report as lines of text for a terminal. */
export function formatTable(report: Report): string[] {
  return [...tableLines(report)];
}

/** `formatTable` line by line, holding one row's cells at a time. */
export function* tableLines(report: Report): Generator<string> {
  const withMissing = report.totals.missing > 0;
  const withLimit = report.rows.some((r) => r.maxMembers !== undefined);
  // Without a single membership row the log cannot know who left: members would only repeat the approvals.
  const membership = tracksMembership(report.totals);
  const show: Shown = { missing: withMissing, membership, limit: withLimit };
  const columns: Column[] = [
    { title: 'id', align: 'left', max: 32 },
    { title: 'id_adress', align: 'left', max: 32 },
    { title: 'link', align: 'left', max: 40 },
    { title: 'approved', align: 'right', max: 10 },
    { title: 'declined', align: 'right', max: 10 },
    { title: 'pending', align: 'right', max: 10 },
    ...(withMissing ? [{ title: 'missing', align: 'right' as const, max: 10 }] : []),
    ...(membership ? MEMBERSHIP_COLUMNS : []),
    ...(withLimit ? [{ title: 'max_members', align: 'right' as const, max: 16 }] : []),
    { title: 'first join', align: 'left', max: 16 },
    { title: 'last join', align: 'left', max: 16 },
  ];
  const zone = report.zone;
  const u = report.unattributed;
  const rowWord = report.rows.length === 1 ? 'row' : 'rows';
  function* rows(): Generator<string[] | null> {
    for (const r of report.rows) yield [r.id, r.id_adress, r.link, ...countCells(r, show, zone, r)];
    yield null;
    if (events(u) > 0) yield ['(unattributed)', 'link not in the registry', '', ...countCells(u, show, zone)];
    yield ['total', `${report.rows.length} ${rowWord}`, '', ...countCells(report.totals, show, zone)];
  }
  yield* layoutLines(columns, rows);
  const lines: string[] = [];
  if (report.rows.length === 0) lines.push('the registry has no rows yet');
  else if (report.noJoins.length === 0) lines.push(`every row has at least one join`);
  else {
    const verb = report.noJoins.length === 1 ? 'has' : 'have';
    lines.push(`${report.noJoins.length} of ${report.rows.length} ${rowWord} ${verb} no joins yet: ${nameList(report.noJoins.map((r) => r.id))}`);
  }
  const stray = requests(u);
  if (stray > 0) lines.push(`${plural(stray, 'request')} came through links that are not in the registry (another admin's link, or no link at all)`);
  const over = report.rows.filter((r) => r.overLimit);
  if (over.length > 0) lines.push(`${plural(over.length, 'row')} brought in more people than ${over.length === 1 ? 'its' : 'their'} max_members (approved by hand past the limit): ${nameList(over.map((r) => r.id))}`);
  if (membership) lines.push('members: in the group now, each person under the link of their latest join; kept 7d/30d: of those who joined through the link at least 7/30 days ago, the share still in');
  else lines.push('members and retention: the join log has no joined, left or removed rows yet (tg-handler writes them from chat_member updates), so they are not shown');
  if (report.undated > 0) lines.push(`${plural(report.undated, 'approved join')} without a date ${report.undated === 1 ? 'is' : 'are'} left out of the joins per day`);
  yield* lines;
}
