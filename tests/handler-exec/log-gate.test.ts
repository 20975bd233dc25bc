/**
 * LogGate's looks at the free space: a burst shares looks while the disk has ample room, and near a
 * full disk every admission looks again, counting the rows admitted and written since.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { Logger } from '../../src/shared/cli/log.js';
import { ResponseLog } from '../../src/shared/join-log/append.js';
import type { ResponseCells } from '../../src/shared/join-log/schema.js';
import { LOOK_HEADROOM, LOOK_REUSE_MS, LogGate, rowBytesBound } from '../../src/handler-exec/log-gate.js';
import { formatRecord } from '../../src/shared/files/table.js';
import { TempFolder } from '../support/tmp.js';

const BLOCK = 4096;

function recorder(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info() {}, debug() {}, warn() {}, error: (m) => errors.push(m) };
}

/** Rows of the same size: user ids of seven digits. */
const row = (user: number): ResponseCells => ({
  id_link: 'anna-2026', id_tg: String(1_000_000 + user), tg_f_name: 'Anna', tg_l_name: '', dt_tg_responde: '2026-01-03 10:00:00', tg_responde_status: 'approve',
  tg_username: 'anna', link: 'https://t.me/+AAAA', chat_id: '-100', tg_request_date: '1767430800', decided_by: '', reason: '',
});
const BYTES = rowBytesBound(row(0));

test('rowBytesBound is never less than the row as written, whatever its characters', () => {
  const texts = ['', 'Anna', 'Анна Петрова', '😀👍🏽 emoji', 'tab\there', 'line\nbreak', '"quoted" at the start', 'ж'.repeat(64), '中'.repeat(64), '€'.repeat(100), '\u00e9\u20ac\ud83d\ude00'];
  for (const text of texts) {
    const cells = { ...row(1), tg_f_name: text, tg_l_name: text, tg_username: text.slice(0, 5) };
    const written = Buffer.byteLength(`${formatRecord(Object.keys(cells), cells)}\r\n`, 'utf8');
    expect(rowBytesBound(cells)).toBeGreaterThanOrEqual(written);
  }
});

describe('LogGate', () => {
  let folder: TempFolder;
  let log: ResponseLog;
  let now: number;
  let free: number;
  let looks: number;
  let gate: LogGate;

  beforeEach(async () => {
    folder = new TempFolder('tg-log-gate-');
    ({ log } = await ResponseLog.open(folder.path('responde_data.txt'), 'responde_data.txt', 'UTC'));
    now = 0;
    looks = 0;
    gate = new LogGate(log, {
      dir: folder.dir,
      name: 'responde_data.txt',
      logger: recorder(),
      backoff: { firstMs: 1, maxMs: 1 },
      clock: () => now,
      freeBytes: async () => {
        looks += 1;
        return { free, block: BLOCK };
      },
    });
  });
  afterEach(async () => {
    gate.close();
    await log.close();
    folder.remove();
  });

  test('a burst with ample room shares one look; the look serves until it is LOOK_REUSE_MS old', async () => {
    free = 10 * LOOK_HEADROOM;
    const seats = await Promise.all(Array.from({ length: 100 }, (_, i) => gate.admit(row(i))));
    expect(looks).toBe(1);
    seats.forEach((seat) => seat.release());
    await gate.admit(row(200));
    expect(looks).toBe(1);
    now += LOOK_REUSE_MS;
    await gate.admit(row(201));
    expect(looks).toBe(2);
  });

  test('a look serves only while it shows LOOK_HEADROOM beyond the rows admitted and written since', async () => {
    // Room for the headroom and three rows: the fourth admission (two held, one released) looks again.
    free = LOOK_HEADROOM + 3 * BYTES + BYTES / 2;
    const first = await gate.admit(row(1));
    expect(looks).toBe(1);
    const second = await gate.admit(row(2));
    first.release();
    await gate.admit(row(3));
    expect(looks).toBe(1);
    second.release();
    await gate.admit(row(4));
    expect(looks).toBe(2);
  });

  test('near a full disk every admission looks again, and one that does not fit is held until a look shows room', async () => {
    free = 100 * BYTES;
    for (let i = 0; i < 5; i++) (await gate.admit(row(i))).release();
    expect(looks).toBe(5);
    free = BYTES;
    let admitted = false;
    const held = Promise.resolve(gate.admit(row(99))).then((seat) => {
      admitted = true;
      return seat;
    });
    for (let i = 0; looks < 9 && i < 1000; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(admitted).toBe(false);
    free = 100 * BYTES + BLOCK;
    await held;
    expect(admitted).toBe(true);
  });

  test('the rows admitted since a look count against it: two admissions that share a look do not both take its last room', async () => {
    // Room for one row and its block, one byte short of a second.
    free = 2 * BYTES + BLOCK - 1;
    const [a, b] = [gate.admit(row(1)), gate.admit(row(2))];
    await a;
    expect(looks).toBe(1);
    let second = false;
    void Promise.resolve(b).then(() => (second = true));
    for (let i = 0; looks < 3 && i < 1000; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(second).toBe(false);
    free = 2 * BYTES + 2 * BLOCK;
    await b;
  });
});
