/**
 * membershipEvent: which row a chat_member update calls for, given the person's standing. Pure.
 */
import { describe, expect, test } from '@jest/globals';
import type { ChatMember } from 'telegraf/types';
import { membershipEvent, transitionOf, type MemberUpdate } from '../../src/handler-exec/chat-member.js';
import { isMember } from '../../src/shared/join-log/member-status.js';
import type { Standing } from '../../src/shared/join-log/ledger.js';
import type { Invite } from '../../src/shared/registry/registry.js';

const BOT = 9000;
const ADMIN = 77;
const anna = { id: 4201, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' };
const CHAT = { id: -100123, type: 'supergroup' as const, title: 'Club' };
const member = (status: string, extra: Record<string, unknown> = {}) => ({ user: anna, status, ...extra }) as unknown as ChatMember;
const LINK = { invite_link: 'https://t.me/+abc', creator: { id: BOT, is_bot: true, first_name: 'Bot' }, creates_join_request: true, is_primary: false, is_revoked: false, name: 'flyer' };

function update(kind: 'join' | 'leave' | 'ban', extra: Partial<MemberUpdate> = {}): MemberUpdate {
  const [old, next] = kind === 'join' ? ['left', 'member'] : kind === 'leave' ? ['member', 'left'] : ['member', 'kicked'];
  return { chat: CHAT, from: anna, date: 1000, old_chat_member: member(old!), new_chat_member: member(next!, next === 'kicked' ? { until_date: 0 } : {}), ...extra } as MemberUpdate;
}
const invite = { id: 'flyer-row', id_link: 'FLY', link: 'https://t.me/+abc' } as Invite;
const facts = (standing?: Standing, inv?: Invite) => ({ standing, botId: BOT, invite: inv, zone: 'UTC' });
const inSince = (since: number, link = 'FLY', byBot = false): Standing => ({ member: true, link, since, byBot });
const outSince = (since: number, link = 'FLY'): Standing => ({ member: false, link, since, byBot: false });

describe('isMember / transitionOf', () => {
  test('restricted counts by is_member; creator and administrator are members', () => {
    expect(isMember(member('restricted', { is_member: true }))).toBe(true);
    expect(isMember(member('restricted', { is_member: false }))).toBe(false);
    expect(['creator', 'administrator', 'member', 'left', 'kicked'].map((s) => isMember(member(s)))).toEqual([true, true, true, false, false]);
  });
  test('a promotion or a new restriction of a member is neither a join nor a leave', () => {
    expect(transitionOf({ old_chat_member: member('member'), new_chat_member: member('administrator') })).toBeNull();
    expect(transitionOf({ old_chat_member: member('member'), new_chat_member: member('restricted', { is_member: true }) })).toBeNull();
    expect(transitionOf({ old_chat_member: member('restricted', { is_member: false }), new_chat_member: member('member') })).toBe('join');
    expect(transitionOf({ old_chat_member: member('kicked'), new_chat_member: member('left') })).toBeNull();
  });
});

describe('a join', () => {
  test('through a registry link: joined under the row id_link, the full link, no decided_by', () => {
    expect(membershipEvent(update('join', { invite_link: LINK }), facts(undefined, invite))).toEqual({
      id_link: 'FLY', id_tg: '4201', tg_f_name: 'Anna', tg_l_name: 'Berg', dt_tg_responde: '1970-01-01 00:16:40', tg_responde_status: 'joined',
      tg_username: 'anna', link: 'https://t.me/+abc', chat_id: '-100123', tg_request_date: '1000', decided_by: '', reason: '',
    });
  });
  test('through a link not in the registry: its name, else its URL; without a link: blank', () => {
    expect(membershipEvent(update('join', { invite_link: LINK }), facts())).toMatchObject({ id_link: 'flyer', link: 'https://t.me/+abc' });
    const masked = { ...LINK, invite_link: 'https://t.me/+ab…' } as typeof LINK;
    delete (masked as Partial<typeof LINK>).name;
    expect(membershipEvent(update('join', { invite_link: masked }), facts())).toMatchObject({ id_link: 'https://t.me/+ab…', link: 'https://t.me/+ab…' });
    expect(membershipEvent(update('join'), facts())).toMatchObject({ id_link: '', link: '', tg_responde_status: 'joined' });
  });
  test('the bot approved it itself: no row (the approve row stands for it)', () => {
    const bot = { id: BOT, is_bot: true, first_name: 'Bot' };
    expect(membershipEvent(update('join', { from: bot, via_join_request: true, invite_link: LINK }), facts(inSince(990, 'FLY', true), invite))).toBeNull();
    expect(membershipEvent(update('join', { from: bot, via_join_request: true, invite_link: LINK }), facts(undefined, invite))).toBeNull();
  });
  test('an admin approved in the app, or added them: decided_by is the admin', () => {
    const admin = { id: ADMIN, is_bot: false, first_name: 'Mo' };
    expect(membershipEvent(update('join', { from: admin, via_join_request: true, invite_link: LINK }), facts(undefined, invite))).toMatchObject({ tg_responde_status: 'joined', decided_by: '77', id_link: 'FLY' });
    expect(membershipEvent(update('join', { from: admin }), facts(outSince(500)))).toMatchObject({ tg_responde_status: 'joined', decided_by: '77', id_link: '' });
  });
  test('already a member since then or later: nothing (a redelivery, or tg-get members was first); since earlier: a leave was missed, so a join', () => {
    expect(membershipEvent(update('join'), facts(inSince(1000)))).toBeNull();
    expect(membershipEvent(update('join'), facts(inSince(1200)))).toBeNull();
    expect(membershipEvent(update('join', { invite_link: LINK }), facts(inSince(900, 'OLD'), invite))).toMatchObject({ tg_responde_status: 'joined', id_link: 'FLY' });
  });
  test('older than the leave the ledger knows: nothing', () => {
    expect(membershipEvent(update('join'), facts(outSince(1100)))).toBeNull();
    expect(membershipEvent(update('join'), facts(outSince(1000)))).toMatchObject({ tg_responde_status: 'joined' });
  });
});

describe('a leave', () => {
  test('by themselves: left, under the link they joined through', () => {
    expect(membershipEvent(update('leave'), facts(inSince(500, 'FLY')))).toMatchObject({ tg_responde_status: 'left', id_link: 'FLY', decided_by: '', link: '', tg_request_date: '1000' });
  });
  test('removed by an admin (left with from an admin) or banned (kicked): removed, decided_by the admin', () => {
    const admin = { id: ADMIN, is_bot: false, first_name: 'Mo' };
    expect(membershipEvent(update('leave', { from: admin }), facts(inSince(500)))).toMatchObject({ tg_responde_status: 'removed', decided_by: '77', id_link: 'FLY' });
    expect(membershipEvent(update('ban', { from: admin }), facts(inSince(500)))).toMatchObject({ tg_responde_status: 'removed', decided_by: '77' });
  });
  test('never seen joining: left with a blank link', () => {
    expect(membershipEvent(update('leave'), facts())).toMatchObject({ tg_responde_status: 'left', id_link: '' });
  });
  test('already gone, or older than the join the ledger knows: nothing; a join and a leave in the same second: the leave is written', () => {
    expect(membershipEvent(update('leave'), facts(outSince(900)))).toBeNull();
    expect(membershipEvent(update('leave'), facts(inSince(1100)))).toBeNull();
    expect(membershipEvent(update('leave'), facts(inSince(1000)))).toMatchObject({ tg_responde_status: 'left' });
  });
});
