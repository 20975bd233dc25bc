import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ResponseLog } from '../../../src/shared/join-log/append.js';
import { decisionRow, PendingRequests, readPending } from '../../../src/shared/join-log/pending.js';
import { requestKey, type ResponseCells } from '../../../src/shared/join-log/schema.js';
import { TempFolder } from '../../support/tmp.js';

const HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
const MARCH_1 = () => new Date('2026-03-01T12:05:00Z');

function row(over: Partial<ResponseCells> = {}): ResponseCells {
  return {
    id_link: 'from-maria', id_tg: '42', tg_f_name: 'Anna', tg_l_name: '', dt_tg_responde: '2026-03-01 12:00:00', tg_responde_status: 'pending',
    tg_username: 'anna', link: 'https://t.me/+AAAA…', chat_id: '-100123', tg_request_date: '1772366400', decided_by: '', reason: 'unknown-link', ...over,
  };
}

describe('PendingRequests', () => {
  test('a pending row holds a request; a later decision or join of that person in that chat settles it', () => {
    const pending = new PendingRequests();
    pending.note(row());
    pending.note(row({ id_tg: '43' }));
    pending.note(row({ id_tg: '44' }));
    pending.note(row({ id_tg: '45', chat_id: '-100999' }));
    pending.note(row({ id_tg: '42', tg_responde_status: 'approve' }));
    pending.note(row({ id_tg: '43', tg_responde_status: 'joined' }));
    pending.note(row({ id_tg: '44', tg_responde_status: 'left' }));
    pending.note(row({ id_tg: '45', tg_responde_status: 'decline' }));
    expect(pending.list().map((r) => [r.chat_id, r.id_tg])).toEqual([['-100123', '44'], ['-100999', '45']]);
    expect(pending.get('-100123', '44')?.reason).toBe('unknown-link');
    expect(pending.get('-100123', '42')).toBeUndefined();
  });

  test('decisionRow keeps who, which link, why and the request date', () => {
    expect(decisionRow(row(), 'approve', 'cli', '2026-03-02 08:00:00')).toEqual(row({ tg_responde_status: 'approve', decided_by: 'cli', dt_tg_responde: '2026-03-02 08:00:00' }));
  });
});

describe('the join log and held requests', () => {
  let folder: TempFolder;
  let dir: string;
  beforeEach(async () => {
    dir = (folder = new TempFolder('pending-')).dir;
  });
  afterEach(() => folder.remove());

  test('a request gets its pending row and one decision row, never a second one, also after a reopen', async () => {
    const file = path.join(dir, 'responde_data.txt');
    const key = requestKey('-100123', '42', '1772366400');
    let { log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 });
    expect(await log.record(row())).toBe(true);
    expect([log.has(key), log.decided(key)]).toEqual([true, false]);
    expect(await log.record(row())).toBe(false);
    expect(await log.record(row({ tg_responde_status: 'approve', decided_by: '1900' }))).toBe(true);
    expect(log.decided(key)).toBe(true);
    await log.close();
    ({ log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC', { now: MARCH_1 }));
    expect([log.has(key), log.decided(key)]).toEqual([true, true]);
    expect(await log.record(row({ tg_responde_status: 'decline', decided_by: '1901' }))).toBe(false);
    expect(await log.record(row())).toBe(false);
    await log.close();
    const pending = await readPending(file, 'responde_data.txt');
    expect(pending.size).toBe(0);
  });

  test('readPending reads a log with short legacy rows and a missing file', async () => {
    const file = path.join(dir, 'responde_data.txt');
    expect((await readPending(file, 'x')).size).toBe(0);
    await writeFile(file, `${HEADER.split('\t').slice(0, 6).join('\t')}\r\nanna\t42\tAnna\t\t2024-01-01 10:00\tpending\r\n`);
    expect((await readPending(file, 'x')).list()).toEqual([expect.objectContaining({ id_tg: '42', chat_id: '', link: '', reason: '' })]);
  });
});
