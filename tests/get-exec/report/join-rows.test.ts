import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scanJoinLog } from '../../../src/get-exec/report/join-rows.js';
import type { JoinRow } from '../../../src/get-exec/report/aggregate.js';
import { scanFile } from '../../../src/shared/files/data-file.js';
import { responseSpec } from '../../../src/shared/join-log/schema.js';
import { TempFolder } from '../../support/tmp.js';
import { RESPONSE_HEADER, ZONE } from './fixtures.js';

let folder: TempFolder;

let dir: string;
beforeEach(async () => {
  dir = (folder = new TempFolder('tg-join-rows-')).dir;
});
afterEach(async () => {
  folder.remove();
});

const good = ['anna', '123', 'A', 'B', '2026-01-03 09:00:00', 'approve', 'a', 'https://t.me/+A', '-100', '1767427200'];
/** Each variant changes one or two cells of a good row: every cell the schema checks, each way it can fail or pass. */
const VARIANTS: Record<number, string>[] = [
  {},
  { 1: '' }, { 1: '12a' }, { 1: '1'.repeat(21) }, { 1: '1'.repeat(20) }, { 1: ' 123' },
  { 4: '' }, { 4: '   ' }, { 4: '31.02.2026' }, { 4: '2026.01.03 09:00' }, { 4: '2026-01-03T09:00:00+02:00' }, { 4: '2026-13-01' }, { 4: ' 2026-01-03 09:00 ' },
  { 5: 'approved' }, { 5: '' }, { 5: 'Approve' }, { 5: 'decline' }, { 5: 'pending' }, { 5: 'missing' }, { 5: ' approve' },
  { 9: '' }, { 9: 'x' }, { 9: '1'.repeat(13) }, { 9: '1'.repeat(12) },
  { 0: '', 7: '' }, { 7: ' https://t.me/+A ' },
  { 1: 'x', 4: 'nope', 5: 'no', 9: 'y' },
];

const lineOf = (cells: string[]) => cells.join('\t');

type Read = { rows: JoinRow[]; problems: string[]; warnings: string[] };

async function both(text: string, name = 'responde_data.txt'): Promise<[Read, Read]> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  const quick: Read = { rows: [], problems: [], warnings: [] };
  quick.problems = (await scanJoinLog(file, name, ZONE, (row) => void quick.rows.push(row), (w) => void quick.warnings.push(w.message))).map((p) => p.message);
  const full: Read = { rows: [], problems: [], warnings: [] };
  full.problems = (
    await scanFile(file, name, responseSpec(ZONE), (entry) => {
      const { id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id } = entry.value;
      full.rows.push({ id_link, link, tg_responde_status, dt_tg_responde, tg_request_date, id_tg, chat_id });
      return undefined;
    }, (w) => void full.warnings.push(w.message))
  ).map((p) => p.message);
  return [quick, full];
}

describe('scanJoinLog', () => {
  it('accepts, rejects and reports every variant of a row exactly as the join log schema does', async () => {
    const rows = VARIANTS.map((change) => lineOf(good.map((cell, i) => change[i] ?? cell)));
    const [quick, full] = await both(`${lineOf(RESPONSE_HEADER)}\n${rows.join('\n')}\n\n\t\t\n${lineOf([...good, 'extra'])}\n${good.slice(0, 6).join('\t')}\n`);
    expect(quick).toEqual(full);
    // The variants do test something: some rows are left out, with their place.
    expect(full.problems.length).toBeGreaterThan(10);
    expect(full.problems).toContainEqual(expect.stringMatching(/^responde_data\.txt:15:\d+ \(tg_responde_status\): "approved" is not a status/));
    expect(full.rows.length).toBeGreaterThan(10);
  });

  it('reads a header in another order, with CRLF line ends, and a legacy header without our columns', async () => {
    const order = [5, 4, 3, 2, 1, 0, 9, 8, 7, 6];
    const header = order.map((i) => RESPONSE_HEADER[i]!);
    const rows = VARIANTS.map((change) => lineOf(order.map((i) => change[i] ?? good[i]!)));
    const [quick, full] = await both(`${lineOf(header)}\r\n${rows.join('\r\n')}\r\n`);
    expect(quick).toEqual(full);
    expect(quick.rows.length).toBeGreaterThan(10);
    const legacy = RESPONSE_HEADER.slice(0, 6);
    const [q2, f2] = await both(`${lineOf(legacy)}\n${lineOf(good.slice(0, 6))}\n${lineOf(['x', 'y', '', '', '', 'approve'])}\n`);
    expect(q2).toEqual(f2);
    expect(q2.rows).toHaveLength(1);
  });

  it('reports a header without a required column once, and hands on no row', async () => {
    const [quick, full] = await both(`id_link\tdt_tg_responde\n${lineOf(['a', '2026-01-01 10:00'])}\n`);
    expect(quick).toEqual(full);
    expect(quick.rows).toEqual([]);
    expect(quick.problems).toEqual([expect.stringMatching(/^responde_data\.txt:1:1: the header has no column "id_tg", "tg_responde_status"/)]);
  });

  it('reads a file with a quote (read whole, as a quoted cell may hold a line break) the same way too', async () => {
    const quoted = good.map((cell, i) => (i === 2 ? '"Ann\nA"' : cell));
    const [quick, full] = await both(`${lineOf(RESPONSE_HEADER)}\n${lineOf(quoted)}\n${lineOf(good.map((c, i) => (i === 1 ? 'bad' : c)))}\n`);
    expect(quick).toEqual(full);
    expect([quick.rows.length, quick.problems.length]).toEqual([1, 1]);
  });

  it('warns about a time a daylight-saving change skips or repeats, as the schema does, and still counts the row', async () => {
    // Europe/Berlin: 2026-03-29 02:30 does not exist; 2026-10-25 02:30 happens twice.
    const gap = good.map((c, i) => (i === 4 ? '2026-03-29 02:30:00' : c));
    const overlap = good.map((c, i) => (i === 4 ? '2026-10-25 02:30:00' : c));
    const [quick, full] = await both(`${lineOf(RESPONSE_HEADER)}\n${lineOf(good)}\n${lineOf(gap)}\n${lineOf(overlap)}\n`);
    expect(quick).toEqual(full);
    expect(quick.rows).toHaveLength(3);
    expect(quick.warnings).toEqual([expect.stringMatching(/^responde_data\.txt:3:\d+ \(dt_tg_responde\)/), expect.stringMatching(/^responde_data\.txt:4:\d+ \(dt_tg_responde\)/)]);
  });
});
