/**
 * skipOwnApprovals: the chat_member update of the bot's own approval never reaches the middleware;
 * every other update (other joins, leaves, updates of an unexpected shape) does, as before.
 */
import { describe, expect, test } from '@jest/globals';
import { Telegraf } from 'telegraf';
import { skipOwnApprovals } from '../../src/handler-exec/chat-member.js';
import type { Logger } from '../../src/shared/cli/log.js';

const BOT = { id: 9000, is_bot: true as const, first_name: 'Bot', username: 'the_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false };
const anna = { id: 4201, is_bot: false, first_name: 'Anna', username: 'anna' };
const chat = { id: -100123, type: 'supergroup', title: 'Club' };
const member = (status: string) => ({ user: anna, status });
const join = (extra: Record<string, unknown> = {}) => ({ chat, from: BOT, date: 1000, old_chat_member: member('left'), new_chat_member: member('member'), via_join_request: true, ...extra });

function bot(): { bot: Telegraf; seen: number[]; debug: string[] } {
  const b = new Telegraf('123456:AAbbccddeeffgghhiijjkkllmm');
  b.botInfo = BOT;
  const seen: number[] = [];
  const debug: string[] = [];
  const logger: Logger = { info() {}, warn() {}, error() {}, debug: (m) => debug.push(m) };
  b.use((ctx) => void seen.push(ctx.update.update_id));
  skipOwnApprovals(b, logger);
  return { bot: b, seen, debug };
}

describe('skipOwnApprovals', () => {
  test("the bot's own approval ends before the middleware, with the handler's debug line; the rest go on", async () => {
    const { bot: b, seen, debug } = bot();
    const updates: Array<Record<string, unknown>> = [
      { update_id: 1, chat_member: join() },
      { update_id: 2, chat_member: join({ from: anna, via_join_request: false }) },
      { update_id: 3, chat_member: join({ via_join_request: false }) },
      { update_id: 4, chat_member: join({ from: { ...anna, id: 77 } }) },
      { update_id: 5, chat_member: join({ old_chat_member: member('member'), new_chat_member: member('left') }) },
      { update_id: 6, chat_member: join({ from: null }) },
      { update_id: 7, chat_member: join({ new_chat_member: { status: 'member' } }) },
      { update_id: 8, chat_member: null },
      { update_id: 9, chat_join_request: { chat, from: anna, date: 1 } },
      { update_id: 10, chat_member: join({ old_chat_member: 'left' }) },
    ];
    for (const update of updates) await b.handleUpdate(update as never);
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(debug).toEqual(['member: user 4201 (@anna) joined -> approved by the bot, already recorded']);
  });
});
