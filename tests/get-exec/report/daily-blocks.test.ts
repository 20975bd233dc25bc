import { describe, expect, it } from '@jest/globals';
import { ReportAccumulator, type JoinRow, type RegistryRow } from '../../../src/get-exec/report/aggregate.js';

describe('joins per day and link past one block of pairs (65,536)', () => {
  it('lists every (day, link) once with its joins and leaves, in time order or not', () => {
    const links = 900;
    const days = 80;
    const registry: RegistryRow[] = Array.from({ length: links }, (_, i) => ({ id: `r${i}`, id_adress: '', id_link: `r${i}`, link: `https://t.me/+r${i}` }));
    const rows: JoinRow[] = [];
    const expected = new Map<string, [number, number]>();
    for (let day = 0; day < days; day++) {
      for (let link = 0; link < links; link++) {
        const at = new Date(Date.UTC(2025, 0, 1 + day, 10, 0, 0));
        const leaves = (day + link) % 3 === 0;
        rows.push({ id_link: `r${link}`, link: `https://t.me/+r${link}`, tg_responde_status: 'approve', dt_tg_responde: at, tg_request_date: '', id_tg: String(day * links + link + 1), chat_id: '-100' });
        if (leaves) rows.push({ id_link: `r${link}`, link: '', tg_responde_status: 'left', dt_tg_responde: at, tg_request_date: '', id_tg: String(day * links + link + 1), chat_id: '-100' });
        expected.set(`${at.toISOString().slice(0, 10)} r${link}`, [1, leaves ? 1 : 0]);
      }
    }
    expect(expected.size).toBeGreaterThan(65_536);
    const read = (order: JoinRow[]) => {
      const acc = new ReportAccumulator(registry, 'UTC', { daily: true });
      for (const row of order) acc.add(row);
      return [...acc.finish(new Date(Date.UTC(2025, 3, 1))).daily].map((d) => [`${d.day} ${d.id}`, [d.joins, d.leaves]] as const);
    };
    const inOrder = read(rows);
    expect(inOrder).toEqual([...expected]);
    // Out of time order: the last days first, then the rest (sorted and merged at the end).
    expect(read([...rows.slice(rows.length / 2), ...rows.slice(0, rows.length / 2)])).toEqual(inOrder);
  });
});
