/**
 * takeJoinRequests: a join request of the expected shape goes straight to the handler with the bot's
 * own client, counted in flight while it runs, its failure handed to `failed`, a webhook post
 * answered after it; every other update, and a request whose shape needs zod's word, goes through
 * telegraf's middleware as before.
 */
import { describe, expect, test } from '@jest/globals';
import { Telegraf, type Telegram } from 'telegraf';
import type { ChatJoinRequest, Update } from 'telegraf/types';
import { InFlight } from '../../src/handler-exec/in-flight.js';
import { takeJoinRequests } from '../../src/handler-exec/join-lane.js';

const BOT = { id: 9000, is_bot: true as const, first_name: 'Bot', username: 'the_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false };
const anna = { id: 4201, is_bot: false, first_name: 'Anna', username: 'anna' };
const chat = { id: -100123, type: 'supergroup', title: 'Club' };
const request = (extra: Record<string, unknown> = {}) => ({ chat, from: anna, user_chat_id: anna.id, date: 1000, invite_link: { invite_link: 'https://t.me/+abc', name: 'anna-2026' }, ...extra });

interface Setup {
  bot: Telegraf;
  /** Update ids that reached telegraf's middleware. */
  middleware: number[];
  /** What the lane's handler was given. */
  handled: Array<{ request: ChatJoinRequest; telegram: Telegram }>;
  failures: Array<{ error: unknown; update: Update }>;
  inFlight: InFlight;
}

function setup(handle: (request: ChatJoinRequest, telegram: Telegram) => Promise<void> = async () => {}, botInfo = true): Setup {
  const bot = new Telegraf('123456:AAbbccddeeffgghhiijjkkllmm');
  if (botInfo) bot.botInfo = BOT;
  const middleware: number[] = [];
  const handled: Setup['handled'] = [];
  const failures: Setup['failures'] = [];
  const inFlight = new InFlight();
  bot.use((ctx) => void middleware.push(ctx.update.update_id));
  takeJoinRequests(bot, (r, telegram) => {
    handled.push({ request: r, telegram });
    return handle(r, telegram);
  }, { inFlight, failed: (error, update) => void failures.push({ error, update }) });
  return { bot, middleware, handled, failures, inFlight };
}

describe('takeJoinRequests', () => {
  test('a join request goes to the handler with bot.telegram; the rest, and a request zod must judge, go to the middleware', async () => {
    const s = setup();
    const updates: Array<Record<string, unknown>> = [
      { update_id: 1, chat_join_request: request() },
      { update_id: 2, chat_join_request: request({ invite_link: undefined }) },
      { update_id: 3, chat_join_request: request({ from: null }) },
      { update_id: 4, chat_join_request: request({ invite_link: { invite_link: 42 } }) },
      { update_id: 5, message: { message_id: 1, chat, from: anna, date: 1, text: '/start' } },
      { update_id: 6, chat_member: { chat, from: anna, date: 1, old_chat_member: { user: anna, status: 'left' }, new_chat_member: { user: anna, status: 'member' } } },
      { update_id: 7, chat_join_request: null },
    ];
    for (const update of updates) await s.bot.handleUpdate(update as never);
    expect(s.handled.map((h) => h.request)).toEqual([request(), request({ invite_link: undefined })]);
    for (const h of s.handled) expect(h.telegram).toBe(s.bot.telegram);
    expect(s.middleware).toEqual([3, 4, 5, 6, 7]);
    expect(s.failures).toEqual([]);
  });

  test('before getMe has answered, a join request takes telegraf\'s path', async () => {
    const s = setup(async () => {}, false);
    // telegraf's own path asks getMe first; give it the answer it waits for.
    (s.bot as unknown as { botInfoCall: Promise<typeof BOT> }).botInfoCall = Promise.resolve(BOT);
    await s.bot.handleUpdate({ update_id: 1, chat_join_request: request() } as never);
    expect(s.handled).toEqual([]);
    expect(s.middleware).toEqual([1]);
  });

  test('the request is in flight until its handler has finished, and described as such', async () => {
    let finish = () => {};
    const s = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    const handled = s.bot.handleUpdate({ update_id: 12, chat_join_request: request() } as never);
    expect(s.inFlight.size).toBe(1);
    expect(s.inFlight.describe()).toBe('update 12 (join request of user 4201)');
    let idle = false;
    void s.inFlight.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    finish();
    await handled;
    expect(s.inFlight.size).toBe(0);
    expect(idle).toBe(true);
  });

  test('a handler that rejects or throws is handed to `failed` with its update; handleUpdate resolves and the request is no longer in flight', async () => {
    const boom = new Error('boom');
    const rejecting = setup(() => Promise.reject(boom));
    await expect(rejecting.bot.handleUpdate({ update_id: 21, chat_join_request: request() } as never)).resolves.toBeUndefined();
    expect(rejecting.failures).toEqual([{ error: boom, update: { update_id: 21, chat_join_request: request() } }]);
    expect(rejecting.inFlight.size).toBe(0);

    const throwing = setup(() => {
      throw boom;
    });
    await expect(throwing.bot.handleUpdate({ update_id: 22, chat_join_request: request() } as never)).resolves.toBeUndefined();
    expect(throwing.failures.map((f) => f.update.update_id)).toEqual([22]);
    expect(throwing.inFlight.size).toBe(0);
  });

  test('a webhook post is answered once the request is handled, not before', async () => {
    let finish = () => {};
    const s = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    const response = { writableEnded: false, end() { this.writableEnded = true; } };
    const handled = s.bot.handleUpdate({ update_id: 31, chat_join_request: request() } as never, response as never);
    await Promise.resolve();
    expect(response.writableEnded).toBe(false);
    finish();
    await handled;
    expect(response.writableEnded).toBe(true);
  });
});
