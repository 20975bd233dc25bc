/**
 * The HTML report as a browser shows it: Debian's headless Chromium loads the page written by
 * runReport from real files, and the bars it lays out must match the counts. Skipped, with a message
 * saying why, when Chromium is not installed (.ci/run installs it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PNG } from 'pngjs';
import { runReport } from '../../../src/get-exec/report/report.js';
import { parseConfig } from '../../../src/shared/config/schema.js';
import { silentLogger } from '../../../src/shared/cli/log.js';
import { TempFolder } from '../../support/tmp.js';
import { dumpDom, findChromium, screenshot } from './chromium.js';
import { EVIL_ID, GROUP, LINK, NOW, responseFileText, storyInviteText, storyResponseText, WIDE_ID, writeDataFiles, ZONE } from './fixtures.js';

const chromium = findChromium();
if (chromium === null) {
  console.warn('report rendering tests SKIPPED: no Chromium at /usr/bin/chromium (install it with `apt-get install chromium`, or point CHROMIUM_BIN at one)');
}
const withChromium = chromium === null ? it.skip : it;

/** Four more joins through boris's link, on the 5th and 6th. */
const EXTRA = ['2026-01-05 08:00:00', '2026-01-05 09:00:00', '2026-01-06 08:00:00', '2026-01-06 09:00:00'].map((dt, i) => ['boris', String(900 + i), 'B', '', dt, 'approve', '', LINK.boris, '-1001234567890', ''].join('\t'));

/** What the page must show, worked out by hand from fixtures.ts and EXTRA. */
const EXPECTED_BARS: [string, number][] = [
  ['boris', 5],
  ['anna-2026', 3],
  ['4', 1],
  [EVIL_ID, 1],
  ['clara', 0],
  [WIDE_ID, 0],
];
const EXPECTED_DAYS: [string, number][] = [
  ['2026-01-03', 2],
  ['2026-01-04', 2],
  ['2026-01-05', 3],
  ['2026-01-06', 3],
  ['2026-01-07', 0],
];

/** Reads the page back in the browser: each bar's and point's laid-out box, into a <pre> the DOM dump carries. */
const MEASURE = `<pre id="measure"></pre><script>
const box = (el) => el.getBoundingClientRect();
document.getElementById('measure').textContent = JSON.stringify({
  bars: [...document.querySelectorAll('svg.bar-chart rect.bar')].map((el) => ({ link: el.getAttribute('data-link'), count: Number(el.dataset.count), width: box(el).width, height: box(el).height, left: box(el).left })),
  points: [...document.querySelectorAll('svg.line-chart circle.point')].map((el) => ({ day: el.dataset.day, count: Number(el.dataset.count), y: box(el).top + box(el).height / 2 })),
  chartWidth: box(document.querySelector('svg.bar-chart')).width,
  panelWidth: document.querySelector('svg.bar-chart').parentElement.clientWidth,
  scripts: document.scripts.length,
});
</script>`;

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Attributes of every `<tag ...>` in serialized markup that has `marker`. */
function elements(markup: string, tag: string, marker: string): Record<string, string>[] {
  return [...markup.matchAll(new RegExp(`<${tag}\\b([^>]*${marker}[^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, decode(a[2]!)])));
}

let tmp: TempFolder;
let dir: string;
let htmlPath: string;

beforeAll(async () => {
  dir = (tmp = new TempFolder('tg-render-')).dir;
  writeDataFiles(dir, { responses: `${responseFileText()}${EXTRA.join('\n')}\n` });
  const config = parseConfig({ TZ: ZONE }, {}, { token: false, chat: false }, dir);
  const result = await runReport(config, { now: NOW }, silentLogger, () => {});
  expect(result.exitCode).toBe(0);
  htmlPath = result.htmlPath;
});
afterAll(async () => {
  tmp.remove();
});

describe('report.html in headless Chromium', () => {
  withChromium('builds one bar per link whose data and width match the counts, and runs no script from the data', async () => {
    const dom = await dumpDom(chromium!, htmlPath);
    expect(dom).toContain('Who came through which invite link');
    const bars = elements(dom, 'rect', 'data-count');
    expect(bars.map((b) => [b['data-link'], Number(b['data-count'])])).toEqual(EXPECTED_BARS);
    const perJoin = Number(bars[0]!.width) / 5;
    expect(perJoin).toBeGreaterThan(20);
    for (const bar of bars) expect(Number(bar.width)).toBeCloseTo(Number(bar['data-count']) * perJoin, 1);
    // The <script> id is text in the browser's DOM too: no script element was ever created.
    expect(dom).not.toMatch(/<script/i);
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const points = elements(dom, 'circle', 'data-day');
    expect(points.map((p) => [p['data-day'], Number(p['data-count'])])).toEqual(EXPECTED_DAYS);
  });

  withChromium('lays the bars out at widths proportional to the counts, and the points at heights proportional to the joins', async () => {
    // A copy with a measuring script; the page's CSP forbids scripts, so the copy leaves it out.
    const original = await readFile(htmlPath, 'utf8');
    expect(original).toMatch(/<meta http-equiv="Content-Security-Policy"[^>]*>/);
    const measured = path.join(dir, 'measured.html');
    await writeFile(measured, original.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${MEASURE}</body>`));
    const dom = await dumpDom(chromium!, measured);
    const json = /<pre id="measure">([^<]*)<\/pre>/.exec(dom)?.[1];
    expect(json).toBeTruthy();
    const m = JSON.parse(decode(json!)) as {
      bars: { link: string; count: number; width: number; height: number; left: number }[];
      points: { day: string; count: number; y: number }[];
      chartWidth: number;
      panelWidth: number;
    };
    expect(m.bars.map((b) => [b.link, b.count])).toEqual(EXPECTED_BARS);
    const pxPerJoin = m.bars[0]!.width / 5;
    expect(pxPerJoin).toBeGreaterThan(20);
    for (const bar of m.bars) {
      expect(Math.abs(bar.width - bar.count * pxPerJoin)).toBeLessThan(1);
      expect(bar.height).toBeGreaterThan(10);
      expect(bar.left).toBeCloseTo(m.bars[0]!.left, 3);
    }
    // The chart fills its panel rather than sitting at its intrinsic size.
    expect(m.chartWidth).toBeGreaterThan(600);
    expect(Math.abs(m.chartWidth - m.panelWidth)).toBeLessThan(1);
    expect(m.points.map((p) => [p.day, p.count])).toEqual(EXPECTED_DAYS);
    const baseline = m.points.find((p) => p.count === 0)!.y;
    const pxPerDayJoin = (baseline - m.points.find((p) => p.count === 3)!.y) / 3;
    expect(pxPerDayJoin).toBeGreaterThan(10);
    for (const point of m.points) expect(Math.abs(baseline - point.y - point.count * pxPerDayJoin)).toBeLessThan(1);
  });

  withChromium('paints the bars: the screenshot has a block of the bar colour for the longest bar', async () => {
    const png = path.join(dir, 'report.png');
    await screenshot(chromium!, htmlPath, png, '1200,900');
    const image = PNG.sync.read(await readFile(png));
    expect([image.width, image.height]).toEqual([1200, 900]);
    // The bar colour of the light theme (--accent: #2f6fde); the longest bar is 5 joins at about 60% of the chart's width.
    let longestRun = 0;
    for (let y = 0; y < image.height; y++) {
      let run = 0;
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 4;
        const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
        run = Math.abs(r - 0x2f) < 8 && Math.abs(g - 0x6f) < 8 && Math.abs(b - 0xde) < 8 ? run + 1 : 0;
        longestRun = Math.max(longestRun, run);
      }
    }
    expect(longestRun).toBeGreaterThan(300);
  });
});

