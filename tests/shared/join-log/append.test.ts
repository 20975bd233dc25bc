import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadFile } from '../../../src/shared/files/data-file.js';
import { responseSpec } from '../../../src/shared/join-log/schema.js';
import { prepareLog, RecentKeys, REDELIVERY_WINDOW_S, ResponseLog } from '../../../src/shared/join-log/append.js';
import type { ResponseCells as ResponseRow } from '../../../src/shared/join-log/schema.js';
import { readLegacy, TempFolder } from '../../support/tmp.js';

/** A few minutes after the requests of these tests (1772366400 is 2026-03-01 12:00 UTC). */
const MARCH_1 = () => new Date('2026-03-01T12:05:00Z');
const DAY_S = 24 * 3600;

const LEGACY_HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status';
const FULL_HEADER = `${LEGACY_HEADER}\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason`;

function row(over: Partial<ResponseRow> = {}): ResponseRow {
  return {
    id_link: 'anna-2026',
    id_tg: '42',
    tg_f_name: 'Anna',
    tg_l_name: '',
    dt_tg_responde: '2026-03-01 13:00:00',
    tg_responde_status: 'approve',
    tg_username: 'anna',
    link: 'https://t.me/+AAAA',
    chat_id: '-100123',
    tg_request_date: '1772366400',
    decided_by: '',
    reason: '',
    ...over,
  };
}

describe('prepareLog', () => {
  test('a missing file is created with the legacy header and our columns', () => {
    const prepared = prepareLog(null, 'data/responde_data.txt', 'UTC');
    expect(prepared.rewrite).toBe(`${FULL_HEADER}\n`);
    expect(prepared.needsEol).toBe(false);
    expect(prepared.keys.size).toBe(0);
  });

  test('the legacy file gets our columns; its lone-tab line stays, and is not a member', async () => {
    const legacy = (await readLegacy('responde_data.txt')).toString('utf8');
    const prepared = prepareLog(legacy, 'data/responde_data.txt', 'UTC');
    expect(prepared.rewrite).toBe(`${FULL_HEADER}\n\t\n`);
    expect(prepared.keys.size).toBe(0);
    expect(prepared.problems).toEqual([]);
  });

  test('a file that has our columns is not rewritten; its request keys are known', () => {
    const text = `${FULL_HEADER}\nanna-2026\t42\tAnna\t\t2026-03-01 13:00:00\tapprove\tanna\thttps://t.me/+AAAA\t-100123\t1772366400\nold\t7\tOld\t\t2025-01-01 10:00:00\tapprove`;
    const prepared = prepareLog(text, 'data/responde_data.txt', 'UTC', MARCH_1);
    expect(prepared.rewrite).toBeNull();
    expect([...prepared.keys]).toEqual(['-100123|42|1772366400']);
    expect(prepared.needsEol).toBe(true);
  });

  test('a header without the legacy columns is fatal: we would write under the wrong columns', () => {
    const prepared = prepareLog('name\tphone\nx\t1\n', 'data/responde_data.txt', 'UTC');
    expect(prepared.fatal?.message).toMatch(/^data\/responde_data.txt:1:1: the header has no column "id_link", "id_tg", "tg_responde_status"/);
    expect(prepared.rewrite).toBeNull();
  });

  test('rows with problems are reported, and still count as written requests', () => {
    const text = `${FULL_HEADER}\nx\t42\tAnna\t\tnot a date\tapprove\t\t\t-100123\t1772366400\n`;
    const prepared = prepareLog(text, 'data/responde_data.txt', 'UTC', MARCH_1);
    expect(prepared.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^data\/responde_data.txt:2:\d+ \(dt_tg_responde\): "not a date" is not a date/)]);
    expect(prepared.keys.has('-100123|42|1772366400')).toBe(true);
  });

  test('only requests from the last week are kept as keys: older ones cannot be delivered again', () => {
    const at = (daysAgo: number) => String(1772366400 - daysAgo * DAY_S);
    const line = (user: string, date: string) => `x\t${user}\tA\t\t2026-03-01 13:00:00\tapprove\t\t\t-100123\t${date}`;
    const text = [FULL_HEADER, line('1', at(30)), line('2', at(8)), line('3', at(6)), line('4', at(0)), line('5', '')].join('\n');
    const prepared = prepareLog(text, 'data/responde_data.txt', 'UTC', MARCH_1);
    expect([...prepared.keys]).toEqual([`-100123|3|${at(6)}`, `-100123|4|${at(0)}`]);
    expect(prepared.problems).toEqual([]);
  });
});

