import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ReportAccumulator, type JoinRow, type RegistryRow, type ReportScope } from '../../../src/get-exec/report/aggregate.js';
import { dailyCsvPieces, formatDailyCsv } from '../../../src/get-exec/report/format-csv.js';
import { joinRowOf, readJoinLog } from '../../../src/get-exec/report/join-rows.js';
import { scanFile } from '../../../src/shared/files/data-file.js';
import { responseSpec } from '../../../src/shared/join-log/schema.js';
import { TempFolder } from '../../support/tmp.js';
import { GROUP, NOW, RESPONSE_HEADER, storyInviteText, storyRegistry, storyResponseText, ZONE } from './fixtures.js';

let folder: TempFolder;
let dir: string;
beforeEach(() => {
  dir = (folder = new TempFolder('tg-plain-line-')).dir;
});
afterEach(() => {
  folder.remove();
});

const tsv = (cells: readonly string[]): string => cells.join('\t');
const good = ['anna', '123', 'A', 'B', '2026-01-03 09:00:00', 'approve', 'a', 'https://t.me/+A', '-100', '1767427200'];
const withCell = (changes: Record<number, string>): string => tsv(good.map((cell, i) => changes[i] ?? cell));

/** Every kind of line the quick reader must either read exactly as the scanner and schema do, or hand to them. */
function mixedLog(): Buffer {
  const lines: (string | Buffer)[] = [
    `\uFEFF${tsv(RESPONSE_HEADER)}\n`,
    ...['approve', 'decline', 'pending', 'missing', 'joined', 'left', 'removed'].map((s, i) => `${withCell({ 0: `n${i % 3}`, 1: String(100 + i), 5: s, 7: `https://t.me/+L${i % 3}` })}\n`),
    // Each checked cell, each way it can pass or fail (as join-rows.test.ts), and the forms of a date.
    ...[{ 1: '' }, { 1: '12a' }, { 1: '1'.repeat(21) }, { 1: '1'.repeat(20) }, { 1: ' 123' }, { 1: '0' }, { 1: '007' }].map((c) => `${withCell(c)}\n`),
    ...['', '   ', '31.02.2026', '2026.01.03 09:00', '2026-01-03T09:00:00+02:00', '2026-13-01', ' 2026-01-03 09:00 ', '2026-01-03 09:00', '2026-01-03T09:00:00', '2026-02-29 10:00:00', '2024-02-29 10:00:00', '2026-01-03 24:00:00', '2026-01-03 09:60', '0025-01-01 10:00:00', '2026-1-03 09:00:00', '2026-03-29 02:30:00', '2026-10-25 02:30:00', '2026-10-25 03:30:00'].map((d) => `${withCell({ 4: d })}\n`),
    ...['approved', '', 'Approve', ' approve', 'left '].map((s) => `${withCell({ 5: s })}\n`),
    ...['', 'x', '1'.repeat(13), '1'.repeat(12), '0', '0001767427', '01'].map((r) => `${withCell({ 9: r })}\n`),
    `${withCell({ 0: '', 7: '' })}\n`,
    // Decided months after the request: the ledger dates a join by its request, the joins chart by the decision.
    `${withCell({ 1: '321', 4: '2025-11-01 10:00:00', 9: String(NOW.getTime() / 1000 - 3 * 86_400) })}\n`,
    `${withCell({ 7: ' https://t.me/+A ' })}\n`,
    `${withCell({ 7: 'https://t.me/+Abc…' })}\n`,
    `${withCell({ 0: '日本語', 7: `https://t.me/+${'x'.repeat(80)}`, 8: '' })}\n`,
    // A chat cell whose bytes, read one by one, are the characters of the one before.
    `${withCell({ 8: 'Ã©' })}\n`,
    `${withCell({ 8: 'é' })}\n`,
    `${withCell({ 8: 'é' })}\n`,
    `${withCell({ 2: 'Ann"a' })}\n`,
    `${withCell({ 2: '"Ann\nA"' })}\n`,
    `${withCell({ 1: '555' })}\r\n`,
    `${withCell({ 1: '556' })}\r${withCell({ 1: '557' })}\n`,
    Buffer.concat([Buffer.from(withCell({ 2: 'bad' })), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
    `${tsv([...good, '', 'extra'])}\n`,
    `${tsv(good.slice(0, 6))}\n`,
    '\n',
    '\t\t\n',
    '   \t \n',
    `${withCell({ 1: '999' })}\n`,
    `${withCell({ 1: '1000' })}\n`,
    // Last: the scanner reads every line after an unclosed quote (it breaks the record at the end).
    `${withCell({ 2: '"never closed' })}\n`,
    withCell({ 1: '1001' }),
  ];
  return Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(l, 'utf8') : l)));
}

