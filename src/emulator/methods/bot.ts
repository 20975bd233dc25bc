import { badRequest } from '../errors.js';
import type { MethodHandler } from '../context.js';

/** getMe: the bot's User with the bot-only fields. */
export const getMe: MethodHandler = (ctx) => ({
  id: ctx.botUser.id,
  is_bot: true,
  first_name: ctx.botUser.first_name,
  ...(ctx.botUser.username === undefined ? {} : { username: ctx.botUser.username }),
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
});

function scopeKey(params: Parameters<MethodHandler>[1]): string {
  const scope = params.json('scope', () => badRequest("can't parse BotCommandScope JSON object")) ?? { type: 'default' };
  return `${JSON.stringify(scope)}|${params.str('language_code') ?? ''}`;
}

/** setMyCommands: checks each command as Telegram does and keeps the list per scope and language. */
export const setMyCommands: MethodHandler = (ctx, params) => {
  const list = params.json('commands', () => badRequest("can't parse commands JSON object"));
  if (!Array.isArray(list)) throw badRequest('field "commands" must be an Array');
  for (const item of list as Array<{ command?: unknown; description?: unknown }>) {
    const command = String(item?.command ?? '');
    const description = String(item?.description ?? '');
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    if (description.length < 1 || description.length > 256) throw badRequest('command description must be non-empty');
  }
  ctx.world.commands.set(scopeKey(params), list);
  return true;
};

/** getMyCommands: the list set for that scope and language, or []. */
export const getMyCommands: MethodHandler = (ctx, params) => ctx.world.commands.get(scopeKey(params)) ?? [];

/** deleteMyCommands: true. */
export const deleteMyCommands: MethodHandler = (ctx, params) => {
  ctx.world.commands.delete(scopeKey(params));
  return true;
};
