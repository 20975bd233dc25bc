/**
 * The lane a join request takes past telegraf's per-update machinery. For every update telegraf
 * makes a Telegram client (which our shared client replaces at once), a context, and a chain of
 * async steps through the middleware; with thousands of requests at once those objects, alive
 * until the request's row is on disk, were most of what the garbage collector copied and promoted
 * (BENCHMARKS.md, issue 15). A join request whose shape passes the quick test goes straight to the
 * handler with the bot's shared client, counted in flight and logged on failure as bot.catch would;
 * every other update, and a request whose shape needs zod's word, goes to telegraf as before.
 */
import type { Telegraf } from 'telegraf';
import type { ChatJoinRequest, Update } from 'telegraf/types';
import { takeBeforeTelegraf } from './before-telegraf.js';
import type { InFlight } from './in-flight.js';
import type { JoinRequestHandler } from './join-requests.js';
import { quickShapeOk } from './update-shape.js';

export interface LaneDeps {
  inFlight: InFlight;
  /** What bot.catch does with an update that failed. Must not throw. */
  failed: (error: unknown, update: Update) => void;
}

/** Puts the lane in front of `bot.handleUpdate` (polling and webhook alike). */
export function takeJoinRequests(bot: Telegraf, handle: JoinRequestHandler, deps: LaneDeps): void {
  takeBeforeTelegraf(bot, (update) => {
    const request: unknown = (update as { chat_join_request?: unknown }).chat_join_request;
    // Before getMe has answered, telegraf's own path waits for it.
    if (request === undefined || bot.botInfo === undefined || !quickShapeOk('chat_join_request', request)) return undefined;
    return deps.inFlight.track(update, () => handle(request as ChatJoinRequest, bot.telegram), (error) => deps.failed(error, update));
  });
}
