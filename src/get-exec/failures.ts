/**
 * What a failed Telegram call means for the row it was for, and what the admin can do about it.
 */
import { messageOf } from '../shared/errors.js';
import { fatalHint, isTelegramError, NetworkError } from '../shared/telegram/errors.js';

/** True for a failure that stops the whole run (a refused token): every other call would fail alike. */
export function isFatal(error: unknown): boolean {
  return fatalHint(error) !== undefined;
}

/** True when the refusal is about the group itself, so every other row for that group would fail alike. */
export function refusesChat(error: unknown): boolean {
  if (!isTelegramError(error)) return false;
  if (error.code === 403 || error.parameters?.migrate_to_chat_id !== undefined) return true;
  return /chat not found|not enough rights|CHAT_ADMIN_REQUIRED|administrator|not a member|CHAT_WRITE_FORBIDDEN|PEER_ID_INVALID/i.test(error.description);
}

/** True when a send certainly did not reach the group: Telegram refused it, or it never left. */
export function certainlyNotSent(error: unknown): boolean {
  if (isTelegramError(error)) return true;
  if (error instanceof NetworkError) return !error.sent;
  return !(error instanceof Error && (error.name === 'FetchError' || error.name === 'AbortError' || error.name === 'TimeoutError'));
}

/**
 * Telegram cannot be used for the rest of this run: the network is down (the client's retries are
 * spent), Telegram keeps failing (5xx), or it asks us to wait longer than a run should (a 429 whose
 * retry_after the client would not wait). Every other row would only meet the same, so a step stops.
 */
export interface Outage {
  /** What happened, for the one line that says the step stopped. */
  what: string;
  /** When Telegram said it may be asked again; null when it did not say (try the next run). */
  retryAt: Date | null;
}

/** The outage `error` means, or null for a failure of this row only. */
export function outageOf(error: unknown, now: Date): Outage | null {
  if (error instanceof NetworkError) {
    // One lost answer is that row's bad luck (a send is then uncertain, and the next row goes on);
    // a request that never left, or one that failed again after every retry, means the network is down.
    if (error.sent && error.attempts <= 1) return null;
    return { what: error.sent ? 'Telegram did not answer' : 'Telegram could not be reached', retryAt: null };
  }
  if (!isTelegramError(error)) return null;
  if (error.code === 429) {
    const wait = error.parameters?.retry_after ?? 0;
    return { what: `Telegram asks to wait ${wait} s (429 Too Many Requests)`, retryAt: new Date(now.getTime() + wait * 1000) };
  }
  if (error.code >= 500) return { what: `Telegram is failing (${error.code})`, retryAt: null };
  return null;
}

/** One line saying what went wrong, with a hint where there is one. */
export function describeFailure(method: string, error: unknown): string {
  if (isTelegramError(error)) {
    const migrated = error.parameters?.migrate_to_chat_id;
    let text = `Telegram refused ${method} (${error.code}: ${error.description})`;
    if (migrated !== undefined) text += `; the group is now a supergroup with id ${migrated}: put that id in CHAT_ID`;
    else if (error.code === 403) text += '; is the bot still in the group, and an administrator?';
    else if (/not enough rights|CHAT_ADMIN_REQUIRED|administrator/i.test(error.description)) text += '; make the bot an administrator with the right to invite users';
    else if (/chat not found/i.test(error.description)) text += '; check CHAT_ID (or the row\'s chat_id) and that the bot is in that group';
    return text;
  }
  if (error instanceof NetworkError) return error.message;
  return `${method}: ${messageOf(error)}`;
}
