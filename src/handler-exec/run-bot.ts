/**
 * Running the bot until told to stop: long polling (default) or a webhook server, then a graceful
 * stop. Updates are never dropped on start (requests that came while the bot was down wait up to
 * 24 h at Telegram). On stop, updates being handled may finish; the ones that do not finish in time
 * are not confirmed, so Telegram delivers them again after the restart, and the join log's request
 * keys keep that from doubling a row.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Telegraf } from 'telegraf';
import { ConfigError, messageOf } from '../shared/errors.js';
import type { Logger } from '../shared/cli/log.js';
import type { InFlight } from './in-flight.js';
import { DEFAULT_WEBHOOK_HOST, type WebhookOptions } from '../shared/config/webhook.js';

/** Asked for explicitly: omitting allowed_updates would keep whatever an earlier run set. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'chat_join_request', 'chat_member'] as const;

/**
 * The largest webhook body accepted. Telegram's updates are a few KiB (a message of 4096 characters
 * with its entities stays far below this); anything bigger is not an update and is refused with 413
 * before it is parsed or reaches the bot.
 */
export const MAX_WEBHOOK_BODY = 1024 * 1024;

/** How long a stop waits for updates in progress: systemd's default stop timeout is longer, our promise is 5 s. */
export const STOP_TIMEOUT_MS = 4500;

export interface RunOptions {
  bot: Telegraf;
  logger: Logger;
  inFlight: InFlight;
  webhook: WebhookOptions | undefined;
  /** Resolves with the reason (e.g. SIGTERM) when the bot must stop. */
  stopRequested: Promise<string>;
  onReady?: (() => void) | undefined;
  stopTimeoutMs?: number | undefined;
}

const delay = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

/** Runs the bot until `stopRequested` resolves (resolves) or polling fails fatally, e.g. 401/409 (rejects). */
export async function runBot(options: RunOptions): Promise<void> {
  if (options.webhook === undefined) await runPolling(options);
  else await runWebhook(options, options.webhook);
}

async function runPolling(options: RunOptions): Promise<void> {
  const { bot, logger, inFlight } = options;
  const launched = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES], dropPendingUpdates: false }, () => {
    logger.info(`started as @${bot.botInfo?.username ?? '?'} (long polling)`);
    options.onReady?.();
  });
  const ended = launched.then(() => 'ended' as const);
  ended.catch(() => {});
  const first = await Promise.race([ended, options.stopRequested]);
  if (first === 'ended') return;

  logger.info(`stopping (${first})${inFlight.size > 0 ? `: finishing ${inFlight.describe()}` : ''}`);
  let gaveUp = false;
  void stopWhenRunning(bot, launched, () => gaveUp);
  // launch resolves once the batch in progress has finished and its offset is confirmed.
  const outcome = await Promise.race([ended, delay(options.stopTimeoutMs ?? STOP_TIMEOUT_MS)]);
  if (outcome === 'timeout') {
    gaveUp = true;
    logger.warn(
      inFlight.size > 0
        ? `stopped before ${inFlight.describe()} finished: not confirmed to Telegram, so Telegram delivers it again after the restart (rows already written are not doubled)`
        : 'stopped before the connection to Telegram was finished; nothing was received',
    );
  }
}

