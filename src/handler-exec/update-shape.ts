/**
 * What an update must look like before a handler reads it. Telegram's updates are trusted in type
 * only: a field of an unexpected shape (a `from` that is null, an `invite_link` that is a number), or
 * a type we never asked for, must cost that one update, never the bot or the other updates of its
 * batch. Only the fields the handlers read are checked; everything else is left as it came.
 */
import type { Context, MiddlewareFn } from 'telegraf';
import { z } from 'zod';
import type { Logger } from '../shared/cli/log.js';
import { describeUpdate, updateTypeOf } from './in-flight.js';

const id = z.number().int();
const user = z.object({ id, is_bot: z.boolean(), first_name: z.string(), last_name: z.string().optional(), username: z.string().optional() });
const chat = z.object({ id, type: z.string() });

/** The shapes of the update types tg-handler handles; a type missing here is passed on unchecked. */
export const UPDATE_SHAPES: Readonly<Record<string, z.ZodType>> = {
  chat_join_request: z.object({
    chat,
    from: user,
    date: id,
    user_chat_id: id.optional(),
    invite_link: z.object({ invite_link: z.string(), name: z.string().optional() }).optional(),
  }),
  message: z.object({ message_id: id, chat, from: user.optional(), text: z.string().optional() }),
  callback_query: z.object({
    id: z.string(),
    from: user,
    data: z.string().optional(),
    message: z.object({ message_id: id, chat }).optional(),
  }),
};

/** Why `update` cannot be handled (`chat_join_request.from.id: expected number`), or undefined when it can. Pure. */
export function shapeProblem(update: unknown, expected: readonly string[]): string | undefined {
  if (typeof update !== 'object' || update === null) return 'not an object';
  const type = updateTypeOf(update);
  if (type === undefined) return 'carries no update';
  if (!expected.includes(type)) return `"${type}" is not a type tg-handler asked Telegram for`;
  const shape = UPDATE_SHAPES[type];
  if (shape === undefined) return undefined;
  const checked = shape.safeParse((update as Record<string, unknown>)[type]);
  if (checked.success) return undefined;
  const issue = checked.error.issues[0];
  return `${[type, ...(issue?.path ?? []).map(String)].join('.')}: ${issue?.message ?? 'unexpected shape'}`;
}

/**
 * The middleware in front of every handler: an update of a type not in `expected`, or whose fields
 * the handlers read have an unexpected shape, is logged with its id and skipped (a warning: it is
 * Telegram's input, not our bug); the others go on.
 */
export function updateGuard(logger: Logger, expected: readonly string[]): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const problem = shapeProblem(ctx.update, expected);
    if (problem === undefined) return next();
    logger.warn(`${describeUpdate(ctx.update)}: cannot be handled (${problem}); the update is skipped, the bot carries on`);
  };
}
