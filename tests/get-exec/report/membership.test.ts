/**
 * The report's membership columns against numbers counted by hand from the story in fixtures.ts
 * (STORY): who joined how, who left, who came back through another link, which held requests were
 * decided. Nothing here is computed with the code under test.
 */
import { describe, expect, it } from '@jest/globals';
import { aggregate, type LinkStats } from '../../../src/get-exec/report/aggregate.js';
import { formatCsv, formatDailyCsv } from '../../../src/get-exec/report/format-csv.js';
import { formatTable } from '../../../src/get-exec/report/format-table.js';
import { formatHtml } from '../../../src/get-exec/report/format-html.js';
import Papa from 'papaparse';
import { GROUP, NOW, storyRegistry, storyRows, ZONE } from './fixtures.js';

const DAY_MS = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY_MS);

type Line = Pick<LinkStats, 'approved' | 'declined' | 'pending' | 'missing' | 'joined' | 'left' | 'removed' | 'members' | 'cohort7d' | 'kept7d' | 'cohort30d' | 'kept30d'>;
const numbers = (r: Line) => [r.approved, r.declined, r.pending, r.missing, r.joined, r.left, r.removed, r.members, r.kept7d, r.cohort7d, r.kept30d, r.cohort30d];

describe('the report of the membership story', () => {
  const report = aggregate(storyRegistry(), storyRows(NOW), ZONE, NOW, { daily: true });
  const row = (id: string) => report.rows.find((r) => r.id === id)!;

  it('counts each link: requests by their latest row, joins by other paths, leaves, members now and the cohorts', () => {
    //                              appr decl pend miss join left remv memb k7 c7 k30 c30
    // anna: 1, 2, 3, 5 approved; 2 and 5 left; 3 removed; 5 came back through boris, so only 1 is in.
    // Cohorts: 1, 2 (40 days), 3 (10 days) joined 7+ days ago, 1 still in; 1 and 2 30+ days ago.
    expect(numbers(row('anna-2026'))).toEqual([4, 0, 0, 0, 0, 2, 1, 1, 1, 3, 1, 2]);
    // boris: 6 held then declined (one request: declined, not pending), 7 still held; 4 and 5 joined
    // by other paths and are in; only 4 joined 7+ days ago (5's latest join is 3 days old).
    expect(numbers(row('boris'))).toEqual([0, 1, 1, 0, 2, 0, 0, 2, 1, 1, 0, 0]);
    expect(numbers(row('clara'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // solo: 9 approved 8 days ago, 10 joined 6 days ago; both in.
    expect(numbers(row('solo'))).toEqual([1, 0, 0, 0, 1, 0, 0, 2, 1, 1, 0, 0]);
    // other (another group): 13 approved 9 days ago, in.
    expect(numbers(row('other'))).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
    // Unattributed: 8 (held, then approved: not pending), 11 added by an admin, 12 left (never seen join).
    // 8's join dates from the request, 6 days ago: no cohort yet.
    expect(numbers(report.unattributed)).toEqual([1, 0, 0, 0, 1, 1, 0, 2, 0, 0, 0, 0]);
    expect(numbers(report.totals)).toEqual([7, 1, 1, 0, 4, 3, 1, 8, 4, 6, 1, 2]);
  });

  it('marks the link that brought in more people than its max_members, and only it', () => {
    expect(report.rows.filter((r) => r.overLimit).map((r) => r.id)).toEqual(['solo']);
    expect([row('solo').maxMembers, row('solo').broughtIn]).toEqual([1, 2]);
  });

  it('writes the CSV columns by their names, retention as a share, blank for an empty cohort', () => {
    const csv = Papa.parse<Record<string, string>>(formatCsv(report), { header: true, skipEmptyLines: true });
    for (const name of ['id', 'id_adress', 'link', 'approved', 'declined', 'pending', 'missing', 'joined', 'left', 'removed', 'members', 'retained_7d', 'retained_30d']) expect(csv.meta.fields).toContain(name);
    const anna = csv.data.find((r) => r.id === 'anna-2026')!;
    expect([anna.members, anna.retained_7d, anna.retained_30d, anna.left, anna.removed]).toEqual(['1', '0.333', '0.5', '2', '1']);
    const boris = csv.data.find((r) => r.id === 'boris')!;
    expect([boris.joined, boris.members, boris.retained_7d, boris.retained_30d, boris.declined, boris.pending]).toEqual(['2', '2', '1', '', '1', '1']);
    expect(csv.data.find((r) => r.id === 'solo')!.over_max_members).toBe('yes');
    expect(csv.data.find((r) => r.id === 'boris')!.over_max_members).toBe('');
    expect(csv.data.find((r) => r.id === '(unattributed)')!.members).toBe('2');
  });

  it('writes joins and leaves per day and link in the daily CSV, by day then registry order', () => {
    const daily = Papa.parse<string[]>(formatDailyCsv(report.daily).toString('utf8'), { skipEmptyLines: true }).data;
    expect(daily).toEqual([
      ['date', 'id', 'joins', 'leaves'],
      ['2025-11-23', 'anna-2026', '1', '0'],
      ['2025-11-28', 'anna-2026', '2', '0'],
      ['2025-12-03', 'anna-2026', '0', '1'],
      ['2025-12-18', 'anna-2026', '0', '1'],
      ['2025-12-28', 'anna-2026', '1', '0'],
      ['2025-12-28', 'boris', '1', '0'],
      ['2025-12-29', 'other', '1', '0'],
      ['2025-12-30', 'solo', '1', '0'],
      ['2026-01-01', 'solo', '1', '0'],
      ['2026-01-02', '(unattributed)', '1', '0'],
      ['2026-01-04', 'boris', '1', '0'],
      ['2026-01-05', 'anna-2026', '0', '1'],
      ['2026-01-06', '(unattributed)', '1', '1'],
    ]);
  });

  it('keeps no per-day-and-link counts unless the daily CSV is asked for', () => {
    expect([...aggregate(storyRegistry(), storyRows(NOW), ZONE, NOW).daily]).toEqual([]);
  });

  it('gives the same daily lines for a log out of time order', () => {
    const rows = storyRows(NOW);
    const shuffled = [...rows.slice(9), ...rows.slice(0, 9)];
    expect([...aggregate(storyRegistry(), shuffled, ZONE, NOW, { daily: true }).daily]).toEqual([...report.daily]);
  });

  it('draws members over time as joins minus leaves, day by day to today', () => {
    const days = report.membersPerDay;
    expect(days[0]).toEqual({ day: '2025-11-23', joins: 1, leaves: 0, members: 1 });
    expect(days.find((d) => d.day === '2025-12-18')).toEqual({ day: '2025-12-18', joins: 0, leaves: 1, members: 1 });
    // 11 joins, 4 leaves (12's leave included: the log never saw 12 join).
    expect(days.at(-1)).toEqual({ day: '2026-01-07', joins: 0, leaves: 0, members: 7 });
    expect(days).toHaveLength(46);
  });

  it('shows the membership columns and the over-limit mark in the terminal table and the page', () => {
    const lines = formatTable(report);
    expect(lines[0]).toMatch(/approved\s+declined\s+pending\s+joined\s+left\s+removed\s+members\s+kept 7d\s+kept 30d\s+max_members/);
    expect(lines.find((l) => l.startsWith('anna-2026'))).toMatch(/\s4\s+0\s+0\s+0\s+2\s+1\s+1\s+33%\s+50%\s/);
    expect(lines.find((l) => l.startsWith('solo'))).toMatch(/\s1 OVER\s/);
    expect(lines).toContain('1 row brought in more people than its max_members (approved by hand past the limit): solo');
    const html = formatHtml(report, { now: NOW });
    expect(html).toMatch(/<tr class="over-limit" data-link="solo">/);
    expect(html).toContain('<td class="num" data-members="1">1</td><td class="num" data-kept="1" data-cohort="3"');
    expect(html).toContain('class="chart members-chart"');
  });
});

describe('held requests', () => {
  const at = (iso: string) => new Date(iso);
  const row = (user: string, status: string, iso: string, requestDate: string) => ({ id_link: 'boris', id_tg: user, chat_id: GROUP, link: '', tg_responde_status: status as 'pending', dt_tg_responde: at(iso), tg_request_date: requestDate });

  it('counts a held request once: settled by a decision or by the person joining (an admin approved in the app), replaced by a newer one', () => {
    const report = aggregate(storyRegistry(), [
      row('21', 'pending', '2026-01-01T10:00:00Z', '1767261600'),
      row('21', 'joined', '2026-01-01T11:00:00Z', '1767265200'),
      row('22', 'pending', '2026-01-01T10:00:00Z', '1767261600'),
      row('22', 'pending', '2026-01-02T10:00:00Z', '1767348000'),
      row('23', 'pending', '2026-01-01T10:00:00Z', '1767261600'),
      row('23', 'missing', '2026-01-03T10:00:00Z', '1767261600'),
    ], ZONE, NOW);
    const boris = report.rows.find((r) => r.id === 'boris')!;
    // 21 joined (not pending), 22 asked twice (one request pending), 23 went missing.
    expect([boris.pending, boris.joined, boris.missing, boris.members]).toEqual([1, 1, 1, 1]);
  });
});

describe('the report limited in time and to one group', () => {
  it('--since counts only later events; members now and retention stay as of now', () => {
    const report = aggregate(storyRegistry(), storyRows(NOW), ZONE, NOW, { since: daysAgo(7) });
    const anna = report.rows.find((r) => r.id === 'anna-2026')!;
    // Only 3's removal (2 days ago) is at or after the start; 1 is still the one member in.
    expect([anna.approved, anna.left, anna.removed, anna.members, anna.kept7d, anna.cohort7d]).toEqual([0, 0, 1, 1, 1, 3]);
    const boris = report.rows.find((r) => r.id === 'boris')!;
    // 6's decline (4 days ago), 7's pending (1 day), 5's re-join (3 days); 4 joined 10 days ago.
    expect([boris.declined, boris.pending, boris.joined, boris.members]).toEqual([1, 1, 1, 2]);
    // The members chart starts from what the earlier events left (7 joins - 2 leaves), then +4 -2.
    expect(report.membersPerDay.at(-1)!.members).toBe(7);
    expect(report.membersPerDay[0]!.day).toBe('2026-01-01');
  });

  it('--until counts only earlier events; a request held before it and decided after stays pending in it', () => {
    const until = aggregate(storyRegistry(), storyRows(NOW), ZONE, NOW, { until: daysAgo(30) });
    const anna = until.rows.find((r) => r.id === 'anna-2026')!;
    expect([anna.approved, anna.left, anna.removed]).toEqual([3, 1, 0]);
    expect(until.totals.approved + until.totals.joined).toBe(3);
    const held = aggregate(storyRegistry(), storyRows(NOW), ZONE, NOW, { until: new Date(daysAgo(5).getTime() + 1) });
    // 6's pending row (5 days ago) is in, its decline (4 days ago) is not; 8's approval (5 days) is in.
    expect([held.rows.find((r) => r.id === 'boris')!.pending, held.rows.find((r) => r.id === 'boris')!.declined, held.unattributed.pending, held.unattributed.approved]).toEqual([1, 0, 0, 1]);
  });

  it('--chat keeps the group\'s registry rows (chat_id, else CHAT_ID) and join-log rows only', () => {
    const rows = storyRegistry().filter((r) => (r.chat_id || GROUP) === GROUP);
    const report = aggregate(rows, storyRows(NOW), ZONE, NOW, { chat: GROUP, defaultChat: GROUP });
    expect(report.rows.map((r) => r.id)).toEqual(['anna-2026', 'boris', 'clara', 'solo']);
    // 13 joined the other group through its own link: neither counted nor unattributed.
    expect([report.totals.approved, report.totals.members, report.unattributed.approved]).toEqual([6, 7, 1]);
    expect(report.membersPerDay.at(-1)!.members).toBe(6);
  });
});