/** bot.stop throws until polling has begun (getMe and deleteWebhook come first): try until it takes. */
async function stopWhenRunning(bot: Telegraf, launched: Promise<void>, gaveUp: () => boolean): Promise<void> {
  let settled = false;
  launched.then(() => { settled = true; }, () => { settled = true; });
  while (!settled && !gaveUp()) {
    try {
      bot.stop('stop requested');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function runWebhook(options: RunOptions, webhook: WebhookOptions): Promise<void> {
  const { bot, logger, inFlight } = options;
  bot.botInfo ??= await bot.telegram.getMe();
  const host = webhook.host ?? DEFAULT_WEBHOOK_HOST;
  // telegraf's callback takes a body read before it as a Buffer too (its types name only the parsed Update).
  const callback = bot.webhookCallback(webhook.path, { secretToken: webhook.secret }) as Handler;
  const server = http.createServer(limitBody(callback, MAX_WEBHOOK_BODY, webhook.secret, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ConfigError([listenProblem(error, webhook.port)], { cause: error })));
    server.listen(webhook.port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const failed = new Promise<never>((_, reject) => server.on('error', reject));
  failed.catch(() => {});
  try {
    // Listening first: Telegram may post the moment the webhook is set.
    await bot.telegram.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    logger.info(`started as @${bot.botInfo.username} (webhook ${webhook.url}, listening on ${host.includes(':') ? `[${host}]` : host}:${webhook.port})`);
    options.onReady?.();
    const reason = await Promise.race([options.stopRequested, failed]);
    logger.info(`stopping (${reason})${inFlight.size > 0 ? `: finishing ${inFlight.describe()}` : ''}`);
  } finally {
    // The webhook stays set: Telegram keeps updates for us while we are down.
    server.close();
    server.closeIdleConnections();
  }
  const outcome = await Promise.race([inFlight.idle(), delay(options.stopTimeoutMs ?? STOP_TIMEOUT_MS)]);
  if (outcome === 'timeout') {
    logger.warn(`stopped before ${inFlight.describe()} finished: not answered to Telegram, so Telegram delivers it again after the restart (rows already written are not doubled)`);
  }
}

type Handler = (req: http.IncomingMessage & { body?: unknown }, res: http.ServerResponse) => unknown;

/** The secret header compared in constant time, as telegraf does. */
function sameSecret(header: string | string[] | undefined, secret: string): boolean {
  const given = Buffer.from(typeof header === 'string' ? header : '', 'utf8');
  const wanted = Buffer.from(secret, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Reads a request's body up to `limit` bytes and hands it on as `req.body` (telegraf's webhook
 * callback takes a body read before it); a longer body, announced or not, is answered 413 and the
 * connection closed without reading the rest. A body that is not an update object at all (`null`,
 * a number, a list: telegraf would throw on it outside its error handling) is answered 400. A post
 * without the right secret is handed on unread: telegraf answers it 403.
 */
export function limitBody(next: Handler, limit: number, secret: string, logger: Logger): Handler {
  const refuse = (res: http.ServerResponse, status: number, why: string): void => {
    res.writeHead(status, { connection: 'close', 'content-type': 'text/plain' }).end(`${why}\n`);
  };
  const pass = (req: Parameters<Handler>[0], res: http.ServerResponse): void => {
    Promise.resolve(next(req, res)).catch((error: unknown) => {
      logger.error(`webhook: a post could not be handled: ${messageOf(error)}`);
      if (!res.headersSent) refuse(res, 500, 'not handled');
    });
  };
  return (req, res) => {
    if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], secret)) return pass(req, res);
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      refuse(res, 413, 'request body too large');
      req.resume();
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        refuse(res, 413, 'request body too large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks);
      let update: unknown;
      try {
        update = JSON.parse(body.toString('utf8'));
      } catch {
        update = undefined;
      }
      if (typeof update !== 'object' || update === null || Array.isArray(update) || !Number.isSafeInteger((update as { update_id?: unknown }).update_id)) {
        logger.warn(`webhook: a post of ${body.length} bytes is not a Telegram update (no object with an update_id); answered 400`);
        refuse(res, 400, 'not a Telegram update');
        return;
      }
      req.body = body;
      pass(req, res);
    });
    return undefined;
  };
}

/** A one-line reason for a failed listen, e.g. the port is taken. */
export function listenProblem(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `--port: ${port} is already in use; stop the other program or choose another port`;
  if (code === 'EACCES') return `--port: ${port} needs root; use a port above 1023 behind the reverse proxy`;
  return `--port: cannot listen on ${port}: ${messageOf(error)}`;
}
