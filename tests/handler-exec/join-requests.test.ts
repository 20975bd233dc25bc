import { formatDateTimeCell, parseDateTime } from '../../src/shared/dates.js';
import { describe, expect, test } from '@jest/globals';
import { TelegramError } from 'telegraf';
import type { ChatJoinRequest } from 'telegraf/types';
import type { Invite } from '../../src/shared/registry/registry.js';
import { decide, describeRequest, responseRow, settledStatus } from '../../src/handler-exec/join-requests.js';
import { CHECK_REASON, requestRowKey, rowKey } from '../../src/shared/join-log/keys.js';
import { requestKey, type ResponseStatus } from '../../src/shared/join-log/schema.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function invite(over: Partial<Invite> = {}): Invite {
  return {
    id: 'anna-2026',
    id_adress: 'anna@example.org',
    link_path: 'LINKS',
    chat_id: '-1001234567890',
    id_link: '',
    link: 'https://t.me/+AAAAbbbbCCCCdddd',
    dt_create: new Date('2026-01-01T00:00:00Z'),
    dt_expire: null,
    link_status: '',
    ...over,
  };
}

const refusal = (description: string, code = 400) =>
  new TelegramError({ error_code: code, description: `Bad Request: ${description}` }, { method: 'approveChatJoinRequest', payload: {} });

const link = { url: 'https://t.me/+AAAAbbbbCCCCdddd', name: 'anna-2026' };

describe('decide', () => {
  test('a person through a registry link is approved', () => {
    expect(decide({ isBot: false, link }, invite(), NOW, 'pending')).toEqual({ action: 'approve', status: 'approve', reason: 'registry' });
  });

  test('a bot is declined whatever its link', () => {
    expect(decide({ isBot: true, link }, invite(), NOW, 'pending')).toEqual({ action: 'decline', status: 'decline', reason: 'bot' });
    expect(decide({ isBot: true }, undefined, NOW, 'pending').action).toBe('decline');
  });

  test('an unknown link is left to an admin by default, declined with --unknown-links decline', () => {
    expect(decide({ isBot: false, link }, undefined, NOW, 'pending')).toEqual({ action: 'leave', status: 'pending', reason: 'unknown-link' });
    expect(decide({ isBot: false, link }, undefined, NOW, 'decline')).toEqual({ action: 'decline', status: 'decline', reason: 'unknown-link' });
  });

  test('a request without a link is never approved', () => {
    expect(decide({ isBot: false }, undefined, NOW, 'pending')).toEqual({ action: 'leave', status: 'pending', reason: 'no-link' });
    expect(decide({ isBot: false }, undefined, NOW, 'decline')).toEqual({ action: 'decline', status: 'decline', reason: 'no-link' });
  });

  test('a registry row whose dt_expire has passed counts as unknown; one still running does not', () => {
    const expired = invite({ dt_expire: new Date('2026-02-01T00:00:00Z') });
    expect(decide({ isBot: false, link }, expired, NOW, 'pending')).toEqual({ action: 'leave', status: 'pending', reason: 'expired' });
    expect(decide({ isBot: false, link }, invite({ dt_expire: NOW }), NOW, 'pending').reason).toBe('expired');
    const running = invite({ dt_expire: new Date('2026-12-31T00:00:00Z') });
    expect(decide({ isBot: false, link }, running, NOW, 'pending').action).toBe('approve');
  });
});

describe('settledStatus', () => {
  test('USER_ALREADY_PARTICIPANT on approve means the user is in', () => {
    expect(settledStatus('approve', refusal('USER_ALREADY_PARTICIPANT'))).toBe('approve');
    expect(settledStatus('decline', refusal('USER_ALREADY_PARTICIPANT'))).toBe('missing');
  });

  test('HIDE_REQUESTER_MISSING is settled as missing', () => {
    expect(settledStatus('approve', refusal('HIDE_REQUESTER_MISSING'))).toBe('missing');
    expect(settledStatus('decline', refusal('HIDE_REQUESTER_MISSING'))).toBe('missing');
  });

  test('anything else is a real failure', () => {
    expect(settledStatus('approve', refusal('USER_CHANNELS_TOO_MUCH'))).toBeUndefined();
    expect(settledStatus('approve', refusal('Internal Server Error', 500))).toBeUndefined();
    expect(settledStatus('approve', new Error('socket hang up'))).toBeUndefined();
  });
});

