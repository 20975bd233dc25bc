/**
 * The report as one self-contained HTML page: inline CSS and inline SVG, no script, no font, no
 * image, no request to anywhere (a Content-Security-Policy of default-src 'none' makes sure), so it
 * opens offline, from an e-mail attachment or a USB stick. Every text from the data files is escaped.
 * Pure.
 */
import { formatDateTime, formatIsoWithOffset } from '../../shared/dates.js';
import type { Counts, LinkStats, Report } from './aggregate.js';
import { barChart, barsFor, lineChart, membersChart } from './charts.js';
import { events, percent, requests, retention, tracksMembership } from './counts.js';
import { esc } from './html-escape.js';
import { REPORT_CSS } from './report-css.js';

export interface HtmlOptions {
  /** When the report was made; shown in the header. */
  now: Date;
  /** The data files it was made from, as the admin knows them (e.g. data/invite_data.txt). */
  sources?: readonly string[];
  /** The window of events counted (--since, --until) and the group (--chat), shown in the header. */
  since?: Date;
  until?: Date;
  chat?: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function card(value: string | number, label: string, kind = ''): string {
  return `<div class="card${kind ? ` card-${kind}` : ''}"><div class="card-value">${esc(value)}</div><div class="card-label">${esc(label)}</div></div>`;
}

function cards(report: Report): string {
  const t = report.totals;
  const withJoins = report.rows.length - report.noJoins.length;
  const u = requests(report.unattributed);
  return (
    `<section class="cards" aria-label="Summary">` +
    card(t.approved, 'joined (approved)', 'accent') +
    (tracksMembership(t)
      ? card(t.members, 'members now', 'accent') +
        card(percent(retention(t.kept30d, t.cohort30d)) || '–', 'still in after 30 days') +
        card(t.joined, 'joined by other paths') +
        card(t.left + t.removed, 'left or removed')
      : '') +
    card(t.declined, 'declined') +
    card(t.pending, 'pending for an admin') +
    (t.missing > 0 ? card(t.missing, 'gone before a decision') : '') +
    card(`${withJoins} / ${report.rows.length}`, 'links with at least one join') +
    card(u, 'requests via links not in the registry', u > 0 ? 'warn' : '') +
    `</section>`
  );
}

/** A join time as its day, the full time on hover: days keep the table narrow, and the CSV has the seconds. */
function dateCell(date: Date | null, zone: string): string {
  if (date === null) return '<td class="date"></td>';
  const local = formatDateTime(date, zone);
  return `<td class="date"><time datetime="${esc(formatIsoWithOffset(date, zone))}" title="${esc(local)}">${esc(local.slice(0, 10))}</time></td>`;
}

/** A retention cell: the share, with kept / cohort on hover; blank when nobody joined that long ago. */
function keptCell(kept: number, cohort: number, days: number): string {
  const share = retention(kept, cohort);
  if (share === null) return '<td class="num zero"></td>';
  return `<td class="num" data-kept="${kept}" data-cohort="${cohort}" title="${kept} of the ${cohort} who joined at least ${days} days ago">${esc(percent(share))}</td>`;
}

function limitCell(r: LinkStats | undefined, withLimit: boolean): string {
  if (!withLimit) return '';
  if (r?.maxMembers === undefined) return '<td class="num zero"></td>';
  const mark = r.overLimit ? ` <span class="over-limit-mark" title="more than ${r.maxMembers} people came in through this link: approved by hand past the limit">over</span>` : '';
  return `<td class="num">${r.maxMembers}${mark}</td>`;
}

function countCells(c: Counts, zone: string, withMissing: boolean, withMembers: boolean, withLimit = false, row?: LinkStats): string {
  const num = (n: number, name = '') => `<td class="num${n === 0 ? ' zero' : ''}"${name ? ` data-${name}="${n}"` : ''}>${n}</td>`;
  return (
    `${num(c.approved)}${num(c.declined)}${num(c.pending)}${withMissing ? num(c.missing) : ''}` +
    (withMembers ? `${num(c.joined)}${num(c.left)}${num(c.removed)}${num(c.members, 'members')}${keptCell(c.kept7d, c.cohort7d, 7)}${keptCell(c.kept30d, c.cohort30d, 30)}` : '') +
    `${limitCell(row, withLimit)}${dateCell(c.firstJoin, zone)}${dateCell(c.lastJoin, zone)}`
  );
}

const ROWS_PER_PIECE = 500;

/** The table of all links, in pieces of a few hundred rows (10,000 rows are about 7 MB of HTML). */
function* table(report: Report): Generator<string> {
  // Like the terminal table, "missing" only shows when some request went missing: it is rare.
  const withMissing = report.totals.missing > 0;
  const withLimit = report.rows.some((r) => r.maxMembers !== undefined);
  const withMembers = tracksMembership(report.totals);
  const numbers = ['approved', 'declined', 'pending', ...(withMissing ? ['missing'] : []), ...(withMembers ? ['joined', 'left', 'removed', 'members now', 'still in 7d', 'still in 30d'] : []), ...(withLimit ? ['max_members'] : [])];
  const head = [...['id', 'for (id_adress)', 'link'].map((h) => `<th>${esc(h)}</th>`), ...numbers.map((h) => `<th class="num">${esc(h)}</th>`), '<th>first join</th><th>last join</th>'].join('');
  const row = (r: LinkStats): string =>
        `<tr class="${[r.approved + r.joined === 0 ? 'no-joins' : '', r.overLimit ? 'over-limit' : ''].join(' ').trim()}" data-link="${esc(r.id)}"><td class="id">${esc(r.id)}</td><td class="who">${esc(r.id_adress)}</td>` +
        `<td class="link">${r.link ? `<code>${esc(r.link)}</code>` : '<span class="muted">no link yet</span>'}</td>${countCells(r, report.zone, withMissing, withMembers, withLimit, r)}</tr>`;
  yield `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>`;
  for (let i = 0; i < report.rows.length; i += ROWS_PER_PIECE) yield report.rows.slice(i, i + ROWS_PER_PIECE).map(row).join('');
  const u = report.unattributed;
  const foot =
    (events(u) > 0 ? `<tr class="unattributed"><td colspan="3">Links not in the registry (another admin's link, or none)</td>${countCells(u, report.zone, withMissing, withMembers, withLimit)}</tr>` : '') +
    `<tr class="total"><td colspan="3">Total, ${plural(report.rows.length, 'link')}</td>${countCells(report.totals, report.zone, withMissing, withMembers, withLimit)}</tr>`;
  yield `</tbody><tfoot>${foot}</tfoot></table></div>`;
}

function noJoinsList(report: Report): string {
  if (report.rows.length === 0) return '';
  if (report.noJoins.length === 0) return `<section><h2>No joins yet</h2><p class="muted">Every link has brought at least one member in.</p></section>`;
  const items = report.noJoins.map((r) => `<li><span class="id">${esc(r.id)}</span>${r.id_adress ? ` <span class="muted">${esc(r.id_adress)}</span>` : ''}</li>`).join('');
  return `<section><h2>No joins yet <span class="count">${report.noJoins.length} of ${report.rows.length}</span></h2><ul class="no-joins-list">${items}</ul></section>`;
}

function dayRange(report: Report): string {
  const first = report.perDay[0];
  const last = report.perDay[report.perDay.length - 1];
  if (first === undefined || last === undefined) return '';
  return first.day === last.day ? first.day : `${first.day} – ${last.day}`;
}

/** The whole page. */
export function formatHtml(report: Report, options: HtmlOptions): string {
  return [...htmlPieces(report, options)].join('');
}

/** The page in pieces, in order, for writing it without holding it whole (see `formatHtml`). */
export function* htmlPieces(report: Report, options: HtmlOptions): Generator<string> {
  const t = report.totals;
  const sources = options.sources?.length ? ` from ${options.sources.map((s) => `<code>${esc(s)}</code>`).join(' and ')}` : '';
  const { bars: drawn, hidden } = barsFor(report.rows, report.unattributed.approved);
  const hiddenNote = hidden > 0 ? `<p class="note">${plural(hidden, 'link')} without joins ${hidden === 1 ? 'is' : 'are'} not drawn; ${hidden === 1 ? 'it is' : 'they are'} listed under "No joins yet".</p>` : '';
  let bars: string;
  if (report.rows.length === 0 && drawn.length === 0) bars = '<p class="empty">The registry has no rows yet: add invitees to invite_data.txt and run tg-get.</p>';
  else if (drawn.length === 0) bars = '<p class="empty">No link has brought anyone in yet.</p>';
  else bars = `<div class="chart-wrap">${barChart(drawn)}</div>${hiddenNote}`;
  const days = report.perDay.length === 0
    ? '<p class="empty">No joins yet: the chart appears once the first request through a link is approved.</p>'
    : `<div class="chart-wrap">${lineChart(report.perDay)}</div>`;
  const tracked = tracksMembership(report.totals);
  const members = !tracked
    ? '<p class="empty members-untracked">Members, leaves and retention appear once the join log has joined, left or removed rows: tg-handler writes them from the chat_member updates Telegram sends to a bot that is an administrator.</p>'
    : `<div class="chart-wrap">${membersChart(report.membersPerDay)}</div>`;
  const over = report.rows.filter((r) => r.overLimit);
  const overNote = over.length > 0 ? `<p class="note over-limit-note">${plural(over.length, 'link')} brought in more people than ${over.length === 1 ? 'its' : 'their'} max_members (approved by hand past the limit): ${over.map((r) => `<span class="id">${esc(r.id)}</span>`).join(', ')}.</p>` : '';
  const scope = [options.since ? `events from ${formatDateTime(options.since, report.zone).slice(0, 16)}` : '', options.until ? `events before ${formatDateTime(options.until, report.zone).slice(0, 16)}` : '', options.chat !== undefined ? `group ${options.chat}` : ''].filter(Boolean);
  const scopeLine = scope.length > 0 ? `<p class="meta scope">Counted: ${esc(scope.join(', '))}; members now are always now.</p>` : '';
  const undated = report.undated > 0 ? `<p class="note">${plural(report.undated, 'approved join')} without a date ${report.undated === 1 ? 'is' : 'are'} not on this chart.</p>` : '';
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Invite report: ${esc(plural(t.approved, 'join'))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>Who came through which invite link</h1>
<p class="meta">Made ${esc(formatDateTime(options.now, report.zone).slice(0, 16))} (${esc(report.zone)})${sources}</p>
${scopeLine}
</header>
${cards(report)}
<section>
<h2>Joins per link</h2>
<p class="hint">Approved join requests, per registry row; most first.</p>
${bars}
</section>
<section>
<h2>Joins per day <span class="count">${esc(dayRange(report))}</span></h2>
<p class="hint">Approved join requests per calendar day in ${esc(report.zone)}.</p>
${days}${undated}
</section>
<section>
<h2>Members over time</h2>
<p class="hint">Members at the end of each day: joins (approved, or by other paths) minus leaves (left, removed).</p>
${members}
</section>
<section>
<h2>All links</h2>
${tracked ? '<p class="hint">Members now: in the group now, each person under the link of their latest join. Still in 7d / 30d: of the people who joined through the link at least 7 / 30 days ago, the share still in.</p>' : ''}
`;
  yield* table(report);
  yield `
${overNote}
</section>
${noJoinsList(report)}
<footer>tg-get report · times in ${esc(report.zone)}</footer>
</main>
</body>
</html>
`;
}
