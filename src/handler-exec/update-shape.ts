/**
 * What an update must look like before a handler reads it. Telegram's updates are trusted in type
 * only: a field of an unexpected shape (a `from` that is null, an `invite_link` that is a number), or
 * a type we never asked for, must cost that one update, never the bot or the other updates of its
 * batch. Only the fields the handlers read are checked; everything else is left as it came.
 */
import type { Context, MiddlewareFn, Telegraf } from 'telegraf';
import type { Logger } from '../shared/cli/log.js';
import { updateShapes } from '../shared/cli/lazy.js';
import { DONE, takeBeforeTelegraf } from './before-telegraf.js';
import { describeUpdate, updateTypeOf } from './in-flight.js';

// zod's own test of an object: anything but null and arrays.
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const optional = (v: unknown, test: (v: unknown) => boolean): boolean => v === undefined || test(v);
const isUser = (v: unknown): boolean =>
  isRecord(v) && Number.isSafeInteger(v.id) && typeof v.is_bot === 'boolean' && isString(v.first_name) && optional(v.last_name, isString) && optional(v.username, isString);
const isChat = (v: unknown): boolean => isRecord(v) && Number.isSafeInteger(v.id) && isString(v.type);

/**
 * The shapes of UPDATE_SHAPES (update-shapes.ts) tested in place: true exactly when the zod shape
 * accepts the value (tests/handler-exec/update-shape.test.ts). zod built a copy of every update and
 * its parts, about 2% of the bytes tg-handler allocates in a burst; it now runs, and is loaded, only
 * to word an update's problem. The keys are the types UPDATE_SHAPES has.
 */
const QUICK_SHAPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  chat_join_request: (v) =>
    isRecord(v) && isChat(v.chat) && isUser(v.from) && Number.isSafeInteger(v.date) && optional(v.user_chat_id, Number.isSafeInteger)
    && optional(v.invite_link, (l) => isRecord(l) && isString(l.invite_link) && optional(l.name, isString)),
  message: (v) => isRecord(v) && Number.isSafeInteger(v.message_id) && isChat(v.chat) && optional(v.from, isUser) && optional(v.text, isString),
  callback_query: (v) =>
    isRecord(v) && isString(v.id) && isUser(v.from) && optional(v.data, isString) && optional(v.message, (m) => isRecord(m) && Number.isSafeInteger(m.message_id) && isChat(m.chat)),
};

/** True when the quick test alone accepts `value` as an update of `type` (never for a value UPDATE_SHAPES rejects). Pure. */
export function quickShapeOk(type: string, value: unknown): boolean {
  return QUICK_SHAPES[type]?.(value) === true;
}

/** What the quick tests alone say of an update: it can be handled (undefined), why not, or ZOD (its shape needs zod's word). */
const ZOD = Symbol('zod');
function quickProblem(update: unknown, expected: readonly string[]): string | undefined | typeof ZOD {
  if (typeof update !== 'object' || update === null) return 'not an object';
  const type = updateTypeOf(update);
  if (type === undefined) return 'carries no update';
  if (!expected.includes(type)) return `"${type}" is not a type tg-handler asked Telegram for`;
  if (QUICK_SHAPES[type] === undefined || quickShapeOk(type, (update as Record<string, unknown>)[type])) return undefined;
  return ZOD;
}

/** Why `update` cannot be handled (`chat_join_request.from.id: expected number`), or undefined when it can. Pure but for loading zod's shapes. */
export async function shapeProblem(update: unknown, expected: readonly string[]): Promise<string | undefined> {
  const quick = quickProblem(update, expected);
  return quick === ZOD ? zodProblem(update as Record<string, unknown>) : quick;
}

/** zod's word on an update of a type asked for that the quick test refused. */
async function zodProblem(update: Record<string, unknown>): Promise<string | undefined> {
  const type = updateTypeOf(update)!;
  const shape = (await updateShapes()).UPDATE_SHAPES[type];
  if (shape === undefined) return undefined;
  const checked = shape.safeParse(update[type]);
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
  // Not async: every update passes here, and an async frame around next() was one more promise
  // each. The usual update (a type asked for, with no shape to check or passing the quick test)
  // goes on at once; only one the quick test refuses waits for zod's shapes to word its problem.
  return (ctx, next) => {
    const quick = quickProblem(ctx.update, expected);
    if (quick === undefined) return next();
    const skip = (problem: string) => logger.warn(`${describeUpdate(ctx.update)}: cannot be handled (${problem}); the update is skipped, the bot carries on`);
    if (quick !== ZOD) return void skip(quick);
    return zodProblem(ctx.update as unknown as Record<string, unknown>).then((problem) => (problem === undefined ? next() : skip(problem)));
  };
}

/**
 * Ends a message without text before telegraf makes a Telegram client and a context for it and runs
 * it through every middleware: tg-handler acts on a message only when it is /start (chat-menu.ts),
 * and a burst of join requests brings a service message (new_chat_members) with every approval, a
 * third of its updates. A message of an unexpected shape goes on, for updateGuard to report; so do
 * all other updates. A handler of messages without text (a photo, a service message) must go
 * before this in main.ts, or this must let its messages through.
 */
export function skipTextlessMessages(bot: Telegraf): void {
  takeBeforeTelegraf(bot, (update) => {
    const message: unknown = (update as { message?: unknown }).message;
    return !quickShapeOk('message', message) || (message as { text?: unknown }).text !== undefined ? undefined : DONE;
  });
}
