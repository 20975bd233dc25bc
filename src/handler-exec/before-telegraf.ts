/**
 * Updates taken in front of telegraf's handleUpdate, before it makes a Telegram client, a context and
 * a chain of async steps through the middleware for them: in a burst of join requests that was most
 * of what the garbage collector had to copy (BENCHMARKS.md, issue 15). join-lane.ts takes the join
 * requests, chat-member.ts and update-shape.ts end the updates a burst brings that need nothing.
 */
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';

/** What `take` answers for an update it handles at once and completely: nothing is left to do. */
export const DONE: Promise<void> = Promise.resolve();

/**
 * Puts `take` in front of `bot.handleUpdate` (long polling and webhook alike): it answers undefined
 * to leave the update to what was there before (telegraf, or the `take` given earlier), or the
 * promise of its handling, which must not reject. As telegraf's handleUpdate does, a webhook post
 * is answered once the update is handled. The `take` given last looks first.
 */
export function takeBeforeTelegraf(bot: Telegraf, take: (update: Update) => Promise<void> | undefined): void {
  const next = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, webhookResponse) => {
    const handled = take(update);
    if (handled === undefined) return next(update, webhookResponse);
    if (webhookResponse === undefined) return handled;
    return handled.then(() => {
      if (!webhookResponse.writableEnded) webhookResponse.end();
    });
  };
}
