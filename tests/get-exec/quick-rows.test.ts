import { describe, expect, it } from '@jest/globals';
import { quickInvite, quickPost } from '../../src/get-exec/quick-rows.js';
import { toUnixSeconds } from '../../src/shared/dates.js';
import { validateRow } from '../../src/shared/files/data-file.js';
import { rowObject } from '../../src/shared/files/table.js';
import { parseTable } from '../../src/shared/files/tsv.js';
import { INVITE_COLUMNS, inviteSpec, isRevoked, type Invite } from '../../src/shared/registry/registry.js';
import { scheduleSpec, SCHEDULE_APPENDED, SCHEDULE_COLUMNS, type ScheduledPost } from '../../src/shared/schedule/schedule.js';

const ZONE = 'Europe/Berlin';

/** Date cells of every kind: blank, good in each form, impossible, a DST gap and a DST overlap (both warn). */
const DATES = ['', '  ', '2026-01-03 09:00', '2026.01.03 09:00', '2026-01-03T09:00:00+02:00', ' 2026-01-03 09:00 ', '2026-02-30 10:00', '31.02.2026', 'soon', '2026-03-29 02:30', '2026-10-25 02:30', '2026-01-03'];

/** Every row the variants make: a good row, then each column's variants one at a time. */
function rows(good: Record<string, string>, variants: Record<string, readonly string[]>): Record<string, string>[] {
  const out = [good];
  for (const [column, values] of Object.entries(variants)) for (const value of values) out.push({ ...good, [column]: value });
  return out;
}

/** The rows as a file with `header`, read back by the one TSV reader (short rows included). */
function tableOf(header: readonly string[], list: Record<string, string>[]) {
  const lines = list.map((row) => header.map((name) => row[name] ?? '').join('\t').replace(/\t+$/, ''));
  return parseTable(`${header.join('\t')}\n${lines.join('\n')}\n`, 'test.txt');
}

describe('quickInvite', () => {
  const good = { id: 'anna', id_adress: 'a@example.org', link_path: '', chat_id: '-1001', id_link: 'anna', link: 'https://t.me/+AAAA', dt_create: '2026-01-02 10:00', dt_expire: '', max_members: '', link_status: '' };
  const variants = {
    id: ['', '   ', ' anna ', 'x'.repeat(32), 'x'.repeat(33), '🙂'.repeat(32), '🙂'.repeat(33), 'a/b'],
    link: ['', '  ', 'https://t.me/+B', ' https://t.me/+B ', 'tg://join?invite=B', 'http://x', 't.me/+B', 'https://t.me/+A B'],
    dt_create: DATES,
    dt_expire: DATES,
    max_members: ['1', ' 2 ', '0', '-1', '1.5', '1234567890', '123456789', 'x', '  '],
    link_status: ['revoked', ' Revoked ', 'REVOKED', 'gone', '  '],
  };
  for (const header of [[...INVITE_COLUMNS, 'max_members', 'link_status'], [...INVITE_COLUMNS]]) {
    it(`accepts exactly the rows the schema accepts without a warning, with the same fields (${header.length} columns)`, () => {
      const table = tableOf(header, rows(good, variants));
      const spec = inviteSpec(ZONE);
      let accepted = 0;
      for (const row of table.rows) {
        const full = validateRow(table, row, spec);
        const quick = quickInvite(rowObject(table, row), ZONE);
        const clean = full !== null && 'value' in full && full.warnings.length === 0 ? (full.value as Invite) : undefined;
        expect({ line: row.line, accepted: quick !== undefined }).toEqual({ line: row.line, accepted: clean !== undefined });
        if (clean === undefined || quick === undefined) continue;
        accepted++;
        expect(quick).toEqual({ id: clean.id, link: clean.link.trim(), expire: clean.dt_expire === null ? null : toUnixSeconds(clean.dt_expire), revoked: isRevoked(clean) });
      }
      expect(accepted).toBeGreaterThan(10);
    });
  }
});

describe('quickPost', () => {
  const good = { dt_time: '2026-01-03 09:00', text: 'Hello', file_path: '', post_status: '', dt_posted: '', message_id: '' };
  const variants = {
    dt_time: DATES,
    text: ['', '  ', '"quoted"'],
    file_path: ['a.jpg', '  '],
    post_status: ['posted', 'missed', 'sending', 'uncertain', 'Posted', ' posted', 'done'],
    dt_posted: DATES,
    message_id: ['12 13', 'x'],
  };
  const noText = rows({ ...good, text: '' }, { file_path: ['a.jpg', '', ' '] });
  for (const header of [[...SCHEDULE_COLUMNS, ...SCHEDULE_APPENDED], [...SCHEDULE_COLUMNS]]) {
    it(`accepts exactly the rows the schema accepts without a warning, and tells done from waiting (${header.length} columns)`, () => {
      const table = tableOf(header, [...rows(good, variants), ...noText]);
      const spec = scheduleSpec(ZONE);
      let accepted = 0;
      for (const row of table.rows) {
        const full = validateRow(table, row, spec);
        const values = rowObject(table, row);
        for (const name of [...spec.columns, ...spec.appended]) values[name] ??= '';
        const quick = quickPost(values, ZONE);
        const clean = full !== null && 'value' in full && full.warnings.length === 0 ? (full.value as ScheduledPost) : undefined;
        expect({ line: row.line, accepted: quick !== undefined }).toEqual({ line: row.line, accepted: clean !== undefined });
        if (clean === undefined || quick === undefined) continue;
        accepted++;
        const status = clean.post_status;
        expect(quick).toEqual(status === 'posted' || status === 'missed' ? { kind: 'done' } : status === '' ? { kind: 'waiting', dueMs: clean.dt_time.getTime() } : { kind: 'other' });
      }
      expect(accepted).toBeGreaterThan(10);
    });
  }
});
