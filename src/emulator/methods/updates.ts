import { ApiError, badRequest } from '../errors.js';
import { Ok, type MethodContext, type MethodHandler } from '../context.js';
import type { Params } from '../params.js';
import type { Update } from '../types.js';

const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const TERMINATED_BY_GET_UPDATES =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const TERMINATED_BY_SET_WEBHOOK = 'Conflict: terminated by setWebhook request';

/** How long a terminated long poll waits before its 409, to notice a client that already left. */
const TERMINATE_GRACE_MS = 20;

/** Thrown when a long poll ends because its client left (nobody is answered). */
export class ClientGone extends Error {
  override readonly name = 'ClientGone';
}

function readAllowedUpdates(ctx: MethodContext, params: Params): void {
  const list = params.json('allowed_updates', () => badRequest("can't parse allowed updates JSON object"));
  if (list === undefined) return;
  if (!Array.isArray(list)) throw badRequest("can't parse allowed updates JSON object");
  ctx.updates.setAllowed(list.map(String));
}

/**
 * getUpdates: confirms by offset, then answers at once when updates wait (or timeout is 0), else
 * waits up to `timeout` seconds for one. A newer getUpdates ends a waiting one with 409.
 */
export const getUpdates: MethodHandler = async (ctx, params) => {
  if (ctx.webhook.url !== undefined) throw new ApiError(409, WEBHOOK_ACTIVE);
  const offset = params.int('offset') ?? 0;
  let limit = params.int('limit') ?? 100;
  if (limit <= 0 || limit > 100) limit = 100;
  const timeout = Math.max(0, params.int('timeout') ?? 0);
  readAllowedUpdates(ctx, params);
  ctx.updates.confirm(offset);
  ctx.polls.terminate(new ApiError(409, TERMINATED_BY_GET_UPDATES));
  const ready = ctx.updates.take(limit);
  if (ready.length > 0 || timeout === 0) return ready;
  return await new Promise<Update[]>((resolve, reject) => {
    let checkScheduled = false;
    let settled = false;
    const settle = (outcome: Update[] | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      leave();
      ctx.signal.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = (): void => settle(new ClientGone('client went away'));
    const timer = setTimeout(() => settle(ctx.updates.take(limit)), timeout * 1000);
    // Updates queued in one go are answered in one batch: look on the next turn of the loop.
    const unsubscribe = ctx.updates.subscribe(() => {
      if (checkScheduled || ctx.updates.size === 0) return;
      checkScheduled = true;
      setImmediate(() => {
        checkScheduled = false;
        const batch = settled ? [] : ctx.updates.take(limit);
        if (batch.length > 0) settle(batch);
      });
    });
    const leave = ctx.polls.enter((error) => {
      // Stop taking updates at once, but answer a moment later: a client that hung up just before
      // sending the newer request (telegraf's stop) is then seen as gone, not answered 409.
      clearTimeout(timer);
      unsubscribe();
      setTimeout(() => settle(ctx.signal.aborted ? new ClientGone('client went away') : error), TERMINATE_GRACE_MS);
    });
    ctx.signal.addEventListener('abort', onAbort);
    if (ctx.signal.aborted) onAbort();
  });
};

/** setWebhook: an empty url deletes it. http:// and any port are allowed (it is a loopback emulator). */
export const setWebhook: MethodHandler = (ctx, params) => {
  const url = (params.str('url') ?? '').trim();
  if (url === '') return deleteWebhook(ctx, params);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest('bad webhook: Wrong HTTP URL');
  const secret = params.str('secret_token');
  if (secret !== undefined && secret !== '') {
    if (secret.length > 256) throw badRequest('secret token is too long');
    if (!/^[A-Za-z0-9_-]+$/.test(secret)) throw badRequest('secret token contains unallowed characters');
  }
  const maxConnections = params.int('max_connections') ?? 40;
  readAllowedUpdates(ctx, params);
  if (params.bool('drop_pending_updates')) ctx.updates.clear();
  const already = ctx.webhook.url === url;
  ctx.webhook.set(url, secret === '' ? undefined : secret, Math.min(100, Math.max(1, maxConnections)));
  ctx.polls.terminate(new ApiError(409, TERMINATED_BY_SET_WEBHOOK));
  return new Ok(true, already ? 'Webhook is already set' : 'Webhook was set');
};

/** deleteWebhook: honours drop_pending_updates. */
export const deleteWebhook: MethodHandler = (ctx, params) => {
  if (params.bool('drop_pending_updates')) ctx.updates.clear();
  const had = ctx.webhook.url !== undefined;
  if (had) ctx.webhook.clear();
  return new Ok(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
};

/** getWebhookInfo. */
export const getWebhookInfo: MethodHandler = (ctx) => {
  const { webhook } = ctx;
  const allowed = ctx.updates.allowedUpdates();
  return {
    url: webhook.url ?? '',
    has_custom_certificate: false,
    pending_update_count: ctx.updates.size,
    ...(webhook.lastErrorDate === undefined ? {} : { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }),
    ...(webhook.url === undefined ? {} : { max_connections: webhook.maxConnections }),
    ...(allowed === undefined ? {} : { allowed_updates: allowed }),
  };
};
