import { describe, expect, it } from '@jest/globals';
import { aggregate } from '../../../src/get-exec/report/aggregate.js';
import { barChart, labelIndices, lineChart, niceTicks } from '../../../src/get-exec/report/charts.js';
import { formatHtml } from '../../../src/get-exec/report/format-html.js';
import { esc } from '../../../src/get-exec/report/html-escape.js';
import { EVIL_ID, EVIL_MAIL, joinRows, LINK, NOW, registryRows, WIDE_ID, ZONE } from './fixtures.js';

const report = aggregate(registryRows(), joinRows(), ZONE, NOW);
const html = formatHtml(report, { now: NOW, sources: ['data/invite_data.txt', 'data/responde_data.txt'] });

/** Attributes of every element named `tag` carrying `marker`, parsed from the markup. */
function elements(markup: string, tag: string, marker: string): Record<string, string>[] {
  return [...markup.matchAll(new RegExp(`<${tag}\\b([^>]*${marker}[^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('esc', () => {
  it('escapes markup characters and drops control characters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(esc('a\u0000b\u001bc')).toBe('a\uFFFDb\uFFFDc');
  });
});

describe('formatHtml', () => {
  it('shows an id that holds <script> as text, in content and in attributes', () => {
    expect(html).not.toContain(EVIL_ID);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(esc(EVIL_MAIL));
    expect(html.match(/<script/gi)).toBeNull();
    const bar = elements(html, 'rect', 'data-link').find((a) => unescape(a['data-link']!) === EVIL_ID);
    expect(bar?.['data-count']).toBe('1');
  });

  it('loads nothing from anywhere: no src, href, url(), @import, link or script, and a CSP forbidding it all', () => {
    let rest = html;
    // The invite links are shown as text; nothing else may name an http(s) address.
    for (const link of Object.values(LINK)) rest = rest.split(esc(link)).join('');
    expect(rest).not.toMatch(/https?:\/\//i);
    // Escaping keeps data out of tags, so every real tag is a `<name ...>` whose attribute names we can list.
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];
    const names = new Set(tags.map((t) => t[1]!.toLowerCase()));
    const attributes = new Set(tags.flatMap((t) => [...t[2]!.replace(/"[^"]*"/g, '""').matchAll(/([\w:-]+)=/g)].map((a) => a[1]!.toLowerCase())));
    for (const tag of ['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use', 'foreignobject', 'a']) expect(names).not.toContain(tag);
    for (const attr of ['src', 'href', 'xlink:href', 'srcset', 'style', 'onload', 'onerror']) expect(attributes).not.toContain(attr);
    expect(rest).not.toMatch(/url\(|@import/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('draws one bar per registry row with its joins, widths proportional to the counts, most joins first', () => {
    const bars = elements(html, 'rect', 'data-link');
    expect(bars.map((b) => [unescape(b['data-link']!), Number(b['data-count'])])).toEqual([
      ['anna-2026', 3],
      ['boris', 1],
      ['4', 1],
      [EVIL_ID, 1],
      ['clara', 0],
      [WIDE_ID, 0],
    ]);
    const perJoin = Number(bars[0]!.width) / 3;
    expect(perJoin).toBeGreaterThan(10);
    for (const b of bars) expect(Number(b.width)).toBeCloseTo(Number(b['data-count']) * perJoin, 1);
  });

  it('draws one point per day from the first join to today, at heights proportional to the joins', () => {
    const points = elements(html, 'circle', 'data-day');
    expect(points.map((p) => [p['data-day'], Number(p['data-count'])])).toEqual([
      ['2026-01-03', 2],
      ['2026-01-04', 2],
      ['2026-01-05', 1],
      ['2026-01-06', 1],
      ['2026-01-07', 0],
    ]);
    const zero = Number(points[4]!.cy);
    const perJoin = (zero - Number(points[2]!.cy)) / 1;
    expect(perJoin).toBeGreaterThan(10);
    for (const p of points) expect(zero - Number(p.cy)).toBeCloseTo(Number(p['data-count']) * perJoin, 1);
    const xs = points.map((p) => Number(p.cx));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('has the summary, the table with totals and the unattributed line, and the rows without joins', () => {
    expect(html).toMatch(/<div class="card-value">6<\/div><div class="card-label">joined \(approved\)/);
    expect(html).toMatch(/<div class="card-value">4 \/ 6<\/div>/);
    expect(html).toContain('<tr class="unattributed">');
    expect(html).toMatch(/<tr class="total"><td colspan="3">Total, 6 links<\/td><td class="num">6<\/td><td class="num">2<\/td><td class="num">3<\/td><td class="num">1<\/td><td class="date"><time [^>]*>2026-01-03<\/time><\/td><td class="date"><time [^>]*>2026-01-06<\/time><\/td><\/tr>/);
    expect(html).toMatch(/No joins yet <span class="count">2 of 6<\/span>/);
    expect(html).toContain('Made 2026-01-07 13:00 (Europe/Berlin) from <code>data/invite_data.txt</code>');
  });

  it('says what is missing instead of drawing empty charts', () => {
    const empty = formatHtml(aggregate([], [], 'UTC'), { now: NOW });
    expect(empty).toContain('The registry has no rows yet');
    expect(empty).toContain('No joins yet: the chart appears');
    expect(empty).not.toContain('<svg');
  });

  it('leaves the rows without joins out of the bar chart when there are many, and says so', () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ id: `r${i}`, id_adress: '', id_link: '', link: `https://t.me/+r${i}` }));
    const joined = [{ id_link: '', link: 'https://t.me/+r3', tg_responde_status: 'approve' as const, dt_tg_responde: NOW, tg_request_date: '' }];
    const page = formatHtml(aggregate(rows, joined, 'UTC'), { now: NOW });
    expect(elements(page, 'rect', 'data-link').map((b) => [b['data-link'], b['data-count']])).toEqual([['r3', '1']]);
    expect(page).toContain('14 links without joins are not drawn; they are listed under "No joins yet".');
    expect(page).toMatch(/No joins yet <span class="count">14 of 15<\/span>/);
    const none = formatHtml(aggregate(rows, [], 'UTC'), { now: NOW });
    expect(none).toContain('No link has brought anyone in yet.');
    expect(none).not.toContain('The registry has no rows yet');
  });

  it('shows join times as days, with the full time on hover', () => {
    expect(html).toContain('<td class="date"><time datetime="2026-01-03T09:00:00+01:00" title="2026-01-03 09:00:00">2026-01-03</time></td>');
  });

  it('draws the unattributed joins as a bar of their own, without a data-link', () => {
    const stray = aggregate(registryRows(), [{ id_link: 'nobody', link: '', tg_responde_status: 'approve', dt_tg_responde: NOW, tg_request_date: '' }], ZONE);
    const page = formatHtml(stray, { now: NOW });
    const bars = elements(page, 'rect', 'data-count');
    expect(bars.filter((b) => b['data-unattributed'] === 'true').map((b) => b['data-count'])).toEqual(['1']);
    expect(bars.filter((b) => b['data-link'] !== undefined)).toHaveLength(registryRows().length);
  });
});

describe('chart helpers', () => {
  it('picks round ticks of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(34)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
  });

  it('labels the first and last day and a few between', () => {
    expect(labelIndices(3)).toEqual([0, 1, 2]);
    const many = labelIndices(100);
    expect(many[0]).toBe(0);
    expect(many[many.length - 1]).toBe(99);
    expect(many.length).toBeLessThanOrEqual(8);
  });

  it('keeps a point per day even when there are too many to draw', () => {
    const days = Array.from({ length: 200 }, (_, i) => ({ day: `d${i}`, joins: i % 3 }));
    expect(elements(lineChart(days), 'circle', 'data-day')).toHaveLength(200);
    expect(lineChart(days)).toContain('r="0"');
    expect(barChart([{ id: 'a', label: 'a', tooltip: 'a', count: 0 }])).toContain('width="0"');
  });
});