describe('responseRow', () => {
  const request: ChatJoinRequest = {
    chat: { id: -1001234567890, type: 'supergroup', title: 'Club' },
    from: { id: 42, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' },
    user_chat_id: 42,
    date: 1772366400,
    invite_link: { invite_link: link.url, name: link.name, creator: { id: 1, is_bot: true, first_name: 'Bot' }, creates_join_request: true, is_primary: false, is_revoked: false },
  };

  test('fills every column, the link from the registry and the time in the zone', () => {
    expect(responseRow(request, invite(), 'approve', NOW, 'Europe/Berlin')).toEqual({
      id_link: 'anna-2026',
      id_tg: '42',
      tg_f_name: 'Anna',
      tg_l_name: 'Berg',
      dt_tg_responde: '2026-03-01 13:00:00',
      tg_responde_status: 'approve',
      tg_username: 'anna',
      link: link.url,
      chat_id: '-1001234567890',
      tg_request_date: '1772366400',
      decided_by: '',
      reason: '',
    });
  });

  test('the time cell follows the moment and the zone from row to row (the cell of a second is kept)', () => {
    const cell = (at: string, zone: string) => responseRow(request, invite(), 'approve', new Date(at), zone).dt_tg_responde;
    expect(cell('2026-03-01T12:00:00.100Z', 'Europe/Berlin')).toBe('2026-03-01 13:00:00');
    expect(cell('2026-03-01T12:00:00.900Z', 'Europe/Berlin')).toBe('2026-03-01 13:00:00');
    expect(cell('2026-03-01T12:00:00.900Z', 'UTC')).toBe('2026-03-01 12:00:00');
    expect(cell('2026-03-01T12:00:01.000Z', 'UTC')).toBe('2026-03-01 12:00:01');
    // The autumn change: the same wall time twice, each written with its own offset.
    expect(cell('2026-10-25T00:30:00.000Z', 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(cell('2026-10-25T01:30:00.500Z', 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
    expect(cell('2026-10-25T02:00:00.000Z', 'Europe/Berlin')).toBe(formatDateTimeCell(new Date('2026-10-25T02:00:00.000Z'), 'Europe/Berlin'));
    expect(cell('1969-12-31T23:59:59.500Z', 'UTC')).toBe('1969-12-31 23:59:59');
  });

  test("the handler's key for a row is the log's (rowKey), whatever the status and reason", () => {
    const key = requestKey(String(request.chat.id), String(request.from.id), String(request.date));
    const statuses: ResponseStatus[] = ['approve', 'decline', 'pending', 'missing'];
    for (const status of statuses) {
      for (const reason of ['', 'registry', 'unknown-link', CHECK_REASON, 'check-blocked']) {
        const row = responseRow(request, invite(), status, NOW, 'UTC', reason);
        expect(requestRowKey(key, status, reason)).toBe(rowKey(row));
      }
    }
    // The held and the check row differ from the decision and from each other.
    expect(new Set([requestRowKey(key, 'approve'), requestRowKey(key, 'pending', ''), requestRowKey(key, 'pending', CHECK_REASON)]).size).toBe(3);
  });

  test('id_link prefers the registry id_link cell over the id', () => {
    expect(responseRow(request, invite({ id_link: 'legacy-7' }), 'approve', NOW, 'UTC').id_link).toBe('legacy-7');
  });

  test('an unknown link keeps what Telegram showed: its name and the (masked) URL', () => {
    const masked = { ...request, invite_link: { ...request.invite_link!, invite_link: 'https://t.me/+AAAAbbbb…', name: 'other' } };
    const row = responseRow(masked, undefined, 'pending', NOW, 'UTC');
    expect(row).toMatchObject({ id_link: 'other', link: 'https://t.me/+AAAAbbbb…', tg_responde_status: 'pending', tg_l_name: 'Berg' });
    const { invite_link: _none, ...noLink } = request;
    expect(responseRow(noLink, undefined, 'pending', NOW, 'UTC')).toMatchObject({ id_link: '', link: '' });
  });

  test('describeRequest names user, @name and link', () => {
    expect(describeRequest(request)).toBe('user 42 (@anna) via "anna-2026"');
    const { invite_link: _none, ...noLink } = request;
    expect(describeRequest({ ...noLink, from: { id: 7, is_bot: false, first_name: 'X' } })).toBe('user 7 without an invite link');
  });

  test('writes a decision in the hour the clocks repeat with its offset, so it reads back as that moment', () => {
    // 2026-10-25 02:30 happens twice in Berlin; this is the second time (UTC+01:00).
    const second = new Date('2026-10-25T01:30:00Z');
    const row = responseRow(request, invite(), 'approve', second, 'Europe/Berlin');
    expect(row.dt_tg_responde).toBe('2026-10-25T02:30:00+01:00');
    expect(parseDateTime(row.dt_tg_responde, 'Europe/Berlin')?.toISOString()).toBe(second.toISOString());
  });
});
