/**
 * Telegram failures split by whose fault they are: Telegram refused the call (telegraf's
 * TelegramError, with code, description and method), or the network failed. A network failure either
 * certainly happened before the request left (connection refused, DNS) or may have reached Telegram.
 *
 * A refusal is recognised by its shape, not with `instanceof`: every program reaches this module
 * (src/shared/cli/exit.ts words failures with it), and loading telegraf for its class would cost a
 * run that calls no method as much as starting Node itself (see src/shared/cli/lazy.ts).
 */
import type { TelegramError as TelegrafError } from 'telegraf';

/** Telegram refused a call: what telegraf's TelegramError carries (see isTelegramError). */
export interface TelegramError extends Error {
  /** The Bot API's error_code: 400, 401, 403, 409, 429, 5xx. */
  readonly code: number;
  readonly description: string;
  /** retry_after, migrate_to_chat_id. */
  readonly parameters?: TelegrafError['parameters'];
  /** The call that was refused; telegraf fills it in for every method call. */
  readonly on?: { method?: unknown; payload?: unknown };
}

/**
 * True for telegraf's TelegramError, checked by shape: an Error whose constructor (or name) is
 * TelegramError, with a numeric `code`, a string `description`, and `parameters` and `on` objects
 * when present. Loads nothing.
 */
export function isTelegramError(error: unknown): error is TelegramError {
  if (!(error instanceof Error)) return false;
  if (error.name !== 'TelegramError' && error.constructor?.name !== 'TelegramError') return false;
  const e = error as Error & Partial<Record<'code' | 'description' | 'parameters' | 'on', unknown>>;
  const objectOrAbsent = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null);
  return typeof e.code === 'number' && typeof e.description === 'string' && objectOrAbsent(e.parameters) && objectOrAbsent(e.on);
}

/** The method Telegram refused, e.g. "getMe", when telegraf recorded it. */
export function refusedMethod(error: TelegramError): string | undefined {
  const method = error.on?.method;
  return typeof method === 'string' ? method : undefined;
}

/** Error codes of a connection that was never made: the request did not reach Telegram. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EADDRNOTAVAIL']);

/**
 * The network failed during `method`. `sent` is false only when the request certainly never arrived.
 * `attempts`: how many times it was tried (more than 1 when the client's retries were spent too).
 */
export class NetworkError extends Error {
  override name = 'NetworkError';
  readonly method: string;
  readonly sent: boolean;
  readonly attempts: number;
  constructor(method: string, sent: boolean, cause: unknown, attempts = 1) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${method}: ${sent ? 'no answer from Telegram (the request may have arrived)' : 'could not reach Telegram'}: ${reason}`, { cause });
    this.method = method;
    this.sent = sent;
    this.attempts = attempts;
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
  if (isTelegramError(error)) {
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

/** True for a refusal whose description contains `marker` (e.g. USER_ALREADY_PARTICIPANT). */
export function isRefusal(error: unknown, marker: string): boolean {
  return isTelegramError(error) && error.description.includes(marker);
}

/**
 * True when the Bot API's host name does not resolve (DNS says there is no such name, ENOTFOUND): a
 * setting to fix, unlike a refused connection or a network that is down (EAI_AGAIN, ECONNREFUSED...),
 * which may pass.
 */
export function unresolvedHost(error: unknown): boolean {
  return error instanceof NetworkError && errorCode(error.cause) === 'ENOTFOUND';
}

/** A hint for the failures that stop a program (the token, another poller, a wrong API root or host name), or undefined. */
export function fatalHint(error: unknown): string | undefined {
  if (unresolvedHost(error)) return `${(error as NetworkError).message}: that host name does not exist; check TELEGRAM_API_ROOT for a typo (unset, it is https://api.telegram.org)`;
  if (!isTelegramError(error)) return undefined;
  if (error.code === 401) return 'Telegram refused the bot token (401 Unauthorized): check BOT_TOKEN against @BotFather';
  if (error.code === 409) return 'another process is reading this bot\'s updates (409 Conflict): stop the other tg-handler, or delete the webhook it set';
  if (error.code === 404 && refusedMethod(error) === 'getMe') return 'the Bot API answered 404 to getMe: check TELEGRAM_API_ROOT and BOT_TOKEN';
  return undefined;
}
