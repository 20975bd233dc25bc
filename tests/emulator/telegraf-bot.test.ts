import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Telegraf } from 'telegraf';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, alice, bob } from './helpers.js';

describe('a real telegraf bot against the emulator', () => {
  let emu: BotApiEmulator;
  beforeEach(async () => {
    emu = await BotApiEmulator.start();
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
  });
  afterEach(() => emu.stop());

  it('polls, receives a join request, approves it, and stops cleanly', async () => {
    const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
    const seenLinks: Array<string | undefined> = [];
    bot.on('chat_join_request', async (ctx) => {
      seenLinks.push(ctx.chatJoinRequest.invite_link?.invite_link);
      await ctx.approveChatJoinRequest(ctx.chatJoinRequest.from.id);
    });
    bot.command('start', (ctx) => ctx.reply(`Hello, ${ctx.from.first_name}`));
    const errors: unknown[] = [];
    bot.catch((error) => {
      errors.push(error);
    });
    const link = await bot.telegram.createChatInviteLink(GROUP, { name: 'flyer', creates_join_request: true });
    // A request that arrived while the bot was down waits for it.
    emu.requestJoin({ chatId: GROUP, user: alice, inviteLink: link.invite_link });

    let launched!: () => void;
    const started = new Promise<void>((resolve) => (launched = resolve));
    const running = bot.launch(() => launched());
    await started;

    emu.requestJoin({ chatId: GROUP, user: bob, inviteLink: emu.addForeignLink(GROUP) });
    emu.sendPrivateText(bob, '/start');
    await emu.waitForCall('approveChatJoinRequest', (c) => c.params['user_id'] === bob.id);
    await emu.waitForIdle();

    expect(emu.isMember(GROUP, alice.id)).toBe(true);
    expect(emu.isMember(GROUP, bob.id)).toBe(true);
    expect(seenLinks[0]).toBe(link.invite_link);
    expect(seenLinks[1]).toMatch(/^https:\/\/t\.me\/\+[\w-]{8}…$/);
    expect(emu.messages(bob.id).map((m) => m.text)).toEqual(['Hello, Bob']);
    expect(errors).toEqual([]);
    expect(emu.calls.slice(0, 3).map((c) => c.method)).toEqual(['createChatInviteLink', 'getMe', 'deleteWebhook']);

    bot.stop('test over');
    await running;
    expect(emu.pendingUpdateCount()).toBe(0);
    // telegraf aborted its last poll: that one went unanswered, not 409.
    expect(emu.callsTo('getUpdates').map((c) => c.status)).toEqual([200, 200, 200, 0]);
  });

  it('gets chat_member updates through telegraf when it asks for them, and the join message either way', async () => {
    const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
    const seen: string[] = [];
    bot.on('chat_member', (ctx) => {
      const { from, old_chat_member: was, new_chat_member: now, invite_link: link } = ctx.chatMember;
      seen.push(`${now.user.first_name}: ${was.status} -> ${now.status} by ${from.first_name}${link === undefined ? '' : ` via ${link.name ?? '?'}`}`);
    });
    bot.on('message', (ctx) => {
      if ('new_chat_members' in ctx.message) seen.push(`joined: ${ctx.message.new_chat_members.map((u) => u.first_name).join()}`);
      if ('left_chat_member' in ctx.message) seen.push(`left: ${ctx.message.left_chat_member.first_name}`);
    });
    let launched!: () => void;
    const started = new Promise<void>((resolve) => (launched = resolve));
    const running = bot.launch({ allowedUpdates: ['chat_member', 'message'] }, () => launched());
    await started;
    const open = emu.addForeignLink(GROUP, { name: 'poster', createsJoinRequest: false });
    emu.joinByLink({ chatId: GROUP, user: alice, inviteLink: open });
    emu.leave(GROUP, alice.id);
    emu.adminAdds(GROUP, bob);
    await emu.waitForIdle();
    bot.stop('test over');
    await running;
    // One batch is handled concurrently, so only the order within each kind is certain.
    const [changes, messages] = [seen.filter((l) => l.includes('->')), seen.filter((l) => !l.includes('->'))];
    expect(changes).toEqual(['Alice: left -> member by Alice via poster', 'Alice: member -> left by Alice', 'Bob: left -> member by Other']);
    expect(messages).toEqual(['joined: Alice', 'left: Alice', 'joined: Bob']);
  });
});
