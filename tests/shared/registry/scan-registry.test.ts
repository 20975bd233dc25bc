import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { scanFile } from '../../../src/shared/files/data-file.js';
import { indexRegistry, inviteSpec, scanRegistry, type Invite } from '../../../src/shared/registry/registry.js';
import { TempFolder } from '../../support/tmp.js';

const ZONE = 'Europe/Berlin';
const NAME = 'invite_data.txt';
const HEADER = ['id', 'id_adress', 'link_path', 'chat_id', 'id_link', 'link', 'dt_create', 'dt_expire', 'max_members', 'link_status'];
const good = ['anna', 'anna@example.org', '~/links', '-100', 'anna-2026', 'https://t.me/+AbC', '2026-01-03 09:00:00', '2026-02-03 09:00', '2', 'revoked'];

/** Each variant changes a cell or two of a good row: every cell the schema checks, each way it can fail or pass. */
const VARIANTS: Record<number, string>[] = [
  {},
  { 0: '' }, { 0: '   ' }, { 0: ' a ' }, { 0: 'x'.repeat(32) }, { 0: 'x'.repeat(33) }, { 0: '😀'.repeat(32) }, { 0: '😀'.repeat(33) },
  { 5: '' }, { 5: ' ' }, { 5: 't.me/+AbC' }, { 5: ' https://t.me/+AbC ' }, { 5: 'tg://join?invite=x' }, { 5: 'https://t.me/+A b' }, { 5: 'http://x' },
  { 6: '' }, { 6: '  ' }, { 6: '31.02.2026' }, { 6: '2026.01.03 09:00' }, { 6: '2026-01-03T09:00:00+02:00' }, { 6: '2026-13-01' }, { 6: ' 2026-01-03 09:00 ' }, { 6: '2026-02-30' },
  { 7: '' }, { 7: 'tomorrow' }, { 7: '2026-03-29 02:30' }, { 7: '2026-10-25 02:30' }, { 7: '2026-03-29T02:30:00Z' },
  { 8: '' }, { 8: ' ' }, { 8: '0' }, { 8: '1' }, { 8: ' 7 ' }, { 8: '007' }, { 8: '1'.repeat(9) }, { 8: '1'.repeat(10) }, { 8: '-1' }, { 8: '1.5' }, { 8: 'ten' },
  { 9: '' }, { 9: ' ' }, { 9: 'REVOKED' }, { 9: ' Revoked ' }, { 9: 'revoke' }, { 9: 'active' },
  { 0: '', 5: 'x', 6: 'y', 8: 'z', 9: 'w' },
];

const lineOf = (cells: readonly string[]) => cells.join('\t');

type Read = { values: Array<{ line: number; value: Invite }>; problems: string[]; warnings: string[] };

let folder: TempFolder;
beforeEach(() => {
  folder = new TempFolder('tg-scan-registry-');
});
afterEach(() => {
  folder.remove();
});

/** The file read both ways: scanRegistry (the quick check in front of the schema) and scanFile with the schema alone. */
async function both(text: string): Promise<[Read, Read]> {
  const file = folder.path(NAME);
  await writeFile(file, text);
  const read = async (scan: typeof scanRegistry): Promise<Read> => {
    const out: Read = { values: [], problems: [], warnings: [] };
    const problems = await scan(file, NAME, ZONE, (entry) => void out.values.push({ line: entry.row.line, value: entry.value }), (w) => void out.warnings.push(w.message));
    out.problems = problems.map((p) => p.message);
    return out;
  };
  return [await read(scanRegistry), await read((f, n, zone, onEntry, onWarning) => scanFile(f, n, inviteSpec(zone), onEntry, onWarning))];
}

