import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator, OTHER_ADMIN, type EmulatorUser } from '../../src/emulator/index.js';
import { GROUP, alice, bob, call, rejection, telegramFor } from './helpers.js';

type Upd = { update_id: number } & Record<string, any>;
const carol: EmulatorUser = { id: 1003, first_name: 'Carol' };
const mod: EmulatorUser = { id: 1900, first_name: 'Mo', username: 'mod' };
const CHAT = { id: GROUP, title: 'Readers', type: 'supergroup' };
const u = (user: EmulatorUser) => ({
  id: user.id,
  is_bot: false,
  first_name: user.first_name,
  ...(user.last_name ? { last_name: user.last_name } : {}),
  ...(user.username ? { username: user.username } : {}),
});

describe('membership as Telegram reports it', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  let clock: number;
  /** Everything a bot asking for chat_member (and messages) gets next, confirmed. */
  const take = async (): Promise<Upd[]> => {
    const result = (await call(emu, 'getUpdates', { allowed_updates: ['chat_member', 'message', 'chat_join_request'] })).body['result'] as Upd[];
    const last = result.at(-1);
    if (last !== undefined) await call(emu, 'getUpdates', { offset: last.update_id + 1 });
    return result;
  };
  const members = (updates: Upd[]) => updates.filter((x) => x['chat_member']).map((x) => x['chat_member']);
  beforeEach(async () => {
    clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    emu = await BotApiEmulator.start({ now: () => clock });
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
    emu.addAdmin(GROUP, mod);
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('after the bot approves: from = the bot, via_join_request, the link, and the join message', async () => {
    const link = await tg.createChatInviteLink(GROUP, { name: 'flyer', creates_join_request: true });
    emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: link.invite_link });
    await take();
    await tg.approveChatJoinRequest(GROUP, alice.id);
    const updates = await take();
    expect(updates.map((x) => Object.keys(x)[1])).toEqual(['chat_member', 'message']);
    expect(updates[0]?.['chat_member']).toEqual({
      chat: CHAT,
      from: { id: emu.botUser.id, is_bot: true, first_name: 'Tracker Test Bot', username: 'tracker_test_bot' },
      date: clock / 1000,
      old_chat_member: { user: u(alice), status: 'left' },
      new_chat_member: { user: u(alice), status: 'member' },
      invite_link: link,
      via_join_request: true,
    });
    expect(updates[1]?.['message']).toMatchObject({ from: u(alice), new_chat_members: [u(alice)] });
  });

  it('an admin approving in the app: from = the admin, the request gone, the link masked', async () => {
    const foreign = emu.addForeignLink(GROUP, { name: 'theirs' });
    emu.requestJoin({ chatId: GROUP, user: bob, inviteLink: foreign });
    await take();
    emu.adminApproves(GROUP, bob.id, mod);
    const [update] = members(await take());
    expect(update).toMatchObject({ from: u(mod), via_join_request: true, new_chat_member: { status: 'member' } });
    expect(update.invite_link.invite_link).toMatch(/^https:\/\/t\.me\/\+[\w-]{8}…$/);
    expect(foreign.startsWith(update.invite_link.invite_link.slice(0, -1))).toBe(true);
    expect(emu.pendingJoinRequests(GROUP)).toEqual([]);
    // The bot's own try comes too late: the person is in already.
    const late = await rejection(tg.approveChatJoinRequest(GROUP, bob.id));
    expect((late as unknown as TelegramError).description).toBe('Bad Request: USER_ALREADY_PARTICIPANT');
    // A request an admin declined in the app is simply gone, with no update.
    emu.requestJoin({ chatId: GROUP, user: carol });
    await take();
    emu.adminDeclines(GROUP, carol.id);
    expect(await take()).toEqual([]);
    const missing = await rejection(tg.declineChatJoinRequest(GROUP, carol.id));
    expect((missing as unknown as TelegramError).description).toBe('Bad Request: HIDE_REQUESTER_MISSING');
    expect(() => emu.adminApproves(GROUP, carol.id, alice)).toThrow(/not an administrator/);
  });

  it('joins by a link without requests, by an add and by a public Join button', async () => {
    const direct = emu.addForeignLink(GROUP, { name: 'open door', createsJoinRequest: false, memberLimit: 1 });
    emu.joinByLink({ chatId: GROUP, user: alice, inviteLink: direct });
    expect(() => emu.joinByLink({ chatId: GROUP, user: carol, inviteLink: direct })).toThrow(/member limit/);
    emu.adminAdds(GROUP, bob);
    const [byLink, added] = members(await take());
    expect(byLink).toMatchObject({ from: u(alice), old_chat_member: { status: 'left' }, new_chat_member: { status: 'member' } });
    expect(byLink.invite_link).toMatchObject({ name: 'open door', creates_join_request: false, member_limit: 1 });
    expect(byLink.invite_link.invite_link).toMatch(/…$/);
    expect(byLink).not.toHaveProperty('via_join_request');
    expect(added).toMatchObject({ from: { id: OTHER_ADMIN.id }, new_chat_member: { user: { id: bob.id }, status: 'member' } });
    expect(added).not.toHaveProperty('invite_link');

    emu.addChat({ id: -1009, type: 'supergroup', title: 'Open', username: 'open_readers' });
    emu.joinPublic({ chatId: -1009, user: carol });
    const [publicJoin] = members(await take());
    expect(publicJoin).toMatchObject({ chat: { username: 'open_readers' }, from: u(carol), new_chat_member: { status: 'member' } });
    expect(publicJoin).not.toHaveProperty('invite_link');
    expect(() => emu.joinPublic({ chatId: GROUP, user: carol })).toThrow(/not public/);
  });

  it('leaves, removals, bans, unbans and a re-join through another link', async () => {
    const first = await tg.createChatInviteLink(GROUP, { creates_join_request: true });
    const second = await tg.createChatInviteLink(GROUP, { name: 'second' });
    emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: first.invite_link });
    await tg.approveChatJoinRequest(GROUP, alice.id);
    emu.adminAdds(GROUP, bob, mod);
    await take();

    emu.leave(GROUP, alice.id);
    let updates = await take();
    expect(updates[0]?.['chat_member']).toMatchObject({ from: u(alice), old_chat_member: { status: 'member' }, new_chat_member: { status: 'left' } });
    expect(updates[1]?.['message']).toMatchObject({ from: u(alice), left_chat_member: u(alice), left_chat_participant: u(alice) });

    emu.joinByLink({ chatId: GROUP, user: alice, inviteLink: second.invite_link });
    expect(members(await take())[0]).toMatchObject({ from: u(alice), invite_link: { invite_link: second.invite_link, name: 'second' } });

    emu.leave(GROUP, alice.id);
    emu.joinByLink({ chatId: GROUP, user: alice, inviteLink: second.invite_link, linkMissing: true });
    expect(members(await take()).map((m) => [m.new_chat_member.status, m.invite_link])).toEqual([['left', undefined], ['member', undefined]]);

    emu.adminRemoves(GROUP, alice.id, mod);
    expect(members(await take())[0]).toMatchObject({ from: u(mod), new_chat_member: { user: { id: alice.id }, status: 'left' } });

    emu.adminBans(GROUP, bob.id, { admin: mod, untilDate: clock / 1000 + 3600 });
    updates = await take();
    expect(updates[0]?.['chat_member']).toMatchObject({ from: u(mod), new_chat_member: { status: 'kicked', until_date: clock / 1000 + 3600 } });
    expect(updates[1]?.['message']).toMatchObject({ from: u(mod), left_chat_member: u(bob) });
    expect(() => emu.joinByLink({ chatId: GROUP, user: bob, inviteLink: second.invite_link })).toThrow(/banned/);
    expect((await tg.getChatMember(GROUP, bob.id)).status).toBe('kicked');

    emu.adminUnbans(GROUP, bob.id, mod);
    updates = await take();
    expect(updates.map((x) => Object.keys(x)[1])).toEqual(['chat_member']); // no service message
    expect(updates[0]?.['chat_member']).toMatchObject({ old_chat_member: { status: 'kicked' }, new_chat_member: { status: 'left' } });
  });

  it('sends chat_member only to an administrator bot that asks for it', async () => {
    emu.adminAdds(GROUP, alice);
    const byDefault = (await call(emu, 'getUpdates', { allowed_updates: [] })).body['result'] as Upd[];
    expect(byDefault.map((x) => Object.keys(x)[1])).toEqual(['message']);
    await take();

    emu.addChat({ id: -1008, type: 'supergroup', title: 'Plain', botRights: 'member' });
    const id = emu.adminAdds(-1008, bob);
    expect(id).toHaveLength(1); // the service message only: a non-admin bot gets no chat_member
    const asked = (await call(emu, 'getUpdates', { allowed_updates: ['chat_member', 'message'] })).body['result'] as Upd[];
    expect(asked.map((x) => Object.keys(x)[1])).toEqual(['message']);
    expect(asked[0]?.['message']).toMatchObject({ chat: { id: -1008 }, new_chat_members: [u(bob)] });
  });

  it('a member dropped silently sends nothing; getChatMember tells the truth', async () => {
    emu.adminAdds(GROUP, alice);
    emu.adminAdds(GROUP, bob);
    await take();
    emu.dropMemberSilently(GROUP, alice.id);
    emu.dropMemberSilently(GROUP, bob.id, 'kicked');
    expect(await take()).toEqual([]);
    expect(emu.isMember(GROUP, alice.id)).toBe(false);
    expect(await tg.getChatMember(GROUP, alice.id)).toEqual({ user: u(alice), status: 'left' });
    expect(await tg.getChatMember(GROUP, bob.id)).toEqual({ user: u(bob), status: 'kicked', until_date: 0 });
  });

  it('getChatMember: creator, administrator, member, restricted, left, kicked, unknown', async () => {
    emu.addAdmin(GROUP, carol, { can_invite_users: false });
    emu.setChatMember(GROUP, alice, { status: 'restricted', is_member: true, can_send_messages: true });
    emu.setChatMember(GROUP, bob, { status: 'restricted', is_member: false, until_date: clock / 1000 + 60 });
    expect(await tg.getChatMember(GROUP, OTHER_ADMIN.id)).toEqual({ user: u(OTHER_ADMIN), status: 'creator', is_anonymous: false });
    expect(await tg.getChatMember(GROUP, carol.id)).toMatchObject({ status: 'administrator', can_invite_users: false, can_restrict_members: true, can_be_edited: false });
    expect(await tg.getChatMember(GROUP, mod.id)).toMatchObject({ status: 'administrator', can_invite_users: true });
    const restricted = (await tg.getChatMember(GROUP, alice.id)) as unknown as Record<string, unknown>;
    expect(restricted).toMatchObject({ status: 'restricted', is_member: true, can_send_messages: true, can_send_photos: false, until_date: 0 });
    expect(emu.isMember(GROUP, alice.id)).toBe(true);
    expect(emu.isMember(GROUP, bob.id)).toBe(false);
    // A restricted non-member who comes back stays restricted, now with is_member true.
    emu.adminAdds(GROUP, bob);
    expect(members(await take())[0]).toMatchObject({
      old_chat_member: { status: 'restricted', is_member: false },
      new_chat_member: { status: 'restricted', is_member: true },
    });
    emu.sendPrivateText(carol, 'hi');
    emu.setChatMember(GROUP, carol, { status: 'member' });
    expect(await tg.getChatMember(GROUP, carol.id)).toEqual({ user: u(carol), status: 'member' });
    emu.adminBans(GROUP, carol.id, { untilDate: clock / 1000 + 60 });
    clock += 61_000; // a ban whose time is over reads as left
    expect(await tg.getChatMember(GROUP, carol.id)).toEqual({ user: u(carol), status: 'left' });
    expect(await tg.getChatMember(GROUP, emu.botUser.id)).toMatchObject({ status: 'administrator', can_invite_users: true });
    const unknown = await call(emu, 'getChatMember', { chat_id: GROUP, user_id: 424242 });
    expect(unknown).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: user not found' } });
    expect(emu.memberStatus(GROUP, mod.id)).toMatchObject({ status: 'administrator' });
  });
});
