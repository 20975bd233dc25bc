import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Input, TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, alice, call, png, rejection, telegramFor } from './helpers.js';

describe('messages', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  beforeEach(async () => {
    emu = await BotApiEmulator.start();
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('sends text, parsing HTML into entities, and numbers messages per chat', async () => {
    const first = await tg.sendMessage(GROUP, 'plain');
    const second = await tg.sendMessage(GROUP, '<b>Hi</b> &amp; <a href="https://t.me/x">bye</a>', { parse_mode: 'HTML' });
    expect(second.message_id).toBe(first.message_id + 1);
    expect(second).toMatchObject({
      from: { id: 123456, is_bot: true },
      chat: { id: GROUP, type: 'supergroup', title: 'Readers' },
      text: 'Hi & bye',
      entities: [
        { offset: 0, length: 2, type: 'bold' },
        { offset: 5, length: 3, type: 'text_link', url: 'https://t.me/x' },
      ],
    });
    expect(emu.messages(GROUP).map((m) => [m.kind, m.text, m.parse_mode])).toEqual([
      ['text', 'plain', undefined],
      ['text', 'Hi & bye', 'HTML'],
    ]);
    const broken = await call(emu, 'sendMessage', { chat_id: GROUP, text: 'a < b', parse_mode: 'HTML' });
    expect(broken.body['description']).toBe(`Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
  });

  it('enforces the text limits', async () => {
    expect((await call(emu, 'sendMessage', { chat_id: GROUP, text: '' })).body['description']).toBe('Bad Request: message text is empty');
    expect((await call(emu, 'sendMessage', { chat_id: GROUP })).body['description']).toBe('Bad Request: message text is empty');
    expect((await call(emu, 'sendMessage', { chat_id: GROUP, text: 'x'.repeat(4096) })).status).toBe(200);
    const long = await call(emu, 'sendMessage', { chat_id: GROUP, text: 'x'.repeat(4097) });
    expect(long).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } });
    expect(emu.messages(GROUP)).toHaveLength(1);
  });

  it('records the bytes of a multipart photo upload and answers PhotoSizes', async () => {
    const bytes = png(1600, 900);
    const sent = await tg.sendPhoto(GROUP, Input.fromBuffer(bytes, 'qr.png'), {
      caption: 'Scan me',
      reply_markup: { inline_keyboard: [[{ text: 'Open', url: 'https://t.me/readers' }]] },
    });
    expect(sent.caption).toBe('Scan me');
    expect(sent.photo.map((p) => [p.width, p.height])).toEqual([
      [90, 51],
      [320, 180],
      [800, 450],
      [1280, 720],
    ]);
    const [recorded] = emu.callsTo('sendPhoto');
    expect(recorded?.files).toEqual([{ field: 'photo', filename: 'qr.png', contentType: '', bytes }]);
    expect(recorded?.params).toMatchObject({ chat_id: String(GROUP), caption: 'Scan me' });
    expect(recorded?.params).not.toHaveProperty('method');
    const [message] = emu.messages(GROUP);
    expect(message?.file?.bytes.equals(bytes)).toBe(true);
    expect(message?.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Open', url: 'https://t.me/readers' }]] });

    const again = await tg.sendPhoto(GROUP, sent.photo[3]?.file_id ?? '');
    expect(again.photo).toHaveLength(4);
    const notImage = await rejection(tg.sendPhoto(GROUP, Input.fromBuffer(Buffer.from('not an image'), 'x.png')));
    expect((notImage as unknown as TelegramError).description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
  });

  it('limits captions to 1024 characters and sends documents', async () => {
    const tooLong = await rejection(tg.sendPhoto(GROUP, Input.fromBuffer(png(10, 10), 'a.png'), { caption: 'c'.repeat(1025) }));
    expect((tooLong as unknown as TelegramError).description).toBe('Bad Request: message caption is too long');
    const doc = await tg.sendDocument(GROUP, Input.fromBuffer(Buffer.from('a\tb\n'), 'report.tsv'), { caption: 'c'.repeat(1024) });
    expect(doc.document).toMatchObject({ file_name: 'report.tsv', mime_type: 'text/tab-separated-values', file_size: 4 });
    expect(emu.messages(GROUP).map((m) => [m.kind, m.file?.bytes.toString()])).toEqual([['document', 'a\tb\n']]);
  });

  it('edits, refuses an unchanged edit, and answers each callback query once', async () => {
    const keyboard = { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] };
    emu.sendPrivateText(alice, '/start');
    const sent = await tg.sendMessage(alice.id, 'Join?', { reply_markup: keyboard });
    const same = await rejection(tg.editMessageText(alice.id, sent.message_id, undefined, 'Join?', { reply_markup: keyboard }));
    expect((same as unknown as TelegramError).description).toMatch(/^Bad Request: message is not modified: /);
    await tg.editMessageText(alice.id, sent.message_id, undefined, 'Joined');
    expect(emu.messages(alice.id)[0]).toMatchObject({ text: 'Joined', edit_date: expect.any(Number) });
    expect(emu.messages(alice.id)[0]?.reply_markup).toBeUndefined();

    await tg.editMessageReplyMarkup(alice.id, sent.message_id, undefined, keyboard);
    emu.pressButton(alice, sent.message_id, 'yes');
    expect(() => emu.pressButton(alice, sent.message_id, 'no')).toThrow(/no button/);
    const updates = (await tg.getUpdates(0, 100, 0, undefined)) as unknown as Array<Record<string, any>>;
    expect(updates[0]?.['message']).toMatchObject({ text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] });
    const query = updates[1]?.['callback_query'];
    expect(query).toMatchObject({ from: { id: alice.id }, data: 'yes', message: { message_id: sent.message_id } });
    expect(await tg.answerCbQuery(query.id, 'Done')).toBe(true);
    const twice = await rejection(tg.answerCbQuery(query.id));
    expect((twice as unknown as TelegramError).description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    expect(await tg.deleteMessage(alice.id, sent.message_id)).toBe(true);
    expect(emu.messages(alice.id)).toEqual([]);
  });

  it('rate-limits sends to one group with the right retry_after', async () => {
    let clock = 1_750_000_000_000;
    const limited = await BotApiEmulator.start({ now: () => clock, groupSendsPerMinute: 3 });
    try {
      limited.addChat({ id: GROUP, type: 'group', title: 'Small' });
      limited.addChat({ id: -77, type: 'group', title: 'Other' });
      const client = telegramFor(limited);
      for (let i = 0; i < 3; i += 1) {
        await client.sendMessage(GROUP, `post ${i}`);
        clock += 10_000;
      }
      const error = await rejection(client.sendMessage(GROUP, 'one too many'));
      expect(error).toBeInstanceOf(TelegramError);
      expect((error as unknown as TelegramError).code).toBe(429);
      expect((error as unknown as TelegramError).parameters).toEqual({ retry_after: 30 });
      expect((error as unknown as TelegramError).description).toBe('Too Many Requests: retry after 30');
      expect((await client.sendMessage(-77, 'other group is fine')).message_id).toBe(1);
      clock += 30_000;
      expect((await client.sendMessage(GROUP, 'now it fits')).text).toBe('now it fits');
      expect(limited.messages(GROUP)).toHaveLength(4);
    } finally {
      await limited.stop();
    }
  });
});