describe('scanRegistry', () => {
  it('accepts, rejects, reads and warns about every variant of a row exactly as the registry schema does', async () => {
    const rows = VARIANTS.map((change) => lineOf(good.map((cell, i) => change[i] ?? cell)));
    const [quick, full] = await both(`${lineOf(HEADER)}\n${rows.join('\n')}\n\n\t\t\n${lineOf([...good, 'extra'])}\n${good.slice(0, 4).join('\t')}\n`);
    // Strict: the same keys (max_members only when the header has it), the same dates, the same order of messages.
    expect(quick).toStrictEqual(full);
    // The variants do test something: rows are left out with their place, others read, some warned about.
    expect(full.problems.length).toBeGreaterThan(15);
    expect(full.problems).toContainEqual(expect.stringMatching(/^invite_data\.txt:\d+:\d+ \(max_members\): "0" is not a number of people/));
    expect(full.values.length).toBeGreaterThan(20);
    expect(full.warnings).toHaveLength(2);
  });

  it('reads a header in another order, with CRLF line ends, and a legacy header without the optional columns', async () => {
    const order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const rows = VARIANTS.map((change) => lineOf(order.map((i) => change[i] ?? good[i]!)));
    const [quick, full] = await both(`${lineOf(order.map((i) => HEADER[i]!))}\r\n${rows.join('\r\n')}\r\n`);
    expect(quick).toStrictEqual(full);
    expect(quick.values.length).toBeGreaterThan(20);
    const legacy = HEADER.slice(0, 8);
    const legacyRows = VARIANTS.filter((change) => !(8 in change) && !(9 in change)).map((change) => lineOf(good.slice(0, 8).map((cell, i) => change[i] ?? cell)));
    const [q2, f2] = await both(`${lineOf(legacy)}\n${legacyRows.join('\n')}\n${lineOf(['short', '', '', '-100'])}\n`);
    expect(q2).toStrictEqual(f2);
    expect(q2.values.length).toBeGreaterThan(15);
    expect(q2.values.every(({ value }) => !('max_members' in value) && value.link_status === '')).toBe(true);
  });

  it('takes the first of two columns with the same name, as the schema does', async () => {
    const header = [...HEADER, 'link', 'id'];
    const [quick, full] = await both(`${lineOf(header)}\n${lineOf([...good, 'not a link', ''])}\n${lineOf([...good.map((c, i) => (i === 5 ? 'nope' : c)), 'https://t.me/+Z', 'z'])}\n`);
    expect(quick).toStrictEqual(full);
    expect([quick.values.length, quick.problems.length]).toEqual([1, 1]);
  });

  it('reports a header without a required column once, and hands on no row', async () => {
    const [quick, full] = await both(`id\tid_adress\n${lineOf(['a', 'b'])}\n`);
    expect(quick).toStrictEqual(full);
    expect(quick.values).toEqual([]);
    expect(quick.problems).toEqual([expect.stringMatching(/^invite_data\.txt:1:1: the header has no column "link"/)]);
  });

  it('reads a file with a quote (read whole, as a quoted cell may hold a line break) the same way too', async () => {
    const quoted = good.map((cell, i) => (i === 1 ? '"Ann\nA"' : cell));
    const [quick, full] = await both(`${lineOf(HEADER)}\n${lineOf(quoted)}\n${lineOf(good.map((c, i) => (i === 8 ? 'bad' : c)))}\n${lineOf(['"broken', ...good.slice(1)])}\n`);
    expect(quick).toStrictEqual(full);
    expect(quick.values).toHaveLength(1);
    expect(quick.problems.length).toBeGreaterThanOrEqual(1);
  });
});

describe('indexRegistry', () => {
  it('indexes the rows the schema accepts, leaves out revoked rows and a second row with a taken id', async () => {
    const rows = [good, good.map((c, i) => (i === 9 ? '' : c)), ['bob', '', '', '-100', '', 'https://t.me/+Bob', '', '', '', ''], ['bob', '', '', '-100', '', 'https://t.me/+Bob2', '', '', '', '']];
    await writeFile(folder.path(NAME), `${lineOf(HEADER)}\n${rows.map(lineOf).join('\n')}\n`);
    const { index, problems } = await indexRegistry(folder.path(NAME), NAME, ZONE);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^invite_data\.txt:3:1 \(id\): "anna" is already the id on line 2/),
      expect.stringMatching(/^invite_data\.txt:5:1 \(id\): "bob" is already the id on line 4/),
    ]);
    expect(index.size).toBe(1);
    expect(index.find('https://t.me/+Bob', undefined)?.id).toBe('bob');
    expect(index.find('https://t.me/+AbC', undefined)).toBeUndefined();
  });
});