describe('RecentKeys', () => {
  test('forgets keys once they leave the week, sweeping at most once an hour', () => {
    const start = 1_800_000_000;
    let now = start;
    const keys = new RecentKeys(() => now);
    keys.add('old', now - REDELIVERY_WINDOW_S - 1);
    keys.add('a', now - 10);
    expect([...keys]).toEqual(['a']);
    // A sweep one minute before "a" leaves the window keeps it.
    now = start - 10 + REDELIVERY_WINDOW_S - 60;
    keys.add('b', now);
    expect([...keys]).toEqual(['a', 'b']);
    // "a" is out of the window now, but the last sweep was less than an hour ago: still held.
    now += 120;
    keys.add('c', now);
    expect(keys.has('a')).toBe(true);
    now += 3600;
    keys.add('d', now);
    expect([...keys]).toEqual(['b', 'c', 'd']);
  });

  test("counts the keys of pending rows (held, waiting for a check) while it keeps them", () => {
    const start = 1_800_000_000;
    let now = start;
    const keys = new RecentKeys(() => now);
    keys.add('-1|2|3', now);
    expect(keys.anyPending).toBe(false);
    keys.add('-1|2|3|held', now);
    keys.add('-1|2|3|held', now);
    keys.add('-1|5|6|check', now - 100);
    expect(keys.anyPending).toBe(true);
    // Both leave the window; the held one is counted once, so the count is back to none.
    now = start + REDELIVERY_WINDOW_S + 3600;
    keys.add('e', now);
    expect([...keys]).toEqual(['e']);
    expect(keys.anyPending).toBe(false);
  });

  test('keeps what a Map of key -> date kept, in the same order, through re-adds and hourly sweeps of thousands of keys', () => {
    let now = 1_800_000_000;
    const keys = new RecentKeys(() => now);
    const oracle = new Map<string, number>();
    let lastSweep = now;
    let seed = 11;
    const next = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
    for (let i = 0; i < 30_000; i++) {
      now += next(90);
      const key = `-100${next(3)}\t${2_000_000_000 + next(12_000)}\t${next(50)}${next(9) === 0 ? '|held' : ''}`;
      const date = now - next(REDELIVERY_WINDOW_S + 7200);
      keys.add(key, date);
      if (date >= now - REDELIVERY_WINDOW_S) oracle.set(key, date);
      if (now - lastSweep >= 3600) {
        lastSweep = now;
        for (const [k, d] of oracle) if (d < now - REDELIVERY_WINDOW_S) oracle.delete(k);
      }
      if (i % 5000 === 0) expect([...keys.entries()]).toEqual([...oracle]);
    }
    expect([...keys.entries()]).toEqual([...oracle]);
    expect(keys.size).toBe(oracle.size);
    expect(keys.anyPending).toBe([...oracle.keys()].some((k) => k.endsWith('|held')));
    for (const k of ['-1000\t2000000001\t1', 'missing']) expect(keys.has(k)).toBe(oracle.has(k));
  });
});