type Read = { rows: JoinRow[]; problems: string[]; warnings: string[] };

async function full(file: string): Promise<Read> {
  const read: Read = { rows: [], problems: [], warnings: [] };
  read.problems = (
    await scanFile(file, 'log.txt', responseSpec(ZONE), (entry) => {
      const { id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id } = entry.value;
      read.rows.push({ id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id });
      return undefined;
    }, (w) => void read.warnings.push(w.message))
  ).map((p) => p.message);
  return read;
}

async function quick(file: string, chunkBytes?: number): Promise<Read & { plain: number }> {
  const read = { rows: [] as JoinRow[], problems: [] as string[], warnings: [] as string[], plain: 0 };
  const sink = {
    facts: (f: Parameters<typeof joinRowOf>[0]) => {
      read.plain++;
      read.rows.push(joinRowOf(f));
    },
    row: (join: JoinRow) => void read.rows.push(join),
  };
  read.problems = (await readJoinLog(file, 'log.txt', ZONE, sink, (w) => void read.warnings.push(w.message), chunkBytes)).map((p) => p.message);
  return read;
}

describe('readJoinLog', () => {
  it('reads every kind of line as the scanner and the schema do, however the file is cut into pieces', async () => {
    const file = path.join(dir, 'log.txt');
    const bytes = mixedLog();
    await writeFile(file, bytes);
    const expected = await full(file);
    // The file does test something: rows taken, rows refused with their place, warnings.
    expect(expected.rows.length).toBeGreaterThan(30);
    expect(expected.problems.length).toBeGreaterThan(15);
    expect(expected.warnings.length).toBeGreaterThan(0);
    const sizes = [...Array.from({ length: 48 }, (_, i) => i + 1), 61, 64, 97, 128, 255, 256, 1000, 4096, 1 << 16];
    for (const size of sizes) {
      const got = await quick(file, size);
      const { plain, ...read } = got;
      expect({ size, ...read }).toEqual({ size, ...expected });
      // The quick path did read lines (the test would not notice it missing otherwise), and not all of them.
      expect(plain).toBeGreaterThan(20);
      expect(plain).toBeLessThan(expected.rows.length);
    }
    // And the file without a line ending at its end, or with a CR alone there.
    for (const tail of ['\n', '\r']) {
      await writeFile(file, Buffer.concat([bytes, Buffer.from(`${withCell({ 1: '4242' })}${tail}`)]));
      const wanted = await full(file);
      for (const size of [1, 7, 64, 1 << 16]) expect(await quick(file, size)).toMatchObject(wanted);
    }
  });

  it('reads more distinct links than its string cache keeps (it starts over) exactly too', async () => {
    const file = path.join(dir, 'log.txt');
    const rows = Array.from({ length: 34_000 }, (_, i) => withCell({ 0: `id${i}`, 1: String(i + 1), 7: `https://t.me/+k${i}` }));
    await writeFile(file, `${tsv(RESPONSE_HEADER)}\n${rows.join('\n')}\n${rows.slice(0, 100).join('\n')}\n`);
    const got = await quick(file);
    expect(got.plain).toBe(34_100);
    const { plain: _, ...read } = got;
    expect(read).toEqual(await full(file));
  });
});

