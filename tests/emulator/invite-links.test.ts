import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, call, rejection, telegramFor } from './helpers.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('invite links', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  beforeEach(async () => {
    emu = await BotApiEmulator.start({ now: () => NOW });
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers', username: 'readers_club' });
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('creates a link as Telegram returns it, and lists it', async () => {
    const expire = NOW / 1000 + 3600;
    const link = await tg.createChatInviteLink(GROUP, { name: 'flyer A', creates_join_request: true, expire_date: expire });
    expect(link).toEqual({
      invite_link: expect.stringMatching(/^https:\/\/t\.me\/\+[\w-]{16}$/),
      name: 'flyer A',
      creator: { id: 123456, is_bot: true, first_name: 'Tracker Test Bot', username: 'tracker_test_bot' },
      expire_date: expire,
      creates_join_request: true,
      is_primary: false,
      is_revoked: false,
    });
    expect(emu.inviteLinks(GROUP)).toEqual([link]);
    const second = await tg.createChatInviteLink('@readers_club', { member_limit: 5 });
    expect(second.invite_link).not.toBe(link.invite_link);
    expect(second.member_limit).toBe(5);
    expect(emu.callsTo('createChatInviteLink').map((c) => c.status)).toEqual([200, 200]);
  });

  it('cuts a 33-character name to 32, as TDLib does', async () => {
    const link = await tg.createChatInviteLink(GROUP, { name: `${'x'.repeat(32)}Y` });
    expect(link.name).toBe('x'.repeat(32));
  });

  it('refuses a member limit together with join requests, and bad limits', async () => {
    const error = await rejection(tg.createChatInviteLink(GROUP, { member_limit: 10, creates_join_request: true }));
    expect(error).toBeInstanceOf(TelegramError);
    expect((error as unknown as TelegramError).code).toBe(400);
    expect((error as unknown as TelegramError).description).toBe(
      "Bad Request: member limit can't be specified for links requiring administrator approval",
    );
    const tooMany = await call(emu, 'createChatInviteLink', { chat_id: GROUP, member_limit: 100_000 });
    expect(tooMany.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: USAGE_LIMIT_INVALID' });
    const past = await call(emu, 'createChatInviteLink', { chat_id: GROUP, expire_date: NOW / 1000 - 10 });
    expect(past.body['description']).toBe('Bad Request: EXPIRE_DATE_INVALID');
    expect(emu.inviteLinks(GROUP)).toHaveLength(0);
  });

  it('answers chat not found and missing rights', async () => {
    emu.addChat({ id: -1002, type: 'supergroup', title: 'No invite right', botRights: 'admin-no-invite' });
    emu.addChat({ id: -1003, type: 'supergroup', title: 'Gone', botRights: 'none' });
    expect((await call(emu, 'createChatInviteLink', { chat_id: -1009 })).body['description']).toBe('Bad Request: chat not found');
    expect((await call(emu, 'createChatInviteLink', { chat_id: '@nobody' })).body['description']).toBe('Bad Request: chat not found');
    const noRight = await call(emu, 'createChatInviteLink', { chat_id: '-1002' });
    expect(noRight).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: not enough rights to manage chat invite link' },
    });
    const gone = await call(emu, 'createChatInviteLink', { chat_id: -1003 });
    expect(gone.status).toBe(403);
    expect(gone.body['description']).toBe('Forbidden: bot is not a member of the supergroup chat');
  });

  it('edits (resetting omitted settings) and revokes only its own links', async () => {
    const link = await tg.createChatInviteLink(GROUP, { name: 'old', member_limit: 3 });
    const edited = await tg.editChatInviteLink(GROUP, link.invite_link, { name: 'new' });
    expect(edited).toMatchObject({ invite_link: link.invite_link, name: 'new' });
    expect(edited.member_limit).toBeUndefined();
    const revoked = await tg.revokeChatInviteLink(GROUP, link.invite_link);
    expect(revoked.is_revoked).toBe(true);
    const foreign = emu.addForeignLink(GROUP, { name: 'theirs' });
    const error = await rejection(tg.revokeChatInviteLink(GROUP, foreign));
    expect((error as unknown as TelegramError).description).toBe('Bad Request: CHAT_ADMIN_REQUIRED');
    expect(emu.inviteLinks(GROUP).map((l) => [l.invite_link, l.is_revoked])).toEqual([
      [link.invite_link, true],
      [foreign, false],
    ]);
  });
});
