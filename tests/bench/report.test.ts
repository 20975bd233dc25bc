import { describe, expect, it } from '@jest/globals';
import { atLeast, atMost, fmt, formatMarkdown, formatTable, info } from '../../bench/report.js';
import { figures, summarizeHandler } from '../../bench/figures.js';
import { median, perSecond } from '../../bench/stats.js';

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
  });

  it('reports the median rate and the highest peak of each log size, and their ratio', () => {
    const results = { handler: [run(1, 3000, 100), run(9, 2000, 400), run(1, 1000, 120), run(9, 2200, 300), run(1, 4000, 110)], baseline: [], idle: null, links: null, qr: null, errors: [] };
    expect(summarizeHandler(results.handler.filter((h) => h.existingRows === 1))).toMatchObject({ runs: 3, joinsPerSecond: 3000, slowest: 1000, fastest: 4000, peakRssKiB: 120 });
    const rows = figures(results, { smallLog: 1, bigLog: 9 });
    const ratio = rows.find((f) => f.name.startsWith('tg-handler rate ratio'));
    expect(ratio).toMatchObject({ value: '0.70x', met: false });
    expect(rows.filter((f) => f.name.startsWith('tg-handler joins/s')).map((f) => f.value)).toEqual(['3,000/s (1,000-4,000)', '2,100/s (2,000-2,200)']);
  });
});