describe('ReportAccumulator.addFacts', () => {
  async function both(registry: RegistryRow[], text: string | Buffer, scope: ReportScope): Promise<void> {
    const file = path.join(dir, 'responde_data.txt');
    await writeFile(file, text);
    const quickAcc = new ReportAccumulator(registry, ZONE, scope);
    let plain = 0;
    await readJoinLog(file, 'responde_data.txt', ZONE, { facts: (f) => (plain++, quickAcc.addFacts(f)), row: (join) => quickAcc.add(join), ownerOf: (link, idLink) => quickAcc.ownerOf(link, idLink) });
    const fullAcc = new ReportAccumulator(registry, ZONE, scope);
    await scanFile(file, 'responde_data.txt', responseSpec(ZONE), (entry) => void fullAcc.add(entry.value));
    const [a, b] = [quickAcc.finish(NOW), fullAcc.finish(NOW)];
    expect(plain).toBeGreaterThan(0);
    expect({ ...a, daily: [...a.daily] }).toEqual({ ...b, daily: [...b.daily] });
  }

  it('counts a quick-read row exactly as add counts the same row read by the schema', async () => {
    const story = storyRegistry();
    const scopes: ReportScope[] = [{ daily: true }, { daily: true, defaultChat: GROUP }, { chat: GROUP, defaultChat: GROUP }, { since: new Date(NOW.getTime() - 20 * 86_400_000), until: new Date(NOW.getTime() - 4 * 86_400_000), daily: true }];
    for (const scope of scopes) await both(story, storyResponseText(NOW), scope);
    expect(storyInviteText()).toContain('solo');
    // The mixed log: unknown links, names only, masked links, undated rows, other statuses.
    const registry: RegistryRow[] = [0, 1, 2].map((i) => ({ id: `n${i}`, id_adress: '', id_link: `n${i}`, link: `https://t.me/+L${i}`, line: i + 2 }));
    registry.push({ id: 'anna', id_adress: '', id_link: 'anna', link: 'https://t.me/+Abcdef', line: 5, max_members: 1 });
    for (const scope of [{ daily: true }, { since: new Date('2026-01-01T00:00:00Z'), daily: true }]) await both(registry, mixedLog(), scope);
  });

  it('counts by the right registry line after its string cache started over', async () => {
    const registry: RegistryRow[] = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, id_adress: '', id_link: `id${i}`, link: `https://t.me/+k${i}`, line: i + 2 }));
    // 30,000 distinct names and links (60,000 strings: the cache of 32,768 starts over, and fills again), rows by name only, then the first links again.
    const row = (i: number, link: string, idLink: string, status = 'approve') => withCell({ 0: idLink, 1: String(i + 1), 5: status, 7: link });
    const rows = [
      ...Array.from({ length: 200 }, (_, i) => row(i, '', `id${i % 60}`, i % 2 ? 'joined' : 'left')),
      ...Array.from({ length: 30_000 }, (_, i) => row(i, `https://t.me/+k${i}`, `id${i}`)),
      ...Array.from({ length: 200 }, (_, i) => row(i, i % 3 ? `https://t.me/+k${i % 60}` : '', `id${(i * 7) % 60}`)),
    ];
    await both(registry, `${tsv(RESPONSE_HEADER)}\n${rows.join('\n')}\n`, { daily: true });
  });
});

describe('dailyCsvPieces', () => {
  it('gives, piece by piece, the daily CSV formatDailyCsv gives whole', () => {
    const daily = Array.from({ length: 500 }, (_, i) => ({ day: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`, id: i % 7 === 0 ? 'a, "b"' : `id${i}`, joins: i, leaves: i % 3 }));
    const pieces = [...dailyCsvPieces(daily, 1000)];
    expect(pieces.length).toBeGreaterThan(5);
    expect(Buffer.concat(pieces).equals(formatDailyCsv(daily))).toBe(true);
    expect(Buffer.concat(pieces).toString('utf8').split('\r\n')).toHaveLength(502);
  });
});
