/**
 * reconcileRow: the row `tg-get members` writes when getChatMember and the ledger disagree. Pure.
 */
import { describe, expect, test } from '@jest/globals';
import type { ChatMember } from 'telegraf/types';
import { isMember, reconcileRow } from '../../../src/shared/join-log/member-status.js';
import type { Standing } from '../../../src/shared/join-log/ledger.js';

const user = { id: 42, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' };
const answer = (status: string, extra: Record<string, unknown> = {}) => ({ user, status, ...extra }) as unknown as ChatMember;
const NOW = new Date('2026-03-01T12:00:00Z');
const inVia = (link: string): Standing => ({ member: true, link, since: 100, byBot: true });
const gone: Standing = { member: false, link: 'flyer', since: 200, byBot: false };

describe('reconcileRow', () => {
  test('a member Telegram says left: left under their link, dated when found, reason tg-get members', () => {
    expect(reconcileRow('-100', inVia('flyer'), answer('left'), NOW, 'UTC')).toEqual({
      id_link: 'flyer', id_tg: '42', tg_f_name: 'Anna', tg_l_name: 'Berg', dt_tg_responde: '2026-03-01 12:00:00', tg_responde_status: 'left',
      tg_username: 'anna', link: '', chat_id: '-100', tg_request_date: String(NOW.getTime() / 1000), decided_by: '', reason: 'tg-get members',
    });
  });
  test('kicked is removed; restricted without is_member is left', () => {
    expect(reconcileRow('-100', inVia('x'), answer('kicked', { until_date: 0 }), NOW, 'UTC')?.tg_responde_status).toBe('removed');
    expect(reconcileRow('-100', inVia('x'), answer('restricted', { is_member: false }), NOW, 'UTC')?.tg_responde_status).toBe('left');
  });
  test('someone gone who is in again: joined with a blank link (Telegram does not say how)', () => {
    expect(reconcileRow('-100', gone, answer('member'), NOW, 'UTC')).toMatchObject({ tg_responde_status: 'joined', id_link: '' });
    expect(reconcileRow('-100', gone, answer('restricted', { is_member: true }), NOW, 'UTC')).toMatchObject({ tg_responde_status: 'joined' });
  });
  test('agreeing, or a person the ledger never saw: nothing', () => {
    expect(reconcileRow('-100', inVia('x'), answer('administrator'), NOW, 'UTC')).toBeNull();
    expect(reconcileRow('-100', gone, answer('kicked', { until_date: 0 }), NOW, 'UTC')).toBeNull();
    expect(reconcileRow('-100', undefined, answer('left'), NOW, 'UTC')).toBeNull();
  });
  test('isMember follows the Bot API: restricted by is_member', () => {
    expect(isMember({ status: 'creator' })).toBe(true);
    expect(isMember({ status: 'restricted', is_member: true })).toBe(true);
    expect(isMember({ status: 'restricted' })).toBe(false);
    expect(isMember({ status: 'left' })).toBe(false);
  });
});
