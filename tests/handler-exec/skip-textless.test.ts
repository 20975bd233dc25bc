/**
 * skipTextlessMessages: a message without text (the service message of every approval) never
 * reaches the middleware; a message with text, a message of an unexpected shape (for the guard to
 * report) and every other update do, as before. A webhook post of a skipped update is answered.
 */
import { describe, expect, test } from '@jest/globals';
import { Telegraf } from 'telegraf';
import { skipTextlessMessages } from '../../src/handler-exec/update-shape.js';

const BOT = { id: 9000, is_bot: true as const, first_name: 'Bot', username: 'the_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false };
const anna = { id: 4201, is_bot: false, first_name: 'Anna', username: 'anna' };
const group = { id: -100123, type: 'supergroup', title: 'Club' };
const dm = { id: 4201, type: 'private', first_name: 'Anna' };
const message = (extra: Record<string, unknown>) => ({ message_id: 7, date: 1000, chat: group, from: anna, ...extra });

function bot(): { bot: Telegraf; seen: number[] } {
  const b = new Telegraf('123456:AAbbccddeeffgghhiijjkkllmm');
  b.botInfo = BOT;
  const seen: number[] = [];
  b.use((ctx) => void seen.push(ctx.update.update_id));
  skipTextlessMessages(b);
  return { bot: b, seen };
}

describe('skipTextlessMessages', () => {
  test('a message without text ends before the middleware; the rest go on', async () => {
    const { bot: b, seen } = bot();
    const updates: Array<Record<string, unknown>> = [
      { update_id: 1, message: message({ new_chat_members: [anna] }) },
      { update_id: 2, message: message({ chat: dm, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }) },
      { update_id: 3, message: message({ text: 'hello' }) },
      { update_id: 4, message: message({ text: '' }) },
      { update_id: 5, message: message({ new_chat_members: [anna], from: null }) },
      { update_id: 6, message: message({ new_chat_members: [anna], chat: null }) },
      { update_id: 7, message: message({ text: 42 }) },
      { update_id: 8, message: null },
      { update_id: 9, chat_join_request: { chat: group, from: anna, date: 1 } },
      { update_id: 10, message: message({ left_chat_member: anna, from: undefined }) },
      { update_id: 11, callback_query: { id: '1', from: anna, data: 'm1:menu' } },
    ];
    for (const update of updates) await b.handleUpdate(update as never);
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11]);
  });

  test('a skipped webhook post is answered', async () => {
    const { bot: b, seen } = bot();
    let ended = 0;
    const response = { writableEnded: false, end: () => void (ended += 1) };
    await b.handleUpdate({ update_id: 1, message: message({ new_chat_members: [anna] }) } as never, response as never);
    expect(seen).toEqual([]);
    expect(ended).toBe(1);
  });
});
