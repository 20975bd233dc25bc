/**
 * MembershipLog on real files: two programs (two logs on one file, as tg-handler and tg-get members)
 * deciding the same leave write one row; decisions of one batch see each other's rows.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { ResponseLog } from '../../../src/shared/join-log/append.js';
import type { Ledger } from '../../../src/shared/join-log/ledger.js';
import { MembershipLog } from '../../../src/shared/join-log/membership-log.js';
import type { ResponseCells } from '../../../src/shared/join-log/schema.js';
import { TempFolder } from '../../support/tmp.js';

let dir: TempFolder;
const NAME = 'data/responde_data.txt';

beforeEach(() => {
  dir = new TempFolder('membership-log-');
});
afterEach(() => dir.remove());

const cells = (user: string, status: ResponseCells['tg_responde_status'], date: number, link = ''): ResponseCells => ({
  id_link: link, id_tg: user, tg_f_name: 'F', tg_l_name: '', dt_tg_responde: '2026-03-01 12:00:00', tg_responde_status: status,
  tg_username: '', link: '', chat_id: '-100', tg_request_date: String(date), decided_by: '', reason: '',
});

/** Leave of `user` at `date` when the ledger holds them as a member (what both programs decide). */
const leaveIfIn = (user: string, date: number) => (ledger: Ledger) => {
  const standing = ledger.get('-100', user);
  return standing?.member === true ? cells(user, 'left', date, standing.link) : null;
};
const joinIfOut = (user: string, date: number, link: string) => (ledger: Ledger) => (ledger.get('-100', user)?.member === true ? null : cells(user, 'joined', date, link));

async function openBoth(file: string) {
  const a = await ResponseLog.open(file, NAME, 'UTC');
  const b = await ResponseLog.open(file, NAME, 'UTC');
  return { a: { log: a.log, members: await MembershipLog.open(file, NAME, 'UTC', a.log) }, b: { log: b.log, members: await MembershipLog.open(file, NAME, 'UTC', b.log) } };
}

const statuses = (text: string) => text.split('\n').slice(1).filter((l) => l !== '').map((l) => `${l.split('\t')[1]}:${l.split('\t')[5]}:${l.split('\t')[0]}`);

describe('MembershipLog', () => {
  test('two programs deciding the same leave at once: one row, under the link of the join the other wrote', async () => {
    const file = dir.path('responde_data.txt');
    const { a, b } = await openBoth(file);
    expect(await a.members.write(joinIfOut('7', 100, 'flyer'))).toMatchObject({ tg_responde_status: 'joined' });
    const [first, second] = await Promise.all([a.members.write(leaveIfIn('7', 200)), b.members.write(leaveIfIn('7', 300))]);
    expect([first, second].filter((r) => r !== null)).toHaveLength(1);
    for (const side of [a, b]) {
      await side.members.close();
      await side.log.close();
    }
    expect(statuses(dir.read('responde_data.txt'))).toEqual(['7:joined:flyer', '7:left:flyer']);
  });

  test('decisions handed over together see each other: a join and a leave in one second are two rows, a second copy of the leave none', async () => {
    const file = dir.path('responde_data.txt');
    const { log } = await ResponseLog.open(file, NAME, 'UTC');
    const members = await MembershipLog.open(file, NAME, 'UTC', log);
    // Recent (redelivery keys are kept for a week): a second ago.
    const t = Math.floor(Date.now() / 1000) - 1;
    const rows = await Promise.all([members.write(joinIfOut('8', t, 'radio')), members.write(leaveIfIn('8', t)), members.write(leaveIfIn('8', t))]);
    expect(rows.map((r) => r?.tg_responde_status ?? null)).toEqual(['joined', 'left', null]);
    expect(members.ledger.get('-100', '8')).toEqual({ member: false, link: 'radio', since: t, byBot: false });
    // The same leave again (a redelivery): its key is in the file, nothing is written.
    expect(await members.write(() => cells('8', 'left', t, 'radio'))).toBeNull();
    await members.close();
    await log.close();
    expect(statuses(dir.read('responde_data.txt'))).toEqual(['8:joined:radio', '8:left:radio']);
  });

  test('a decision that throws rejects its own write only', async () => {
    const file = dir.path('responde_data.txt');
    const { log } = await ResponseLog.open(file, NAME, 'UTC');
    const members = await MembershipLog.open(file, NAME, 'UTC', log);
    const results = await Promise.allSettled([
      members.write(() => {
        throw new Error('boom');
      }),
      members.write(joinIfOut('9', 600, 'x')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await members.close();
    await log.close();
    expect(statuses(dir.read('responde_data.txt'))).toEqual(['9:joined:x']);
  });
});
