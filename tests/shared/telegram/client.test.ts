import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BotApiEmulator } from '../../../src/emulator/index.js';
import { createLogger } from '../../../src/shared/cli/log.js';
import { createBot, DEFAULT_RETRY, type RetryPolicy } from '../../../src/shared/telegram/client.js';
import { TelegramError } from 'telegraf';
import { classify, NetworkError } from '../../../src/shared/telegram/errors.js';

const CHAT = -1001234567890;
let emu: BotApiEmulator;
let waits: number[];
let lines: string[];
let policy: RetryPolicy;

beforeEach(async () => {
  emu = await BotApiEmulator.start();
  emu.addChat({ id: CHAT, type: 'supergroup', title: 'Club' });
  waits = [];
  lines = [];
  policy = { ...DEFAULT_RETRY, timeoutMs: 2000, sleep: async (ms) => { waits.push(ms); } };
});
afterEach(async () => { await emu.stop(); });

function bot(apiRoot = emu.apiRoot) {
  const log = createLogger({ secrets: [emu.token], out: (l) => lines.push(l), err: (l) => lines.push(l), timestamps: false });
  return createBot({ token: emu.token, apiRoot, log, retry: policy });
}

describe('withRetry', () => {
  it('waits out a 429 for exactly retry_after, then succeeds', async () => {
    emu.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 }, 2);
    const message = await bot().telegram.sendMessage(CHAT, 'hello');
    expect(message.text).toBe('hello');
    expect(waits).toEqual([7000, 7000]);
    expect(emu.callCount('sendMessage')).toBe(3);
    expect(emu.messages(CHAT)).toHaveLength(1);
    expect(lines.join('\n')).toContain('sendMessage: Telegram asks to slow down (429); waiting 7 s as told');
  });

  it('gives up on 429 after its retries and throws Telegram\'s error', async () => {
    emu.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }, 10);
    const error = await bot().telegram.sendMessage(CHAT, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramError);
    expect((error as TelegramError).code).toBe(429);
    expect(emu.callCount('sendMessage')).toBe(1 + DEFAULT_RETRY.rateLimitRetries);
  });

  it('retries a 5xx with doubling backoff', async () => {
    emu.failNext('sendMessage', { kind: 'error', code: 502, description: 'Bad Gateway' }, 2);
    await bot().telegram.sendMessage(CHAT, 'after 502');
    expect(waits).toEqual([500, 1000]);
    expect(emu.messages(CHAT).map((m) => m.text)).toEqual(['after 502']);
  });

  it('does not retry a 400: Telegram refused, nothing happened', async () => {
    const error = await bot().telegram.sendMessage(CHAT, 'x'.repeat(4097)).catch((e: unknown) => e);
    expect(classify(error)).toMatchObject({ kind: 'refused', code: 400 });
    expect(emu.callCount('sendMessage')).toBe(1);
    expect(waits).toEqual([]);
  });

  it('never repeats a send whose answer was lost: the group would see it twice', async () => {
    emu.failNext('sendMessage', { kind: 'drop-after' });
    const error = await bot().telegram.sendMessage(CHAT, 'maybe').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).sent).toBe(true);
    expect(emu.callCount('sendMessage')).toBe(1);
    expect(emu.messages(CHAT).map((m) => m.text)).toEqual(['maybe']);
  });

  it('repeats a lost answer for methods where a repeat is harmless', async () => {
    emu.failNext('createChatInviteLink', { kind: 'drop-after' });
    const link = await bot().telegram.createChatInviteLink(CHAT, { name: 'anna', creates_join_request: true });
    expect(link.name).toBe('anna');
    expect(emu.callCount('createChatInviteLink')).toBe(2);
  });

  it('treats a timeout as "may have arrived"', async () => {
    policy.timeoutMs = 200;
    emu.failNext('sendMessage', { kind: 'delay', ms: 1000 });
    const error = await bot().telegram.sendMessage(CHAT, 'slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).sent).toBe(true);
    // The emulator, like Telegram, still carries the request out after the client gave up on it.
    await emu.waitForCall('sendMessage', () => true, 3000);
    expect(emu.callCount('sendMessage')).toBe(1);
    expect(emu.messages(CHAT).map((m) => m.text)).toEqual(['slow']);
  });

  it('retries a refused connection (nothing was sent) and then reports it without the token', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const error = await bot(`http://127.0.0.1:${port}`).telegram.sendMessage(CHAT, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).sent).toBe(false);
    expect(waits).toEqual([500, 1000, 2000]);
    expect(String((error as Error).message)).not.toContain(emu.token);
    expect(lines.join('\n')).not.toContain(emu.token);
  });

  it('covers each update\'s own ctx.telegram, not only bot.telegram', async () => {
    const b = bot();
    b.botInfo = { id: emu.botUser.id, is_bot: true, first_name: 'Bot', username: 'tracker_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never;
    b.on('message', async (ctx) => { await ctx.reply('pong'); });
    emu.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3 });
    await b.handleUpdate({
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: CHAT, type: 'supergroup', title: 'Club' }, from: { id: 5, is_bot: false, first_name: 'A' }, text: 'ping' },
    } as never);
    expect(waits).toEqual([3000]);
    expect(emu.messages(CHAT).map((m) => m.text)).toEqual(['pong']);
  });

  it('hands every update the bot\'s one wrapped client instead of wrapping a new one per update', async () => {
    const b = bot();
    b.botInfo = { id: emu.botUser.id, is_bot: true, first_name: 'Bot', username: 'tracker_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never;
    const seen: unknown[] = [];
    b.on('message', (ctx) => { seen.push(ctx.telegram); });
    for (const id of [1, 2]) {
      await b.handleUpdate({
        update_id: id,
        message: { message_id: id, date: 0, chat: { id: CHAT, type: 'supergroup', title: 'Club' }, from: { id: 5, is_bot: false, first_name: 'A' }, text: 'ping' },
      } as never);
    }
    expect(seen).toEqual([b.telegram, b.telegram]);
    expect(seen[0]).toBe(b.telegram);
  });

  it('gives each call of a burst its time limit: a slow call times out, the others sharing its limit do not', async () => {
    // Limits wide enough for a loaded machine: the 20 fast calls must each finish well within 2 s.
    policy.timeoutMs = 2000;
    emu.failNext('sendMessage', { kind: 'delay', ms: 6000 });
    const b = bot();
    const results = await Promise.allSettled([b.telegram.sendMessage(CHAT, 'slow'), ...Array.from({ length: 20 }, (_, i) => b.telegram.sendMessage(CHAT, `fast ${i}`))]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(NetworkError) });
    expect(results.slice(1).map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 'fulfilled'));
    // A call made after the first limit ran out gets a fresh one.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await expect(b.telegram.sendMessage(CHAT, 'later')).resolves.toMatchObject({ text: 'later' });
  });
});
