/**
 * The report as one self-contained HTML page: inline CSS and inline SVG, no script, no font, no
 * image, no request to anywhere (a Content-Security-Policy of default-src 'none' makes sure), so it
 * opens offline, from an e-mail attachment or a USB stick. Every text from the data files is escaped.
 * Pure.
 */
import { formatDateTime, formatIsoWithOffset } from '../../shared/dates.js';
import type { Counts, Report } from './aggregate.js';
import { barChart, barsFor, lineChart } from './charts.js';
import { esc } from './html-escape.js';
import { REPORT_CSS } from './report-css.js';

export interface HtmlOptions {
  /** When the report was made; shown in the header. */
  now: Date;
  /** The data files it was made from, as the admin knows them (e.g. data/invite_data.txt). */
  sources?: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const requests = (c: Counts) => c.approved + c.declined + c.pending + c.missing;

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

function countCells(c: Counts, zone: string, withMissing: boolean): string {
  const num = (n: number) => `<td class="num${n === 0 ? ' zero' : ''}">${n}</td>`;
  return `${num(c.approved)}${num(c.declined)}${num(c.pending)}${withMissing ? num(c.missing) : ''}${dateCell(c.firstJoin, zone)}${dateCell(c.lastJoin, zone)}`;
}

function table(report: Report): string {
  // Like the terminal table, "missing" only shows when some request went missing: it is rare.
  const withMissing = report.totals.missing > 0;
  const numbers = ['approved', 'declined', 'pending', ...(withMissing ? ['missing'] : [])];
  const head = [...['id', 'for (id_adress)', 'link'].map((h) => `<th>${esc(h)}</th>`), ...numbers.map((h) => `<th class="num">${esc(h)}</th>`), '<th>first join</th><th>last join</th>'].join('');
  const body = report.rows
    .map(
      (r) =>
        `<tr class="${r.approved === 0 ? 'no-joins' : ''}" data-link="${esc(r.id)}"><td class="id">${esc(r.id)}</td><td class="who">${esc(r.id_adress)}</td>` +
        `<td class="link">${r.link ? `<code>${esc(r.link)}</code>` : '<span class="muted">no link yet</span>'}</td>${countCells(r, report.zone, withMissing)}</tr>`,
    )
    .join('');
  const u = report.unattributed;
  const foot =
    (requests(u) > 0 ? `<tr class="unattributed"><td colspan="3">Links not in the registry (another admin's link, or none)</td>${countCells(u, report.zone, withMissing)}</tr>` : '') +
    `<tr class="total"><td colspan="3">Total, ${plural(report.rows.length, 'link')}</td>${countCells(report.totals, report.zone, withMissing)}</tr>`;
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody><tfoot>${foot}</tfoot></table></div>`;
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
  const undated = report.undated > 0 ? `<p class="note">${plural(report.undated, 'approved join')} without a date ${report.undated === 1 ? 'is' : 'are'} not on this chart.</p>` : '';
  return `<!doctype html>
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
<h2>All links</h2>
${table(report)}
</section>
${noJoinsList(report)}
<footer>tg-get report · times in ${esc(report.zone)}</footer>
</main>
</body>
</html>
`;
}
