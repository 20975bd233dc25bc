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
