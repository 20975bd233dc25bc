import { describe, expect, it } from '@jest/globals';
import { aggregate } from '../../../src/get-exec/report/aggregate.js';
import { formatTable, layout } from '../../../src/get-exec/report/format-table.js';
import { displayWidth, pad, printable, truncate } from '../../../src/get-exec/report/text-width.js';
import { EVIL_ID, joinRows, NOW, registryRows, WIDE_ID, ZONE } from './fixtures.js';

/** The text between two display columns of a line (wide characters count two). */
function columns(line: string, from: number, to: number): string {
  let out = '';
  let at = 0;
  for (const ch of line) {
    const w = displayWidth(ch);
    if (at >= from && at + w <= to) out += ch;
    at += w;
  }
  return out;
}

describe('displayWidth and friends', () => {
  it('counts CJK and emoji as two columns, combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth(WIDE_ID)).toBe(12);
    expect(displayWidth('👍')).toBe(2);
    expect(displayWidth('👩‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('Ünïcødé')).toBe(7);
  });

  it('pads and truncates by display width', () => {
    expect(pad('日本', 6)).toBe('日本  ');
    expect(pad('7', 3, 'right')).toBe('  7');
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
    expect(displayWidth(truncate('日本語チーム', 5))).toBeLessThanOrEqual(5);
    expect(truncate('short', 10)).toBe('short');
  });

  it('turns tabs, newlines and terminal escape sequences into harmless characters', () => {
    expect(printable('a\tb\nc')).toBe('a b c');
    expect(printable('\u001b[2Jboom')).not.toContain('\u001b');
  });
});

describe('formatTable', () => {
  const lines = formatTable(aggregate(registryRows(), joinRows(), ZONE, NOW));
  const [header, rule] = lines;

  it('lines every column up, wide characters included', () => {
    // Each column starts where the rule's dashes start, on every table line.
    const starts = [0, ...[...rule!.matchAll(/ {2}-/g)].map((m) => m.index + 2)];
    expect(starts).toHaveLength(9); // id id_adress link approved declined pending missing first last
    const table = lines.slice(0, lines.findIndex((l) => l.startsWith('total')) + 1);
    for (const line of table.slice(2)) {
      if (line === rule) continue;
      for (const start of starts.slice(1)) {
        // Two spaces of gap before each column (lines are trimmed at the end: past it is blank).
        expect(columns(`${line}${' '.repeat(200)}`, start - 2, start)).toBe('  ');
      }
    }
    const titles = starts.map((s, i) => columns(header!, s, starts[i + 1] ?? 999).trim());
    expect(titles).toEqual(['id', 'id_adress', 'link', 'approved', 'declined', 'pending', 'missing', 'first join', 'last join']);
    const wide = table.find((l) => l.startsWith(WIDE_ID))!;
    expect(displayWidth(wide.slice(0, wide.indexOf('wide@'))) ).toBe(starts[1]);
  });

  it('right-aligns the counts under their titles and prints the join times in the zone', () => {
    const anna = lines.find((l) => l.startsWith('anna-2026'))!;
    const approvedEnd = displayWidth(header!.slice(0, header!.indexOf('approved') + 'approved'.length));
    expect(columns(anna, approvedEnd - 1, approvedEnd)).toBe('3');
    expect(anna).toContain('2026-01-03 09:00');
    expect(anna).toContain('2026-01-05 12:00');
    const total = lines.find((l) => l.startsWith('total'))!;
    expect(columns(total, approvedEnd - 1, approvedEnd)).toBe('6');
    expect(total).toMatch(/^total\s+6 rows/);
  });

  it('has an unattributed line, the totals, and names the rows with no joins', () => {
    expect(lines.find((l) => l.startsWith('(unattributed)'))).toMatch(/\b0\s+0\s+2\s+0\b/);
    expect(lines).toContain(`2 of 6 rows have no joins yet: clara, ${WIDE_ID}`);
    expect(lines).toContain("2 requests came through links that are not in the registry (another admin's link, or no link at all)");
    expect(lines.some((l) => l.startsWith(EVIL_ID))).toBe(true);
  });

  it('drops the missing column when nothing went missing, and says so when the registry is empty', () => {
    const none = formatTable(aggregate([], [], 'UTC'));
    expect(none[0]).not.toContain('missing');
    expect(none).toContain('the registry has no rows yet');
    expect(none.some((l) => l.startsWith('(unattributed)'))).toBe(false);
  });

  it('cuts long cells with … and keeps the total of names in the no-joins line short', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ id: `row-${i + 1}`, id_adress: `${'x'.repeat(60)}@example.org`, id_link: '', link: '' }));
    const out = formatTable(aggregate(many, [], 'UTC'));
    expect(out[2]).toContain('…');
    expect(Math.max(...out.slice(0, 27).map(displayWidth))).toBeLessThan(140);
    expect(out).toContain(`25 of 25 rows have no joins yet: ${many.slice(0, 20).map((r) => r.id).join(', ')} and 5 more`);
  });
});

describe('layout', () => {
  it('trims trailing spaces and turns null rows into rules', () => {
    const out = layout(
      [
        { title: 'a', align: 'left', max: 10 },
        { title: 'b', align: 'left', max: 10 },
      ],
      [['x', ''], null, ['long', 'y']],
    );
    expect(out).toEqual(['a     b', '----  -', 'x', '----  -', 'long  y']);
  });
});
