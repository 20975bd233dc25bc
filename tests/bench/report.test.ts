import { describe, expect, it } from '@jest/globals';
import { atLeast, atMost, fmt, formatMarkdown, formatTable, info } from '../../bench/report.js';
import { figures, reportFigures, summarizeHandler } from '../../bench/figures.js';
import { median, perSecond } from '../../bench/stats.js';
import { REPO_ROOT, unitNodeFlags } from '../../bench/child.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

describe('bench figures', () => {
  it('checks goals both ways and leaves figures without a goal unjudged', () => {
    expect(atLeast('rate', 2500, 2000, fmt.rate)).toEqual({ name: 'rate', value: '2,500/s', goal: '>= 2,000/s', met: true });
    expect(atLeast('rate', 1999, 2000, fmt.rate).met).toBe(false);
    expect(atMost('rss', 151 * 1024, 150 * 1024, fmt.mib)).toEqual({ name: 'rss', value: '151.0 MB', goal: '<= 150.0 MB', met: false });
    expect(atMost('rss', null, 150 * 1024, fmt.mib)).toEqual({ name: 'rss', value: 'n/a', goal: '<= 150.0 MB', met: null });
    expect(info('note', '3 ms').met).toBeNull();
  });

  it('prints a table that says MISSED for a missed goal', () => {
    const table = formatTable([atLeast('joins/s', 10, 2000, fmt.rate), info('node -e 0', fmt.ms(61.4))]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^figure\s+measured\s+goal$/);
    expect(lines[2]).toMatch(/^joins\/s\s+10\.0\/s\s+>= 2,000\/s\s+MISSED$/);
    expect(lines[3]).toMatch(/^node -e 0\s+61 ms$/);
    expect(formatMarkdown([atLeast('a', 1, 2, fmt.count)])).toContain('| a | 1 | >= 2 | **missed** |');
  });

  it('takes medians and rates', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(perSecond(10_000, 4000)).toBe(2500);
  });
});

describe('bench table of figures', () => {
  const run = (existingRows: number, joinsPerSecond: number, peakRssKiB: number) => ({
    existingRows,
    registryLinks: 10,
    joins: 100,
    startupMs: 5,
    durableMs: 1,
    visibleMs: 1,
    joinsPerSecond,
    startupPeakRssKiB: 1000,
    peakRssKiB,
    approveCalls: 100,
    rowsWritten: 100,
    exitCode: 0,
    problems: [],
    recent: false,
    asService: true,
    nodeFlags: ['--max-old-space-size=256'],
  });

  it('reports the median rate and the highest peak of each log size, and their ratio', () => {
    const results = { handler: [run(1, 3000, 100), run(9, 2000, 400), run(1, 1000, 120), run(9, 2200, 300), run(1, 4000, 110)], baseline: [], idle: null, links: null, qr: null, errors: [] };
    expect(summarizeHandler(results.handler.filter((h) => h.existingRows === 1))).toMatchObject({ runs: 3, joinsPerSecond: 3000, slowest: 1000, fastest: 4000, peakRssKiB: 120 });
    const rows = figures(results, { smallLog: 1, bigLog: 9 });
    const ratio = rows.find((f) => f.name.startsWith('tg-handler rate ratio'));
    expect(ratio).toMatchObject({ value: '0.70x', met: false });
    expect(rows.filter((f) => f.name.startsWith('tg-handler joins/s')).map((f) => f.value)).toEqual(['3,000/s (1,000-4,000)', '2,100/s (2,000-2,200)']);
  });

  it('keeps the one-off runs (recent rows, by hand) out of the medians and the goals, each on a line of its own', () => {
    const recent = { ...run(9, 100, 900 * 1024), recent: true };
    const byHand = { ...run(9, 50, 800 * 1024), asService: false, nodeFlags: [] };
    const results = { handler: [run(1, 3000, 100), run(9, 2000, 400), recent, byHand], baseline: [], idle: null, links: null, qr: null, errors: [] };
    const rows = figures(results, { smallLog: 1, bigLog: 9 });
    expect(rows.find((f) => f.name.startsWith('tg-handler rate ratio'))).toMatchObject({ value: '0.67x' });
    expect(rows.filter((f) => f.name.startsWith('tg-handler peak RSS, 9 rows in log (highest'))).toEqual([expect.objectContaining({ value: '0.4 MB', met: true })]);
    expect(rows.find((f) => f.name.includes('all from the last six days'))).toMatchObject({ value: '900.0 MB (1.0 MB by "started"; 100/s)', met: null });
    expect(rows.find((f) => f.name.includes('by hand, no heap setting'))).toMatchObject({ value: '800.0 MB (1.0 MB by "started"; 50.0/s)', met: null });
  });
});

