import { describe, expect, it } from '@jest/globals';
import Papa from 'papaparse';
import { aggregate } from '../../../src/get-exec/report/aggregate.js';
import { CSV_COLUMNS, formatCsv, UNATTRIBUTED_ID } from '../../../src/get-exec/report/format-csv.js';
import { EVIL_ID, joinRows, NOW, REGISTRY, registryRows, WIDE_ID, ZONE } from './fixtures.js';

const parse = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });

describe('formatCsv', () => {
  const text = formatCsv(aggregate(registryRows(), joinRows(), ZONE, NOW));

  it('round-trips through papaparse: every id and e-mail comes back exactly, with its commas, quotes and tabs', () => {
    const parsed = parse(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
    const registryPart = parsed.data.filter((r) => r.registry_line !== '');
    expect(registryPart.map((r) => [r.id, r.id_adress, r.link])).toEqual(REGISTRY.map(([id, addr, , link]) => [id, addr, link]));
    expect(registryPart.map((r) => r.registry_line)).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(registryPart.some((r) => r.id_adress!.includes('\t'))).toBe(true);
    expect(registryPart.some((r) => r.id === EVIL_ID)).toBe(true);
    expect(registryPart.some((r) => r.id === WIDE_ID)).toBe(true);
  });

  it('writes the counts and the join times as YYYY-MM-DD HH:mm:ss in the zone', () => {
    const anna = parse(text).data.find((r) => r.id === 'anna-2026')!;
    expect(anna).toEqual(expect.objectContaining({ approved: '3', declined: '1', pending: '0', missing: '0', first_join: '2026-01-03 09:00:00', last_join: '2026-01-05 12:00:00' }));
    const clara = parse(text).data.find((r) => r.id === 'clara')!;
    expect([clara.approved, clara.first_join, clara.last_join]).toEqual(['0', '', '']);
  });

  it('adds one unattributed line with a blank registry_line, and no totals line', () => {
    const rows = parse(text).data;
    expect(rows).toHaveLength(REGISTRY.length + 1);
    const stray = rows[rows.length - 1]!;
    expect(stray).toEqual(expect.objectContaining({ registry_line: '', id: UNATTRIBUTED_ID, pending: '2' }));
    expect(parse(formatCsv(aggregate(registryRows(), [], ZONE))).data).toHaveLength(REGISTRY.length);
  });

  it('is RFC 4180: CRLF records, a quoted cell for every comma or quote, a BOM for spreadsheets, a final line ending', () => {
    expect(text.startsWith('\uFEFFregistry_line,id,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(text).toContain('"Boris, ""the"" Builder <boris@example.org>"');
  });
});
