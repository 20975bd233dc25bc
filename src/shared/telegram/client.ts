/**
 * The one place a Telegram client is made. Every API call, on bot.telegram and on each update's
 * ctx.telegram alike, goes through `withRetry`: 429 waits retry_after, 5xx and unsent requests retry
 * with backoff, and a request that may have arrived is repeated only for methods where repeating is
 * harmless. Sends are never repeated blindly: a group must not see a post twice.
 */
import { setMaxListeners } from 'node:events';
import { Context, Telegraf, type Telegram } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import type { Logger } from '../cli/log.js';
import { classify, NetworkError } from './errors.js';

/** Methods that can be called again after no answer without harm (Telegram answers a repeat sanely). */
export const REPEATABLE = new Set([
  'getMe',
  'getChat',
  'getChatMember', // a read
  'getWebhookInfo',
  'deleteWebhook',
  'setWebhook',
  'createChatInviteLink', // a spare link is harmless; only one is recorded
  'approveChatJoinRequest', // a repeat answers USER_ALREADY_PARTICIPANT / HIDE_REQUESTER_MISSING
  'declineChatJoinRequest',
  'answerCallbackQuery',
]);

export interface RetryPolicy {
  /** Attempts after the first for 5xx and network errors; default 3. */
  retries: number;
  /** First backoff; doubles each time; default 500 ms. */
  backoffMs: number;
  /** Attempts after the first for 429; default 5. */
  rateLimitRetries: number;
  /** Longest retry_after we wait; a longer one is thrown to the caller. Default 120 s. */
  maxRetryAfterS: number;
  /** Per-request time limit; default 30 s. A timed-out request counts as "may have arrived". */
  timeoutMs: number;
  /** Waits, injectable for tests. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  backoffMs: 500,
  rateLimitRetries: 5,
  maxRetryAfterS: 120,
  timeoutMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type CallApi = Telegram['callApi'];

/**
 * Time limits shared by the calls that start close together. A burst of join requests makes a call
 * per update; one AbortController and one timer per call were thousands of objects for the garbage
 * collector. Calls that start within the same tenth of the limit share one signal that aborts a full
 * limit after the last of them may have started, so each call gets between `ms` and 1.1 x `ms`.
 * Not AbortSignal.timeout: its timer and finalization-registry entry outlive a fast call by the whole
 * limit. The timer is unref'd: a settled call must not keep the process alive.
 * The calls take the SHARDS signals of a tenth in turn: node-fetch adds an abort listener per call,
 * and adding one walks the signal's list of the calls in flight (a batch is 100), about 20 ms of a
 * 10,000-request burst with one signal (BENCHMARKS.md, issue 15).
 */
const SHARDS = 8;

class SharedDeadlines {
  private readonly current: Array<{ signal: AbortSignal; startsUntil: number } | undefined> = [];
  private turn = 0;

  constructor(private readonly ms: number) {}