describe('the service as its unit runs it', () => {
  it('takes the node flags between node and the bin on the ExecStart line', () => {
    const unit = '[Service]\nExecStart=/usr/bin/node --max-old-space-size=256 /opt/t/bin/tg-handler --token-file ${CREDENTIALS_DIRECTORY}/bot-token\n';
    expect(unitNodeFlags(unit, 'tg-handler')).toEqual(['--max-old-space-size=256']);
    expect(unitNodeFlags('ExecStart=/usr/bin/node /opt/t/bin/tg-get\n', 'tg-get')).toEqual([]);
    expect(unitNodeFlags('ExecStart=/opt/t/bin/tg-handler\n', 'tg-handler')).toEqual([]);
    expect(unitNodeFlags('# no ExecStart\n', 'tg-handler')).toEqual([]);
  });

  it('reads the flags of the unit this repository ships', async () => {
    const unit = await readFile(path.join(REPO_ROOT, 'deploy', 'tg-handler.service'), 'utf8');
    expect(unitNodeFlags(unit, 'tg-handler')).toEqual([expect.stringMatching(/^--max-old-space-size=\d+$/), '--max-semi-space-size=8', '--no-allocation-site-pretenuring']);
  });
});

describe('the report figures', () => {
  const measured = (wallMs: number, peakRssKiB: number | null) => ({ wallMs, runsMs: [wallMs], peakRssKiB });
  const run = {
    logRows: 1_000_000,
    registryLinks: 10_000,
    runs: 3,
    beforeRuns: 1,
    logBytes: 145_000_000,
    report: measured(4000, 150 * 1024),
    before: measured(94_000, 2650 * 1024),
    nodeE0: measured(40, 40 * 1024),
    lineCount: measured(400, 60 * 1024),
    rssMethod: 'GNU time',
    summaryLine: 'report: 1000000 joins through 10000 of 10000 links',
    problems: [],
  };

  it('judges the wall time and peak RSS against the goals, and gives the ratios to the yardsticks and to before', () => {
    const rows = reportFigures(run);
    expect(rows[0]).toMatchObject({ value: '4.00 s', goal: '<= 5.00 s', met: true });
    expect(rows[1]).toMatchObject({ value: '150.0 MB', goal: '<= 200.0 MB', met: true });
    expect(rows.find((f) => f.name === 'tg-get report / node -e 0, wall')?.value).toBe('100.00x');
    expect(rows.find((f) => f.name.startsWith('tg-get report / line count of the same log'))?.value).toBe('10.00x');
    expect(rows.find((f) => f.name === 'tg-get report before / after, wall')?.value).toBe('23.50x');
    expect(rows.find((f) => f.name === 'tg-get report before / after, peak RSS')?.value).toBe('17.67x');
  });

  it('says MISSED for a slow or big report, and leaves out the before lines when there was no before', () => {
    const rows = reportFigures({ ...run, report: measured(6000, 250 * 1024), before: null });
    expect(rows.slice(0, 2).map((f) => f.met)).toEqual([false, false]);
    expect(rows.some((f) => f.name.includes('BEFORE'))).toBe(false);
    const all = figures({ handler: [], baseline: [], idle: null, links: null, qr: null, report: run, errors: [] }, { smallLog: 1, bigLog: 9 });
    expect(all.filter((f) => f.name.startsWith('tg-get report')).length).toBeGreaterThan(3);
  });
});
