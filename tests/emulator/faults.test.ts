import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { TelegramError, type Telegram } from 'telegraf';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, call, rejection, telegramFor } from './helpers.js';

describe('faults and the HTTP surface', () => {
  let emu: BotApiEmulator;
  let tg: Telegram;
  beforeEach(async () => {
    emu = await BotApiEmulator.start();
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
    tg = telegramFor(emu);
  });
  afterEach(() => emu.stop());

  it('answers an injected 429 as telegraf expects, without running the method', async () => {
    emu.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    const error = await rejection(tg.sendMessage(GROUP, 'hello'));
    expect(error).toBeInstanceOf(TelegramError);
    const tgError = error as unknown as TelegramError;
    expect(tgError.code).toBe(429);
    expect(tgError.parameters).toEqual({ retry_after: 7 });
    expect(tgError.response).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    expect(emu.messages(GROUP)).toEqual([]);
    expect(emu.callsTo('sendMessage')[0]).toMatchObject({ status: 429, fault: 'error 429' });
    await tg.sendMessage(GROUP, 'hello');
    expect(emu.messages(GROUP)).toHaveLength(1);
  });

  it('passes migrate_to_chat_id and uses a fault `times` times', async () => {
    const fault = { kind: 'error', code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateToChatId: -100777 } as const;
    emu.failNext('SENDMESSAGE', fault, 2);
    for (let i = 0; i < 2; i += 1) {
      const error = (await rejection(tg.sendMessage(GROUP, 'x'))) as unknown as TelegramError;
      expect(error.parameters).toEqual({ migrate_to_chat_id: -100777 });
    }
    await tg.sendMessage(GROUP, 'x');
    expect(emu.callCount('sendMessage')).toBe(3);
  });

  it('drop-before changes nothing; drop-after runs the method; both reset the connection', async () => {
    emu.failNext('createChatInviteLink', { kind: 'drop-before' });
    const before = await rejection(tg.createChatInviteLink(GROUP, { creates_join_request: true }));
    expect(before.name).toBe('FetchError');
    expect(emu.inviteLinks(GROUP)).toHaveLength(0);

    emu.failNext('createChatInviteLink', { kind: 'drop-after' });
    const after = await rejection(tg.createChatInviteLink(GROUP, { creates_join_request: true }));
    expect(after.name).toBe('FetchError');
    expect(emu.inviteLinks(GROUP)).toHaveLength(1);
    expect(emu.callsTo('createChatInviteLink').map((c) => [c.status, c.fault])).toEqual([
      [0, 'drop-before'],
      [0, 'drop-after'],
    ]);
    expect((emu.callsTo('createChatInviteLink')[1]?.response as { result: { invite_link: string } }).result.invite_link).toBe(
      emu.inviteLinks(GROUP)[0]?.invite_link,
    );
  });

  it('delays an answer, and still runs the method when the client gave up', async () => {
    emu.failNext('sendMessage', { kind: 'delay', ms: 300 });
    const started = Date.now();
    await tg.sendMessage(GROUP, 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    emu.failNext('sendMessage', { kind: 'delay', ms: 300 });
    // The client sends the whole request, then gives up before the answer (a client-side timeout).
    const body = JSON.stringify({ chat_id: GROUP, text: 'timed out' });
    const request = http.request(`${emu.apiRoot}/bot${emu.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const failed = new Promise((resolve) => request.on('error', resolve));
    request.end(body, () => setTimeout(() => request.destroy(), 100));
    await failed;
    const late = await emu.waitForCall('sendMessage', (c) => c.params['text'] === 'timed out');
    expect(late.status).toBe(0);
    expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['slow', 'timed out']);
  });

  it('answers 401 for a wrong token, 404 for an unknown method, and ignores method case', async () => {
    const wrong = await fetch(`${emu.apiRoot}/bot123456:wrong/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await call(emu, 'banChatMemberPlease');
    expect(unknown).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    const me = await fetch(`${emu.apiRoot}/bot${emu.token}/GETME`);
    expect(((await me.json()) as { result: { username: string } }).result.username).toBe('tracker_test_bot');
    expect(emu.callsTo('getMe').map((c) => c.status)).toEqual([401, 200]);
  });

  it('accepts GET query strings and urlencoded bodies, coercing strings', async () => {
    const query = new URLSearchParams({ chat_id: String(GROUP), text: 'via GET', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] }) });
    const viaGet = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage?${query}`);
    expect(viaGet.status).toBe(200);
    const form = await fetch(`${emu.apiRoot}/bot${emu.token}/createChatInviteLink`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(GROUP), creates_join_request: 'true', expire_date: '0' }),
    });
    expect(((await form.json()) as { result: Record<string, unknown> }).result).toMatchObject({ creates_join_request: true });
    expect(emu.inviteLinks(GROUP)[0]).not.toHaveProperty('expire_date');
    expect(emu.messages(GROUP)[0]?.reply_markup).toEqual({ inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] });
    const badData = await call(emu, 'sendMessage', { chat_id: GROUP, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] } });
    expect(badData.body['description']).toBe('Bad Request: BUTTON_DATA_INVALID');
  });
});
