/**
 * Telegram failures split by whose fault they are: Telegram refused the call (TelegramError from
 * telegraf, with code and description), or the network failed. A network failure either certainly
 * happened before the request left (connection refused, DNS) or may have reached Telegram.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TelegramError as TelegrafError } from 'telegraf';

// Every program reaches this module (cli.ts reports failures with it), but importing 'telegraf' costs
// about as much as starting Node itself, which a tg-get run that calls no method must not pay. The
// class lives in one small file of telegraf, the very module telegraf's index re-exports, so errors
// telegraf throws are still `instanceof` it. (The package's export map hides the file, hence the path.)
const require = createRequire(import.meta.url);
const errorModule = path.join(path.dirname(require.resolve('telegraf')), 'core', 'network', 'error.js');
/** telegraf's TelegramError: Telegram refused a call (code, description, parameters). */
export const TelegramError = (require(errorModule) as { TelegramError: typeof TelegrafError }).TelegramError;
export type TelegramError = TelegrafError;

/** Error codes of a connection that was never made: the request did not reach Telegram. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL']);

/** The network failed during `method`. `sent` is false only when the request certainly never arrived. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly method: string;
  readonly sent: boolean;
  constructor(method: string, sent: boolean, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method}: ${sent ? 'no answer from Telegram (the request may have arrived)' : 'could not reach Telegram'}: ${reason}`, { cause });
    this.method = method;
    this.sent = sent;
  }
}

/** What went wrong, for deciding whether to retry. */
export type Failure =
  | { kind: 'refused'; code: number; description: string; retryAfter?: number }
  | { kind: 'network'; sent: boolean }
  | { kind: 'other' };

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; errno?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.errno === 'string') return e.errno;
  return e.cause ? errorCode(e.cause) : undefined;
}

/** Classifies anything a telegraf call threw. */
export function classify(error: unknown): Failure {
  if (error instanceof TelegramError) {
    const retryAfter = error.parameters?.retry_after;
    return { kind: 'refused', code: error.code, description: error.description, ...(retryAfter === undefined ? {} : { retryAfter }) };
  }
  if (error instanceof NetworkError) return { kind: 'network', sent: error.sent };
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'FetchError' || name === 'AbortError' || name === 'TimeoutError') {
    const code = errorCode(error);
    return { kind: 'network', sent: !(code !== undefined && NOT_SENT_CODES.has(code)) };
  }
  return { kind: 'other' };
}

/** True for a 400 whose description contains `marker` (e.g. USER_ALREADY_PARTICIPANT). */
export function isRefusal(error: unknown, marker: string): boolean {
  return error instanceof TelegramError && error.description.includes(marker);
}

/** A hint for the fatal codes, or undefined. */
export function fatalHint(error: unknown): string | undefined {
  if (!(error instanceof TelegramError)) return undefined;
  if (error.code === 401) return 'Telegram refused the bot token (401 Unauthorized): check BOT_TOKEN against @BotFather';
  if (error.code === 409) return 'another process is reading this bot\'s updates (409 Conflict): stop the other tg-handler, or delete the webhook it set';
  if (error.code === 404 && error.on && (error.on as { method?: string }).method === 'getMe') return 'the Bot API answered 404 to getMe: check TELEGRAM_API_ROOT and BOT_TOKEN';
  return undefined;
}
