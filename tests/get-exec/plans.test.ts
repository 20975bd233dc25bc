import { describe, expect, it } from '@jest/globals';
import { planLinks } from '../../src/get-exec/link-plan.js';
import { planHasWork, planPosts, sentIds } from '../../src/get-exec/post-plan.js';
import { inviteSpec, rejectDuplicateIds } from '../../src/shared/registry/registry.js';
import { parseFile } from '../../src/shared/files/data-file.js';
import { scheduleSpec } from '../../src/shared/schedule/schedule.js';

const zone = 'UTC';
const now = new Date('2026-03-01T12:00:00Z');

function schedule(rows: string[]) {
  const text = ['dt_time\ttext\tfile_path\tpost_status\tdt_posted\tmessage_id', ...rows].join('\n');
  return parseFile(text, 'data/text_schedule.txt', scheduleSpec(zone));
}

describe('planPosts', () => {
  const file = schedule([
    '2026-03-01 11:00\tlater in the day\t', // line 2
    '2026-03-01 09:00\tearly\t', // line 3
    '2026-03-01 13:00\tnot yet\t', // line 4
    '2026-02-01 09:00\tposted\t\tposted\t2026-02-01 09:00:05\t7', // line 5
    '2026-02-02 09:00\tcut off by a kill\t\tsending', // line 6
    '2026-02-03 09:00\tno answer\t\tuncertain', // line 7
    '2026-02-04 09:00\tmissed before\t\tmissed', // line 8
    '2026-01-01 09:00\tvery old\t', // line 9
    '2026-01-01 09:00\tvery old, half sent\t\t\t2026-01-01 09:00:01\t11', // line 10
    '2026-03-01 11:59:30\tjust sent\t\tposted\t2026-03-01 11:59:30\t20 21 22', // line 11
  ]);
  const lines = (entries: { row: { line: number } }[]) => entries.map((e) => e.row.line);

  it('sends due rows oldest first, and never a posted or missed one', () => {
    const plan = planPosts(file.entries, { now, maxLateMs: null, retryUncertain: false });
    expect(file.problems).toEqual([]);
    expect(lines(plan.due)).toEqual([9, 10, 3, 2]);
    expect(plan.later).toBe(1);
    expect(lines(plan.interrupted)).toEqual([6]);
    expect(lines(plan.uncertain)).toEqual([7]);
    expect(planHasWork(plan)).toBe(true);
  });

  it('marks rows later than --max-late missed, unless part of them went out', () => {
    const plan = planPosts(file.entries, { now, maxLateMs: 24 * 3_600_000, retryUncertain: false });
    expect(lines(plan.missed)).toEqual([9]);
    expect(lines(plan.due)).toEqual([10, 3, 2]);
  });

  it('sends uncertain rows again only when asked', () => {
    const plan = planPosts(file.entries, { now, maxLateMs: null, retryUncertain: true });
    expect(lines(plan.due)).toEqual([9, 10, 7, 3, 2]);
    expect(plan.uncertain).toEqual([]);
  });

  it('remembers the messages of the last minute for pacing', () => {
    const plan = planPosts(file.entries, { now, maxLateMs: null, retryUncertain: false });
    expect(plan.recentSends).toEqual([Date.parse('2026-03-01T11:59:30Z'), Date.parse('2026-03-01T11:59:30Z'), Date.parse('2026-03-01T11:59:30Z')]);
  });

  it('has nothing to do when every due row is done', () => {
    const done = schedule(['2026-02-01 09:00\tposted\t\tposted\t2026-02-01 09:00:05\t7', '2027-01-01 09:00\tfuture\t']);
    expect(planHasWork(planPosts(done.entries, { now, maxLateMs: null, retryUncertain: false }))).toBe(false);
  });

  it('reads message ids written with spaces or commas', () => {
    expect(sentIds({ message_id: ' 1 2,3 ' })).toEqual(['1', '2', '3']);
    expect(sentIds({ message_id: '' })).toEqual([]);
  });
});

function registry(rows: string[]) {
  const text = ['id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire', ...rows].join('\n');
  const loaded = parseFile(text, 'data/invite_data.txt', inviteSpec(zone));
  rejectDuplicateIds(loaded);
  return loaded;
}

describe('planLinks', () => {
  const options = (loaded: ReturnType<typeof registry>, more: Partial<Parameters<typeof planLinks>[1]> = {}) => ({
    table: loaded.table,
    defaultChat: -100777 as number | string | null,
    expireDays: null,
    now,
    zone,
    ...more,
  });

  it('plans a link for each row with a blank link, in CHAT_ID or the row\'s own chat', () => {
    const loaded = registry([
      'a\ta@x\tLINKS', // short row: blank link
      'b\tb@x\tLINKS\t-100555',
      'c\tc@x\tLINKS\t@othergroup',
      'd\td@x\tLINKS\t\td\thttps://t.me/+existing',
    ]);
    const plan = planLinks(loaded.entries, options(loaded));
    expect(plan.jobs.map((j) => [j.entry.value.id, j.chat])).toEqual([
      ['a', -100777],
      ['b', -100555],
      ['c', '@othergroup'],
    ]);
    expect(plan.problems).toEqual([]);
  });

  it('reports a mangled chat_id once per text and uses CHAT_ID', () => {
    const loaded = registry(['1\ta@x\tLINKS\t-1,00E+12', '2\tb@x\tLINKS\t-1,00E+12', '3\tc@x\tLINKS\t1.5e9x']);
    const plan = planLinks(loaded.entries, options(loaded));
    expect(plan.jobs.map((j) => j.chat)).toEqual([-100777, -100777, -100777]);
    expect([...plan.mangledChats]).toEqual([
      ['-1,00E+12', [2, 3]],
      ['1.5e9x', [4]],
    ]);
  });

  it('makes a row with no group at all a row error', () => {
    const loaded = registry(['a\ta@x\tLINKS']);
    const plan = planLinks(loaded.entries, options(loaded, { defaultChat: null }));
    expect(plan.jobs).toEqual([]);
    expect(plan.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^data\/invite_data\.txt:2:12 \(chat_id\): no group/)]);
  });

  it('takes the expiry from dt_expire, else from --expire-days', () => {
    const loaded = registry(['a\ta@x\tLINKS\t\t\t\t\t2026-12-31 23:59', 'b\tb@x\tLINKS']);
    const plan = planLinks(loaded.entries, options(loaded, { expireDays: 30 }));
    expect(plan.jobs.map((j) => [j.expire?.toISOString(), j.writeExpire])).toEqual([
      ['2026-12-31T23:59:00.000Z', false],
      ['2026-03-31T12:00:00.000Z', true],
    ]);
    const none = planLinks(loaded.entries, options(loaded));
    expect(none.jobs[1]!.expire).toBeNull();
  });

  it('refuses a dt_expire that has passed', () => {
    const loaded = registry(['a\ta@x\tLINKS\t\t\t\t\t2026-01-01 00:00']);
    const plan = planLinks(loaded.entries, options(loaded));
    expect(plan.jobs).toEqual([]);
    expect(plan.problems[0]!.message).toMatch(/:2:\d+ \(dt_expire\): 2026-01-01 00:00:00 has passed/);
  });
});
