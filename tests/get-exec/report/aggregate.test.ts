import { describe, expect, it } from '@jest/globals';
import { LinkIndex } from '../../../src/shared/registry/match.js';
import { aggregate, daysBetween, joinTime, type JoinRow, type RegistryRow } from '../../../src/get-exec/report/aggregate.js';
import { formatDateTime, parseDateTime } from '../../../src/shared/dates.js';
import { EVIL_ID, joinRows, LINK, NOW, registryRows, WIDE_ID, ZONE } from './fixtures.js';

const counts = (r: { approved: number; declined: number; pending: number; missing: number }) => [r.approved, r.declined, r.pending, r.missing];
const local = (d: Date | null) => (d === null ? null : formatDateTime(d, ZONE));

const join = (over: Partial<JoinRow>): JoinRow => ({ id_link: '', link: '', tg_responde_status: 'approve', dt_tg_responde: null, tg_request_date: '', ...over });
const row = (id: string, over: Partial<RegistryRow> = {}): RegistryRow => ({ id, id_adress: `${id}@example.org`, id_link: id, link: `https://t.me/+${id}`, ...over });

describe('aggregate', () => {
  const report = aggregate(registryRows(), joinRows(), ZONE, NOW);
  const byId = new Map(report.rows.map((r) => [r.id, r]));

  it('counts approve, decline, pending and missing per registry row, in registry order', () => {
    expect(report.rows.map((r) => r.id)).toEqual(['anna-2026', 'boris', 'clara', '4', EVIL_ID, WIDE_ID]);
    expect(counts(byId.get('anna-2026')!)).toEqual([3, 1, 0, 0]);
    expect(counts(byId.get('boris')!)).toEqual([1, 0, 1, 1]);
    expect(counts(byId.get('clara')!)).toEqual([0, 0, 0, 0]);
    expect(counts(byId.get(EVIL_ID)!)).toEqual([1, 0, 0, 0]);
    expect(counts(byId.get(WIDE_ID)!)).toEqual([0, 1, 0, 0]);
    expect(report.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('takes the first and last join from approved requests only, in the zone', () => {
    const anna = byId.get('anna-2026')!;
    expect(local(anna.firstJoin)).toBe('2026-01-03 09:00:00');
    // The decline at 12:01 comes later but is not a join.
    expect(local(anna.lastJoin)).toBe('2026-01-05 12:00:00');
    expect(local(byId.get(WIDE_ID)!.firstJoin)).toBeNull();
    expect(local(report.totals.firstJoin)).toBe('2026-01-03 09:00:00');
    expect(local(report.totals.lastJoin)).toBe('2026-01-06 18:00:00');
  });

  it('attributes by the full link before the name: a row naming anna but carrying boris\'s link is boris\'s', () => {
    // boris has no join-log row naming him as approved; his one approval names anna-2026.
    expect(byId.get('boris')!.approved).toBe(1);
    expect(local(byId.get('boris')!.firstJoin)).toBe('2026-01-04 10:00:00');
  });

  it('leaves a link the registry does not know unattributed even when its name matches a row, and counts requests without a link there too', () => {
    expect(counts(report.unattributed)).toEqual([0, 0, 2, 0]);
    expect(byId.get('anna-2026')!.pending).toBe(0);
  });

  it('matches a legacy row (no link column) by id_link against the row\'s id', () => {
    expect(counts(byId.get('4')!)).toEqual([1, 0, 0, 0]);
  });

  it('adds every request to the totals exactly once', () => {
    expect(counts(report.totals)).toEqual([6, 2, 3, 1]);
    expect(report.totals.approved + report.totals.declined + report.totals.pending + report.totals.missing).toBe(joinRows().length);
  });

  it('lists the rows with no joins yet, in registry order', () => {
    expect(report.noJoins.map((r) => r.id)).toEqual(['clara', WIDE_ID]);
  });

  it('counts approved joins per calendar day of the zone, fills the gaps with 0 and runs to today', () => {
    expect(report.perDay).toEqual([
      { day: '2026-01-03', joins: 2 },
      { day: '2026-01-04', joins: 2 },
      { day: '2026-01-05', joins: 1 },
      { day: '2026-01-06', joins: 1 },
      { day: '2026-01-07', joins: 0 },
    ]);
    expect(report.undated).toBe(0);
  });

  it('puts a join on the zone\'s calendar day, not UTC\'s', () => {
    const late = join({ link: LINK.anna, dt_tg_responde: new Date('2026-03-01T23:30:00Z') });
    expect(aggregate(registryRows(), [late], 'Europe/Berlin').perDay).toEqual([{ day: '2026-03-02', joins: 1 }]);
    expect(aggregate(registryRows(), [late], 'UTC').perDay).toEqual([{ day: '2026-03-01', joins: 1 }]);
    expect(aggregate(registryRows(), [late], 'America/New_York').perDay).toEqual([{ day: '2026-03-01', joins: 1 }]);
  });

  it('falls back to the request date when dt_tg_responde is blank, and counts a join with no date at all as undated', () => {
    const rows = [row('a')];
    const report2 = aggregate(rows, [join({ id_link: 'a', tg_request_date: String(Date.UTC(2026, 0, 10, 8) / 1000) }), join({ id_link: 'a' })], 'UTC');
    expect(report2.rows[0]!.approved).toBe(2);
    expect(report2.rows[0]!.firstJoin?.toISOString()).toBe('2026-01-10T08:00:00.000Z');
    expect(report2.perDay).toEqual([{ day: '2026-01-10', joins: 1 }]);
    expect(report2.undated).toBe(1);
    expect(joinTime({ dt_tg_responde: null, tg_request_date: 'x' })).toBeNull();
  });

  it('has no days and no joins for an empty join log, and every row listed as without joins', () => {
    const empty = aggregate([row('a'), row('b')], [], 'UTC', NOW);
    expect(empty.perDay).toEqual([]);
    expect(empty.noJoins.map((r) => r.id)).toEqual(['a', 'b']);
    expect(counts(empty.totals)).toEqual([0, 0, 0, 0]);
  });

  it('does not stretch the days back when now is before the last join', () => {
    const r = aggregate([row('a')], [join({ id_link: 'a', dt_tg_responde: parseDateTime('2026-05-05 10:00', 'UTC') })], 'UTC', new Date('2026-01-01T00:00:00Z'));
    expect(r.perDay).toEqual([{ day: '2026-05-05', joins: 1 }]);
  });
});

describe('LinkIndex, as the report uses it: a join-log row\'s link and id_link', () => {
  it('prefers id_link over id when a name could mean two rows', () => {
    const a = row('x', { id_link: 'shared', link: '' });
    const b = row('shared', { id_link: 'other', link: '' });
    const index = new LinkIndex([b, a]);
    expect(index.find('', 'shared')).toBe(a);
    expect(index.find('', 'other')).toBe(b);
    expect(index.find('', '')).toBeUndefined();
  });

  it('matches the link with surrounding spaces trimmed, and never falls back to the name when a link is given', () => {
    const a = row('a');
    const index = new LinkIndex([a]);
    expect(index.find(` ${a.link} `, '')).toBe(a);
    expect(index.find('https://t.me/+other', 'a')).toBeUndefined();
    expect(index.find('', 'a')).toBe(a);
  });
});

describe('daysBetween', () => {
  it('steps calendar days across a DST change', () => {
    expect(daysBetween('2026-03-28', '2026-03-31')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(daysBetween('2026-03-28', '2026-03-28')).toEqual(['2026-03-28']);
  });
});