describe('ResponseLog', () => {
  let tmp: TempFolder;
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = (tmp = new TempFolder('tg-responses-')).dir;
    file = path.join(dir, 'responde_data.txt');
  });
  afterEach(() => tmp.remove());

  test.each<[string, Partial<ResponseRow>]>([
    ['held for an admin', { tg_responde_status: 'pending', reason: 'unknown-link' }],
    ['waiting for the requester\'s check', { tg_responde_status: 'pending', reason: 'check' }],
  ])('has() finds a request whose only row is its pending one (%s): while it is written, after, and after a restart', async (_, pending) => {
    const key = '-100123|42|1772366400';
    const { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    expect(log.has(key)).toBe(false);
    const writing = log.record(row(pending));
    expect(log.has(key)).toBe(true);
    expect(log.decided(key)).toBe(false);
    await writing;
    expect(log.has(key)).toBe(true);
    expect(log.has('-100123|43|1772366400')).toBe(false);
    await log.close();
    const again = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    expect(again.log.has(key)).toBe(true);
    await again.log.close();
  });

  test('creates the file, appends rows, and never writes the same request twice', async () => {
    const { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    expect(await log.record(row())).toBe(true);
    expect(await log.record(row({ tg_responde_status: 'missing' }))).toBe(false);
    expect(await log.record(row({ id_tg: '43', tg_f_name: 'Tab\there' }))).toBe(true);
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text).toBe(
      `${FULL_HEADER}\n` +
        'anna-2026\t42\tAnna\t\t2026-03-01 13:00:00\tapprove\tanna\thttps://t.me/+AAAA\t-100123\t1772366400\t\t\n' +
        'anna-2026\t43\t"Tab\there"\t\t2026-03-01 13:00:00\tapprove\tanna\thttps://t.me/+AAAA\t-100123\t1772366400\t\t\n',
    );
    const loaded = await loadFile(file, responseSpec('UTC'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.entries.map((e) => e.value.tg_f_name)).toEqual(['Anna', 'Tab\there']);
  });

  test('two copies of one request at the same moment give one row', async () => {
    const { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    const results = await Promise.all([log.record(row()), log.record(row()), log.record(row({ id_tg: '44' }))]);
    expect(results).toEqual([true, false, true]);
    await log.close();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(3);
  });

  test('a reopened log knows the rows written before', async () => {
    const first = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    await first.log.record(row());
    await first.log.close();
    const second = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    expect(second.log.has('-100123|42|1772366400')).toBe(true);
    expect(await second.log.record(row())).toBe(false);
    await second.log.close();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  test('a file without a final line ending gets one before the first row; CRLF files stay CRLF', async () => {
    await writeFile(file, `${FULL_HEADER}\r\nold\t7\tOld\t\t2025-01-01 10:00:00\tapprove`);
    const { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    await log.record(row());
    await log.record(row({ id_tg: '43' }));
    await log.close();
    const lines = (await readFile(file, 'utf8')).split('\r\n');
    expect(lines).toEqual([FULL_HEADER, 'old\t7\tOld\t\t2025-01-01 10:00:00\tapprove', expect.stringMatching(/^anna-2026\t42\t/), expect.stringMatching(/^anna-2026\t43\t/), '']);
  });

  test('the legacy file: header extended, lone-tab line kept in place, rows after it', async () => {
    await writeFile(file, await readLegacy('responde_data.txt'));
    const { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    await log.record(row());
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual([FULL_HEADER, '\t']);
    const loaded = await loadFile(file, responseSpec('UTC'));
    expect(loaded.entries.map((e) => e.value.id_tg)).toEqual(['42']);
  });

  test('a big file is read in pieces: the same keys and problems as its whole text gives', async () => {
    // Over 64 KiB, non-ASCII names (cut inside a character at piece borders) and CRLF endings.
    const lines = [FULL_HEADER];
    for (let i = 0; i < 3000; i++) lines.push(`inv-${i}\t${1000 + i}\tЖанна-${i}\tÅström\t${i === 1234 ? 'soon' : '2026-03-01 12:00:00'}\tapprove\t\t\t-100123\t${1772366400 - i}`);
    const text = `${lines.join('\r\n')}\r\n`;
    await writeFile(file, text);
    const { log, problems } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    const whole = prepareLog(text, 'responde_data.txt', 'UTC', MARCH_1);
    expect(problems.map((p) => p.message)).toEqual(whole.problems.map((p) => p.message));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^responde_data.txt:1236:\d+ \(dt_tg_responde\): "soon" is not a date/)]);
    expect(whole.keys.size).toBe(3000);
    for (const key of whole.keys) expect(log.has(key)).toBe(true);
    expect(await log.record(row({ id_tg: '1000', tg_request_date: '1772366400' }))).toBe(false);
    expect(await log.record(row({ id_tg: '99' }))).toBe(true);
    await log.close();
    expect(await readFile(file, 'utf8')).toBe(`${text}anna-2026\t99\tAnna\t\t2026-03-01 13:00:00\tapprove\tanna\thttps://t.me/+AAAA\t-100123\t1772366400\t\t\r\n`);
  });

  test('a broken header stops the start with a message naming the file', async () => {
    await writeFile(file, 'name\tphone\n');
    await expect(ResponseLog.open(file, 'data/responde_data.txt', 'UTC')).rejects.toThrow(/^data\/responde_data.txt:1:1: the header has no column/);
    expect(await readFile(file, 'utf8')).toBe('name\tphone\n');
  });
});
