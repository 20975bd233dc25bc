import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, alice, bob, call, rejection, telegramFor } from './helpers.js';

type JoinUpdate = { update_id: number; chat_join_request: Record<string, unknown> & { invite_link?: Record<string, unknown> } };

describe('join requests', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  let clock: number;
  beforeEach(async () => {
    clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    emu = await BotApiEmulator.start({ now: () => clock });
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('shows the bot its own link whole, another admin\'s masked, and none for a public join', async () => {
    const own = await tg.createChatInviteLink(GROUP, { name: 'flyer', creates_join_request: true });
    const foreign = emu.addForeignLink(GROUP, { name: 'theirs' });
    const first = emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: own.invite_link, bio: 'hi' });
    emu.requestJoin({ chatId: GROUP, user: bob, inviteLink: foreign });
    emu.requestJoin({ chatId: GROUP, user: { id: 1003, first_name: 'Carol' }, inviteLink: null });

    const updates = (await tg.getUpdates(0, 100, 0, undefined)) as unknown as JoinUpdate[];
    expect(updates.map((u) => u.update_id)).toEqual([first, first + 1, first + 2]);
    const [a, b, c] = updates.map((u) => u.chat_join_request);
    expect(a).toEqual({
      chat: { id: GROUP, title: 'Readers', type: 'supergroup' },
      from: { id: alice.id, is_bot: false, first_name: 'Alice', username: 'alice' },
      user_chat_id: alice.id,
      date: clock / 1000,
      bio: 'hi',
      invite_link: { ...own, pending_join_request_count: 1 },
    });
    const hash = foreign.slice('https://t.me/+'.length);
    expect(b?.invite_link?.['invite_link']).toBe(`https://t.me/+${hash.slice(0, 8)}…`);
    expect(b?.invite_link?.['creator']).toMatchObject({ is_bot: false, first_name: 'Other' });
    expect(b?.invite_link?.['name']).toBe('theirs');
    expect(c).not.toHaveProperty('invite_link');
    expect(emu.pendingJoinRequests(GROUP)).toEqual([
      { userId: alice.id, date: clock / 1000, inviteLink: own.invite_link },
      { userId: bob.id, date: clock / 1000, inviteLink: foreign },
      { userId: 1003, date: clock / 1000 },
    ]);
  });

  it('refuses join requests Telegram could not produce', async () => {
    const direct = await tg.createChatInviteLink(GROUP, {});
    expect(() => emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: direct.invite_link })).toThrow(/does not create join requests/);
    expect(() => emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: 'https://t.me/+nope' })).toThrow(/not a link/);
  });

  it('approves and declines, with the two known 400s', async () => {
    emu.requestJoin({ chatId: GROUP, user: alice });
    emu.requestJoin({ chatId: GROUP, user: bob });
    expect(await tg.approveChatJoinRequest(GROUP, alice.id)).toBe(true);
    expect(emu.isMember(GROUP, alice.id)).toBe(true);
    const again = await rejection(tg.approveChatJoinRequest(GROUP, alice.id));
    expect((again as unknown as TelegramError).description).toBe('Bad Request: USER_ALREADY_PARTICIPANT');
    expect(await tg.declineChatJoinRequest(GROUP, bob.id)).toBe(true);
    expect(emu.isMember(GROUP, bob.id)).toBe(false);
    const missing = await rejection(tg.declineChatJoinRequest(GROUP, bob.id));
    expect(missing).toBeInstanceOf(TelegramError);
    expect((missing as unknown as TelegramError).response).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: HIDE_REQUESTER_MISSING',
    });
    expect(emu.pendingJoinRequests(GROUP)).toEqual([]);
  });

  it('sends chat_member on approval only to a bot that asks for it', async () => {
    emu.requestJoin({ chatId: GROUP, user: alice });
    emu.requestJoin({ chatId: GROUP, user: bob });
    await tg.approveChatJoinRequest(GROUP, alice.id);
    const byDefault = (await call(emu, 'getUpdates', { allowed_updates: [] })).body['result'] as Record<string, unknown>[];
    expect(byDefault.map((u) => Object.keys(u)[1])).toEqual(['chat_join_request', 'chat_join_request', 'message']);
    await tg.approveChatJoinRequest(GROUP, bob.id);
    const asked = (await call(emu, 'getUpdates', { allowed_updates: ['chat_member'] })).body['result'] as Array<Record<string, any>>;
    expect(asked).toHaveLength(1);
    expect(asked[0]?.['chat_member']).toMatchObject({
      new_chat_member: { status: 'member', user: { id: bob.id } },
      via_join_request: true,
    });
  });

  it('lets the bot write to a pending requester for five minutes, not after', async () => {
    const user = { id: 2001, first_name: 'Dora' };
    emu.requestJoin({ chatId: GROUP, user });
    const sent = await tg.sendMessage(user.id, 'Which flyer brought you?');
    expect(sent.chat).toEqual({ id: user.id, first_name: 'Dora', type: 'private' });
    clock += 5 * 60 * 1000 + 1000;
    const late = await call(emu, 'sendMessage', { chat_id: user.id, text: 'still there?' });
    expect(late).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" },
    });
    const stranger = await call(emu, 'sendMessage', { chat_id: 9999, text: 'hello' });
    expect(stranger.body['description']).toBe('Bad Request: chat not found');
    expect(emu.messages(user.id).map((m) => m.text)).toEqual(['Which flyer brought you?']);
  });
});
