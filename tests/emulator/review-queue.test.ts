import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Telegraf, TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator, OTHER_ADMIN, type EmulatorUser } from '../../src/emulator/index.js';
import { GROUP, alice, bob, call, rejection, telegramFor } from './helpers.js';

const ADMINS = -1005550001;
const mod: EmulatorUser = { id: 1900, first_name: 'Mo', username: 'mod' };
const card = { inline_keyboard: [[{ text: '✅ Approve', callback_data: 'a:-1001234567890:1001' }, { text: '❌ Decline', callback_data: 'd:-1001234567890:1001' }]] };

describe('the review queue: an admin chat, presses, edits, and the requester', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  let clock: number;
  beforeEach(async () => {
    clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    emu = await BotApiEmulator.start({ now: () => clock });
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
    emu.addAdmin(GROUP, mod);
    emu.addChat({ id: ADMINS, type: 'group', title: 'Admins', botRights: 'member' });
    emu.addMember(ADMINS, mod.id);
    emu.addMember(ADMINS, bob.id);
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('delivers presses by anyone in the admins\' group; the bot tells admins from others', async () => {
    const sent = await tg.sendMessage(ADMINS, 'Alice asks to join via "not in the registry"', { reply_markup: card });
    expect(emu.findButton(ADMINS, 'approve')).toEqual({ messageId: sent.message_id, data: 'a:-1001234567890:1001', text: '✅ Approve' });
    emu.pressButtonIn(ADMINS, mod, sent.message_id, 'a:-1001234567890:1001');
    emu.pressButtonIn(ADMINS, bob, sent.message_id, 'd:-1001234567890:1001');
    expect(() => emu.pressButtonIn(ADMINS, alice, sent.message_id, 'a:-1001234567890:1001')).toThrow(/not in chat/);
    expect(() => emu.pressButtonIn(ADMINS, mod, sent.message_id, 'zzz')).toThrow(/no button/);
    const updates = (await tg.getUpdates(0, 100, 0, undefined)) as unknown as Array<Record<string, any>>;
    const [byMod, byBob] = updates.map((x) => x['callback_query']);
    expect(byMod).toMatchObject({
      from: { id: mod.id, username: 'mod' },
      message: { message_id: sent.message_id, chat: { id: ADMINS, type: 'group' }, reply_markup: card },
      data: 'a:-1001234567890:1001',
      chat_instance: expect.any(String),
    });
    expect(byBob).toMatchObject({ from: { id: bob.id }, data: 'd:-1001234567890:1001' });
    expect(byMod.id).not.toBe(byBob.id);
    // The check a handler makes before acting on a press.
    expect((await tg.getChatMember(GROUP, mod.id)).status).toBe('administrator');
    expect((await tg.getChatMember(GROUP, OTHER_ADMIN.id)).status).toBe('creator');
    expect((await tg.getChatMember(GROUP, bob.id)).status).toBe('left');
    expect(await tg.answerCbQuery(byBob.id, 'Only admins can decide')).toBe(true);
    expect(await tg.answerCbQuery(byMod.id)).toBe(true);

    const edited = await tg.editMessageText(ADMINS, sent.message_id, undefined, 'Approved by Mo');
    expect(edited).toMatchObject({ text: 'Approved by Mo', edit_date: clock / 1000 });
    expect(emu.messages(ADMINS)[0]?.reply_markup).toBeUndefined();
    const same = await rejection(tg.editMessageText(ADMINS, sent.message_id, undefined, 'Approved by Mo'));
    expect((same as unknown as TelegramError).description).toMatch(/^Bad Request: message is not modified/);
    const noKeyboard = await rejection(tg.editMessageReplyMarkup(ADMINS, sent.message_id, undefined, undefined));
    expect((noKeyboard as unknown as TelegramError).code).toBe(400);
    // A press the bot answers too late: Telegram no longer takes the answer.
    const late = emu.pressButtonIn(ADMINS, mod, (await tg.sendMessage(ADMINS, 'again', { reply_markup: card })).message_id, card.inline_keyboard[0]![0]!.callback_data);
    const lateQuery = ((await tg.getUpdates(0, 100, late, undefined)) as unknown as Array<Record<string, any>>)[0]?.['callback_query'];
    emu.expireCallbackQueries();
    const tooOld = await call(emu, 'answerCallbackQuery', { callback_query_id: lateQuery.id });
    expect(tooOld.body['description']).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  it('keeps callback_data within 1-64 bytes', async () => {
    const ok = { inline_keyboard: [[{ text: 'x', callback_data: 'é'.repeat(32) }]] };
    expect((await tg.sendMessage(ADMINS, 'fits', { reply_markup: ok })).message_id).toBeGreaterThan(0);
    for (const data of ['é'.repeat(32) + 'a', '']) {
      const refused = await call(emu, 'sendMessage', { chat_id: ADMINS, text: 'no', reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: data }]] } });
      expect(refused).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' } });
    }
  });

  it('writes to a requester through user_chat_id while the request waits, and takes their press', async () => {
    const requestUpdate = emu.requestJoin({ chatId: GROUP, user: alice });
    const [first] = (await tg.getUpdates(0, 100, requestUpdate, undefined)) as unknown as Array<Record<string, any>>;
    const chatId = first?.['chat_join_request'].user_chat_id as number;
    const keyboard = { inline_keyboard: [[{ text: "I'm joining through flyer-7", callback_data: 'check' }]] };
    const sent = await tg.sendMessage(chatId, 'Please confirm', { reply_markup: keyboard });
    expect(sent.chat).toMatchObject({ id: alice.id, type: 'private' });
    const press = emu.pressButton(alice, sent.message_id, 'check');
    const [pressed] = (await tg.getUpdates(0, 100, press, undefined)) as unknown as Array<Record<string, any>>;
    expect(pressed?.['callback_query']).toMatchObject({ from: { id: alice.id }, data: 'check', message: { chat: { id: alice.id } } });
    // Within five minutes the bot may write again; once it decides, no longer.
    clock += 4 * 60 * 1000;
    await tg.sendMessage(chatId, 'Thanks');
    await tg.approveChatJoinRequest(GROUP, alice.id);
    const after = await call(emu, 'sendMessage', { chat_id: chatId, text: 'Welcome' });
    expect(after).toEqual({ status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" } });
    // Its edits of the messages it sent still work.
    expect(await tg.editMessageText(chatId, sent.message_id, undefined, 'Confirmed')).toMatchObject({ text: 'Confirmed' });

    // A request nobody decides: five minutes, then 403.
    emu.requestJoin({ chatId: GROUP, user: { id: 3003, first_name: 'Dan' } });
    clock += 5 * 60 * 1000 + 1000;
    expect((await call(emu, 'sendMessage', { chat_id: 3003, text: 'hi' })).status).toBe(403);
  });

  it('answers 403 "bot was blocked by the user" to a requester who blocked the bot', async () => {
    emu.blockBot(alice);
    emu.requestJoin({ chatId: GROUP, user: alice });
    const blocked = await call(emu, 'sendMessage', { chat_id: alice.id, text: 'Please confirm' });
    expect(blocked).toEqual({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    const updates = (await call(emu, 'getUpdates', { allowed_updates: [] })).body['result'] as Array<Record<string, any>>;
    expect(updates[0]?.['my_chat_member']).toMatchObject({
      chat: { id: alice.id, type: 'private' },
      from: { id: alice.id },
      old_chat_member: { status: 'member', user: { id: emu.botUser.id } },
      new_chat_member: { status: 'kicked', until_date: 0 },
    });
    emu.unblockBot(alice);
    expect((await call(emu, 'sendMessage', { chat_id: alice.id, text: 'Hello again' })).status).toBe(200);
  });

  it('a real telegraf bot: a card in a private admin chat, a press, the answer and the edit', async () => {
    const admin = emu.addPrivateChat(mod);
    const bot = new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } });
    bot.on('callback_query', async (ctx) => {
      const member = await ctx.telegram.getChatMember(GROUP, ctx.from.id);
      await ctx.answerCbQuery(member.status === 'administrator' ? 'Done' : 'Not allowed');
      await ctx.editMessageText(`Approved by ${ctx.from.first_name}`);
    });
    const errors: unknown[] = [];
    bot.catch((error) => void errors.push(error));
    const sent = await bot.telegram.sendMessage(admin, 'Bob asks to join', { reply_markup: card });
    let launched!: () => void;
    const started = new Promise<void>((resolve) => (launched = resolve));
    const running = bot.launch({ allowedUpdates: ['callback_query'] }, () => launched());
    await started;
    const button = emu.findButton(admin, 'Approve');
    emu.pressButton(mod, button!.messageId, button!.data);
    await emu.waitForCall('editMessageText');
    await emu.waitForIdle();
    expect(emu.callsTo('answerCallbackQuery').map((c) => [c.params['text'], c.status])).toEqual([['Done', 200]]);
    expect(emu.messages(admin).map((m) => m.text)).toEqual(['Approved by Mo']);
    expect(emu.messages(admin)[0]?.message_id).toBe(sent.message_id);
    expect(errors).toEqual([]);
    bot.stop('test over');
    await running;
  });
});
