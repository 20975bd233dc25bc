/**
 * The report's two charts as inline SVG, so the page works offline with no library: a horizontal bar
 * chart of joins per link and a line chart of joins per day. Every bar and point carries its data in
 * attributes (data-link, data-count, data-day) so a test, or a curious admin, can read it back. Pure.
 */
import dayjs from 'dayjs';
import type { DayCount, LinkStats, MembersDay } from './aggregate.js';
import { esc } from './html-escape.js';

/** Width of both charts' coordinate systems; the page scales them to the available width. */
export const CHART_WIDTH = 760;

const BAR = { label: 210, value: 56, right: 12, rowHeight: 28, barHeight: 18, top: 6, axis: 26 } as const;
const LINE = { height: 260, left: 44, right: 28, top: 16, bottom: 40 } as const;
/** Beyond this many days, points are too close to draw; they stay in the SVG (radius 0) for their data. */
const MAX_DRAWN_POINTS = 92;

/** Round axis ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, never below 1. */
export function niceTicks(max: number, target = 5): number[] {
  if (max <= 0) return [0, 1];
  const raw = Math.max(1, max / target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

/** Cuts a label to `max` characters (by code point), ending with … when cut. */
function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
const joinsWord = (n: number) => `${n} join${n === 1 ? '' : 's'}`;

/** A bar to draw: a registry row, or the unattributed joins. */
export interface Bar {
  /** The registry row's id; undefined for the unattributed bar. */
  id?: string;
  label: string;
  /** Shown on hover: the full id and who the link is for. */
  tooltip: string;
  count: number;
}

/** How many empty bars are still worth drawing; beyond it they would only push the chart off the screen. */
export const MAX_EMPTY_BARS = 12;

/**
 * Bars for the registry rows, most joins first (registry order among equals), then the unattributed
 * joins if any. Rows without joins are drawn only while there are at most `maxEmpty` of them; `hidden`
 * says how many were left out (the page lists them anyway).
 */
export function barsFor(rows: readonly LinkStats[], unattributedJoins: number, maxEmpty = MAX_EMPTY_BARS): { bars: Bar[]; hidden: number } {
  const empty = rows.filter((r) => r.approved === 0).length;
  const hidden = empty > maxEmpty ? empty : 0;
  const bars: Bar[] = rows
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => hidden === 0 || r.approved > 0)
    .sort((a, b) => b.r.approved - a.r.approved || a.index - b.index)
    .map(({ r }) => ({ id: r.id, label: r.id, tooltip: `${r.id}${r.id_adress ? ` (${r.id_adress})` : ''}: ${joinsWord(r.approved)}`, count: r.approved }));
  if (unattributedJoins > 0) bars.push({ label: 'not in the registry', tooltip: `links not in the registry: ${joinsWord(unattributedJoins)}`, count: unattributedJoins });
  return { bars, hidden };
}

/** Horizontal bars, one per link: the bar's width is proportional to its joins. */
export function barChart(bars: readonly Bar[]): string {
  const max = Math.max(0, ...bars.map((b) => b.count));
  const ticks = niceTicks(max);
  const scaleMax = ticks[ticks.length - 1]!;
  const plot = CHART_WIDTH - BAR.label - BAR.value - BAR.right;
  const x = (n: number) => BAR.label + (n / scaleMax) * plot;
  const height = BAR.top + bars.length * BAR.rowHeight + BAR.axis;
  const axisY = BAR.top + bars.length * BAR.rowHeight;
  const grid = ticks
    .map((t) => `<line class="grid" x1="${fmt(x(t))}" y1="${BAR.top}" x2="${fmt(x(t))}" y2="${axisY}"/><text class="tick" x="${fmt(x(t))}" y="${axisY + 17}" text-anchor="middle">${t}</text>`)
    .join('');
  const rows = bars
    .map((b, i) => {
      const y = BAR.top + i * BAR.rowHeight;
      const barY = y + (BAR.rowHeight - BAR.barHeight) / 2;
      const width = (b.count / scaleMax) * plot;
      const data = b.id === undefined ? 'data-unattributed="true"' : `data-link="${esc(b.id)}"`;
      const cls = b.id === undefined ? 'bar bar-unattributed' : 'bar';
      return (
        `<g class="bar-row"><title>${esc(b.tooltip)}</title>` +
        `<text class="label${b.id === undefined ? ' label-unattributed' : ''}" x="${BAR.label - 10}" y="${fmt(y + BAR.rowHeight / 2)}" text-anchor="end" dominant-baseline="central">${esc(shorten(b.label, 28))}</text>` +
        `<rect class="${cls}" ${data} data-count="${b.count}" x="${BAR.label}" y="${fmt(barY)}" width="${fmt(width)}" height="${BAR.barHeight}" rx="3"/>` +
        `<text class="value" x="${fmt(BAR.label + width + 6)}" y="${fmt(y + BAR.rowHeight / 2)}" dominant-baseline="central">${b.count}</text></g>`
      );
    })
    .join('');
  return (
    `<svg class="chart bar-chart" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-label="Joins per link">` +
    `<g class="axis">${grid}<line class="baseline" x1="${BAR.label}" y1="${BAR.top}" x2="${BAR.label}" y2="${axisY}"/></g>${rows}</svg>`
  );
}

/** Which day indices get a date under the axis: the first, the last, and evenly spaced ones between. */
export function labelIndices(days: number, maxLabels = 8): number[] {
  if (days <= maxLabels) return Array.from({ length: days }, (_, i) => i);
  const step = Math.ceil((days - 1) / (maxLabels - 1));
  const picked: number[] = [];
  for (let i = 0; i < days - 1; i += step) picked.push(i);
  // Keep the last day, dropping a neighbour that would print on top of it.
  if (days - 1 - picked[picked.length - 1]! < step / 2) picked.pop();
  picked.push(days - 1);
  return picked;
}

/** One point of a line chart: its day, its value, the attributes that carry its data, and its tooltip. */
interface LinePoint {
  day: string;
  value: number;
  data: string;
  title: string;
}

/** A line over days with the area under it shaded; the scale reaches below 0 when a value does. */
function dayLine(points: readonly LinePoint[], svgClass: string, pointClass: string, label: string): string {
  const w = CHART_WIDTH;
  const h = LINE.height;
  const plotW = w - LINE.left - LINE.right;
  const plotH = h - LINE.top - LINE.bottom;
  const low = Math.min(0, ...points.map((p) => p.value));
  const ticks = niceTicks(Math.max(0, ...points.map((p) => p.value)) - low, 4).map((t) => t + low);
  const scaleMax = ticks[ticks.length - 1]! - low;
  const n = points.length;
  const x = (i: number) => LINE.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => LINE.top + plotH - ((v - low) / scaleMax) * plotH;
  const bottom = LINE.top + plotH;
  const grid = ticks
    .map((t) => `<line class="grid" x1="${LINE.left}" y1="${fmt(y(t))}" x2="${w - LINE.right}" y2="${fmt(y(t))}"/><text class="tick" x="${LINE.left - 8}" y="${fmt(y(t))}" text-anchor="end" dominant-baseline="central">${t}</text>`)
    .join('');
  const labels = labelIndices(n)
    .map((i) => `<text class="tick" x="${fmt(x(i))}" y="${bottom + 20}" text-anchor="middle">${esc(dayjs(points[i]!.day).format('D MMM'))}</text>`)
    .join('');
  const coords = points.map((d, i) => `${fmt(x(i))},${fmt(y(d.value))}`);
  const area = n > 1 ? `<path class="area" d="M${fmt(x(0))},${fmt(bottom)} L${coords.join(' L')} L${fmt(x(n - 1))},${fmt(bottom)} Z"/>` : '';
  const radius = n <= MAX_DRAWN_POINTS ? 4 : 0;
  const drawn = points.map((d, i) => `<circle class="${pointClass}" ${d.data} cx="${fmt(x(i))}" cy="${fmt(y(d.value))}" r="${radius}"><title>${esc(d.title)}</title></circle>`).join('');
  return (
    `<svg class="chart ${svgClass}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}">` +
    `<g class="axis">${grid}<line class="baseline" x1="${LINE.left}" y1="${fmt(bottom)}" x2="${w - LINE.right}" y2="${fmt(bottom)}"/>${labels}</g>` +
    `${area}<polyline class="line" points="${coords.join(' ')}"/>${drawn}</svg>`
  );
}

/** A line of approved joins per calendar day, with the area under it shaded. */
export function lineChart(perDay: readonly DayCount[]): string {
  const points = perDay.map((d) => ({ day: d.day, value: d.joins, data: `data-day="${esc(d.day)}" data-count="${d.joins}"`, title: `${d.day}: ${joinsWord(d.joins)}` }));
  return dayLine(points, 'line-chart', 'point', 'Joins per day');
}

/** Members over time: at each day's end, joins minus leaves of every day so far (data-date, data-members on each point). */
export function membersChart(days: readonly MembersDay[]): string {
  const points = days.map((d) => ({
    day: d.day,
    value: d.members,
    data: `data-date="${esc(d.day)}" data-members="${d.members}" data-joins="${d.joins}" data-leaves="${d.leaves}"`,
    title: `${d.day}: ${d.members} (+${d.joins}, -${d.leaves})`,
  }));
  return dayLine(points, 'members-chart', 'members-point', 'Members over time');
}
