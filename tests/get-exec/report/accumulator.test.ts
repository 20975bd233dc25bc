import { describe, expect, it } from '@jest/globals';
import { aggregate, ReportAccumulator, type JoinRow, type RegistryRow } from '../../../src/get-exec/report/aggregate.js';
import { joinRows, NOW, registryRows, ZONE } from './fixtures.js';

const join = (over: Partial<JoinRow>): JoinRow => ({ id_link: '', link: '', tg_responde_status: 'approve', dt_tg_responde: null, tg_request_date: '', ...over });
const row = (id: string): RegistryRow => ({ id, id_adress: `${id}@example.org`, id_link: id, link: `https://t.me/+${id}` });
const at = (iso: string) => new Date(iso);

describe('ReportAccumulator', () => {
  it('gives the same report row by row as aggregate over the whole list, in any order of the rows', () => {
    const joins = joinRows();
    const expected = aggregate(registryRows(), joins, ZONE, NOW);
    for (const order of [joins, [...joins].reverse(), [...joins.filter((_, i) => i % 2 === 0), ...joins.filter((_, i) => i % 2 === 1)]]) {
      const acc = new ReportAccumulator(registryRows(), ZONE);
      for (const j of order) acc.add(j);
      expect(acc.finish(NOW)).toEqual(expected);
    }
  });

  it('counts a day that comes back after other days (a log not in time order) once, with all its joins', () => {
    const acc = new ReportAccumulator([row('a'), row('b')], 'UTC');
    for (const iso of ['2026-01-01T10:00:00Z', '2026-01-03T10:00:00Z', '2026-01-01T23:59:59Z', '2026-01-03T00:00:00Z', '2026-01-01T00:00:00Z']) acc.add(join({ id_link: 'a', dt_tg_responde: at(iso) }));
    acc.add(join({ id_link: 'b', tg_responde_status: 'decline', dt_tg_responde: at('2026-01-02T10:00:00Z') }));
    const report = acc.finish();
    expect(report.perDay).toEqual([
      { day: '2026-01-01', joins: 3 },
      { day: '2026-01-02', joins: 0 },
      { day: '2026-01-03', joins: 2 },
    ]);
    expect(report.rows[0]!.firstJoin?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(report.rows[0]!.lastJoin?.toISOString()).toBe('2026-01-03T10:00:00.000Z');
    expect([report.rows[1]!.declined, report.rows[1]!.firstJoin]).toEqual([1, null]);
  });

  it('counts each status in its own column, and the joins of unattributed rows in the days too', () => {
    const acc = new ReportAccumulator([row('a')], 'UTC');
    for (const status of ['approve', 'decline', 'pending', 'missing', 'missing'] as const) acc.add(join({ id_link: 'a', tg_responde_status: status, dt_tg_responde: at('2026-02-02T12:00:00Z') }));
    acc.add(join({ link: 'https://t.me/+unknown', dt_tg_responde: at('2026-02-03T12:00:00Z') }));
    const report = acc.finish();
    expect([report.rows[0]!.approved, report.rows[0]!.declined, report.rows[0]!.pending, report.rows[0]!.missing]).toEqual([1, 1, 1, 2]);
    expect(report.unattributed.approved).toBe(1);
    expect(report.totals.approved).toBe(2);
    expect(report.perDay).toEqual([
      { day: '2026-02-02', joins: 1 },
      { day: '2026-02-03', joins: 1 },
    ]);
  });

  it('can be finished twice with the same answer', () => {
    const acc = new ReportAccumulator(registryRows(), ZONE);
    for (const j of joinRows()) acc.add(j);
    expect(acc.finish(NOW)).toEqual(acc.finish(NOW));
  });
});