  signal(): AbortSignal {
    const shard = this.turn;
    this.turn = (shard + 1) % SHARDS;
    const now = performance.now();
    const current = this.current[shard];
    if (current !== undefined && now < current.startsUntil) return current.signal;
    const slot = Math.max(1, Math.ceil(this.ms / 10));
    const limit = new AbortController();
    // Every call in flight adds one abort listener (node-fetch's).
    setMaxListeners(0, limit.signal);
    const ms = this.ms;
    setTimeout(() => limit.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms + slot).unref();
    this.current[shard] = { signal: limit.signal, startsUntil: now + slot };
    return limit.signal;
  }
}

/** Runs `call` with a signal that aborts after the time limit (see SharedDeadlines) or with `outer`. */
function withinTime<T>(deadlines: SharedDeadlines, outer: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limit = deadlines.signal();
  return call(outer ? AbortSignal.any([outer, limit]) : limit);
}
const wrapped = new WeakSet<object>();

/**
 * Wraps `telegram.callApi` in place (once). getUpdates is left alone: telegraf's polling loop has its
 * own retry, and a long poll must not be cut by our time limit.
 */
export function withRetry(telegram: Telegram, log: Logger, policy: RetryPolicy = DEFAULT_RETRY): Telegram {
  if (wrapped.has(telegram)) return telegram;
  wrapped.add(telegram);
  const deadlines = new SharedDeadlines(policy.timeoutMs);
  const original = telegram.callApi.bind(telegram) as (method: string, payload: unknown, options?: { signal?: AbortSignal }) => Promise<unknown>;
  const attempt = (method: string, payload: unknown, outer: AbortSignal | undefined): Promise<unknown> => withinTime(deadlines, outer, (signal) => original(method, payload, { signal }));
  /** After the first attempt failed with `error`: the retry policy, attempt after attempt. */
  const again = async (method: string, payload: unknown, outer: AbortSignal | undefined, error: unknown): Promise<unknown> => {
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      if (outer?.aborted) throw error;
      const failure = classify(error);
      if (failure.kind === 'refused' && failure.code === 429) {
        const wait = failure.retryAfter ?? 5;
        if (rateLimited >= policy.rateLimitRetries || wait > policy.maxRetryAfterS) throw error;
        rateLimited++;
        log.warn(`${method}: Telegram asks to slow down (429); waiting ${wait} s as told`);
        await policy.sleep(wait * 1000);
      } else {
        const retryable =
          (failure.kind === 'refused' && failure.code >= 500) ||
          (failure.kind === 'network' && (!failure.sent || REPEATABLE.has(method)));
        if (!retryable || failures >= policy.retries) {
          if (failure.kind === 'network') throw new NetworkError(method, failure.sent, error, failures + 1);
          throw error;
        }
        const wait = policy.backoffMs * 2 ** failures;
        failures++;
        log.warn(`${method}: ${failure.kind === 'network' ? 'network error' : `Telegram error ${failure.code}`}; retry ${failures}/${policy.retries} in ${wait} ms`);
        await policy.sleep(wait);
      }
      try {
        return await attempt(method, payload, outer);
      } catch (next) {
        error = next;
      }
    }
  };
  // The first attempt has no async frame of its own (a burst makes one call per join request); a failure goes on to `again`.
  const call = (method: string, payload: unknown, options: { signal?: AbortSignal } = {}): Promise<unknown> => {
    if (method === 'getUpdates') return original(method, payload, options);
    return attempt(method, payload, options.signal).catch((error: unknown) => again(method, payload, options.signal, error));
  };
  telegram.callApi = call as CallApi;
  return telegram;
}

export interface BotOptions {
  token: string;
  apiRoot: string;
  log: Logger;
  retry?: RetryPolicy;
  /** How long one update's handling may take before telegraf gives up on it; default 10 minutes. */
  handlerTimeoutMs?: number;
}

/**
 * Makes a Telegraf bot pointed at `apiRoot`, with retry installed once, on bot.telegram, which every
 * update's ctx.telegram then is: telegraf makes a new client per update (for webhook replies, which
 * are off here), and wrapping each one anew cost a bound function, a closure and more per update.
 * webhookReply is off: we need every call's real answer.
 */
export function createBot(options: BotOptions): Telegraf {
  let shared: Telegram | undefined;
  /** A context whose `telegram` is the bot's own wrapped client, not the one telegraf made for the update. */
  class SharedClientContext extends Context {
    constructor(update: Update, telegram: Telegram, botInfo: UserFromGetMe) {
      super(update, shared ?? telegram, botInfo);
    }
  }
  const bot = new Telegraf(options.token, {
    telegram: { apiRoot: options.apiRoot, webhookReply: false },
    handlerTimeout: options.handlerTimeoutMs ?? 600_000,
    contextType: SharedClientContext,
  });
  shared = withRetry(bot.telegram, options.log, options.retry ?? DEFAULT_RETRY);
  return bot;
}
