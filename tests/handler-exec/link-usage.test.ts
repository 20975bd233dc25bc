import { describe, expect, test } from '@jest/globals';
import { decide } from '../../src/handler-exec/join-requests.js';
import { LinkUsage, limitOf } from '../../src/handler-exec/link-usage.js';
import type { LogRow } from '../../src/shared/join-log/pending.js';
import { parseFile } from '../../src/shared/files/data-file.js';
import { inviteSpec, type Invite } from '../../src/shared/registry/registry.js';

const invite = (over: Partial<Invite> = {}): Invite => ({
  id: 'anna-2026', id_adress: '', link_path: '', chat_id: '', id_link: '', link: 'https://t.me/+AAAA', dt_create: null, dt_expire: null, link_status: '', ...over,
});
const row = (id_tg: string, status: string, link = 'https://t.me/+AAAA', id_link = 'anna-2026'): LogRow =>
  ({ id_tg, tg_responde_status: status, link, id_link, chat_id: '-1', tg_request_date: '', tg_f_name: '', tg_l_name: '', dt_tg_responde: '', tg_username: '', decided_by: '', reason: '' }) as LogRow;

/** A join log in memory, read as the handler reads its file; counts how often it was read. */
function log(rows: LogRow[]) {
  const reads = { n: 0 };
  const scan = async (onRow: (r: LogRow) => void) => {
    reads.n++;
    rows.forEach(onRow);
  };
  return { scan, reads };
}

describe('LinkUsage', () => {
  test('counts distinct people of approve and joined rows, by the link -> row rule; someone counted comes back', async () => {
    const { scan } = log([row('1', 'approve'), row('1', 'joined'), row('2', 'pending'), row('3', 'decline'), row('4', 'approve', 'https://t.me/+BBBB', 'other'), row('5', 'joined', '', 'anna-2026')]);
    const usage = new LinkUsage(scan, undefined);
    const limited = invite({ max_members: 2 });
    expect((await usage.admit(limited, '1')).admitted).toBe(true);
    expect((await usage.admit(limited, '5')).admitted).toBe(true);
    expect((await usage.admit(limited, '6')).admitted).toBe(false);
    expect((await usage.admit(invite(), '6')).admitted).toBe(true);
  });

  test('a place taken and released; rows written later count; the log is read once per limited link', async () => {
    const { scan, reads } = log([]);
    const usage = new LinkUsage(scan, 1);
    await usage.prime([invite(), invite({ id: 'free', link: 'https://t.me/+CCCC' })]);
    expect(reads.n).toBe(1);
    const first = await usage.admit(invite(), '7');
    expect(first.admitted).toBe(true);
    expect((await usage.admit(invite(), '8')).admitted).toBe(false);
    first.release();
    expect((await usage.admit(invite(), '8')).admitted).toBe(true);
    usage.noted(row('9', 'joined', 'https://t.me/+CCCC', 'free'));
    expect((await usage.admit(invite({ id: 'free', link: 'https://t.me/+CCCC' }), '10')).admitted).toBe(false);
    expect(reads.n).toBe(1);
    // A higher limit later (the registry changed): counted again.
    expect((await usage.admit(invite({ max_members: 3 }), '11')).admitted).toBe(true);
    expect(reads.n).toBe(2);
  });

  test('limitOf: the row\'s own, else the default', () => {
    expect([limitOf({ max_members: 3 }, 1), limitOf({}, 1), limitOf({}, undefined)]).toEqual([3, 1, undefined]);
  });
});

describe('decide with a used-up link', () => {
  test('is held like an unknown link, with reason link-used, or declined with --unknown-links decline', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const facts = { isBot: false, link: { url: 'https://t.me/+AAAA' }, linkUsed: true };
    expect(decide(facts, invite(), now, 'pending')).toEqual({ action: 'leave', status: 'pending', reason: 'link-used' });
    expect(decide(facts, invite(), now, 'decline')).toEqual({ action: 'decline', status: 'decline', reason: 'link-used' });
    expect(decide({ ...facts, isBot: true }, invite(), now, 'pending').reason).toBe('bot');
  });
});

describe('the max_members column', () => {
  test('is optional, read at the end of the header; blank means no limit; a bad cell names its place', () => {
    const header = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire';
    const legacy = parseFile(`${header}\na\t\t\t\t\thttps://t.me/+A\t\t\n`, 'reg', inviteSpec('UTC'));
    expect(legacy.entries[0]?.value.max_members).toBeUndefined();
    const text = `${header}\tmax_members\na\t\t\t\t\thttps://t.me/+A\t\t\t1\nb\t\t\t\t\thttps://t.me/+B\t\t\t\nc\t\t\t\t\thttps://t.me/+C\t\t\t0\n`;
    const parsed = parseFile(text, 'reg', inviteSpec('UTC'));
    expect(parsed.entries.map((e) => [e.value.id, e.value.max_members])).toEqual([['a', 1], ['b', undefined]]);
    expect(parsed.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^reg:4:\d+ \(max_members\): "0" is not a number of people/)]);
  });
});