/** Reads the members chart and the table's membership cells back from the laid-out page. */
const MEASURE_MEMBERS = `<pre id="measure"></pre><script>
const box = (el) => el.getBoundingClientRect();
const cell = (tr, i) => tr.children[i].textContent;
const head = [...document.querySelectorAll('thead th')].map((th) => th.textContent);
document.getElementById('measure').textContent = JSON.stringify({
  points: [...document.querySelectorAll('svg.members-chart circle.members-point')].map((el) => ({ day: el.dataset.date, members: Number(el.dataset.members), y: box(el).top + box(el).height / 2, r: Number(el.getAttribute('r')) })),
  rows: [...document.querySelectorAll('tbody tr')].map((tr) => ({ id: tr.dataset.link, over: tr.classList.contains('over-limit'), members: cell(tr, head.indexOf('members now')), kept7: cell(tr, head.indexOf('still in 7d')), kept30: cell(tr, head.indexOf('still in 30d')), visible: box(tr.children[head.indexOf('members now')]).width > 0 })),
  cards: [...document.querySelectorAll('.card')].map((c) => c.textContent),
});
</script>`;

describe('the membership story in headless Chromium', () => {
  let story: TempFolder;
  let storyDir: string;
  beforeAll(async () => {
    storyDir = (story = new TempFolder('tg-render-story-')).dir;
    writeDataFiles(storyDir, { invites: storyInviteText(), responses: storyResponseText(NOW) });
    const config = parseConfig({ TZ: ZONE, CHAT_ID: GROUP }, {}, { token: false, chat: false }, storyDir);
    const result = await runReport(config, { now: NOW, chat: GROUP }, silentLogger, () => {});
    expect(result.exitCode).toBe(0);
    const original = await readFile(result.htmlPath, 'utf8');
    await writeFile(path.join(storyDir, 'measured.html'), original.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${MEASURE_MEMBERS}</body>`));
  });
  afterAll(() => {
    story.remove();
  });

  withChromium('shows members now and retention per link beside the joins, and members over time at heights proportional to the count', async () => {
    const dom = await dumpDom(chromium!, path.join(storyDir, 'measured.html'));
    const json = /<pre id="measure">([^<]*)<\/pre>/.exec(dom)?.[1];
    expect(json).toBeTruthy();
    const m = JSON.parse(decode(json!)) as {
      points: { day: string; members: number; y: number; r: number }[];
      rows: { id: string; over: boolean; members: string; kept7: string; kept30: string; visible: boolean }[];
      cards: string[];
    };
    // Counted by hand from fixtures.ts STORY for the one group (see membership.test.ts).
    expect(m.rows.map((r) => [r.id, r.members, r.kept7, r.kept30, r.over])).toEqual([
      ['anna-2026', '1', '33%', '50%', false],
      ['boris', '2', '100%', '', false],
      ['clara', '0', '', '', false],
      ['solo', '2', '100%', '', true],
    ]);
    expect(m.rows.every((r) => r.visible)).toBe(true);
    expect(m.cards).toContain('7members now');
    // 46 days from the first join to today; 10 joins and 4 leaves leave 6.
    expect(m.points).toHaveLength(46);
    expect(m.points[0]).toEqual(expect.objectContaining({ day: '2025-11-23', members: 1 }));
    expect(m.points.at(-1)).toEqual(expect.objectContaining({ day: '2026-01-07', members: 6 }));
    const y3 = m.points.find((p) => p.members === 3)!.y;
    const perMember = (y3 - m.points.find((p) => p.members === 6)!.y) / 3;
    const zero = y3 + 3 * perMember;
    expect(perMember).toBeGreaterThan(10);
    for (const point of m.points) expect(Math.abs(zero - point.y - point.members * perMember)).toBeLessThan(1);
  });
});
