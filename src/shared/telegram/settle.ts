/**
 * Approving or declining a join request, with Telegram's "nothing left to do" answers taken as the
 * request's outcome rather than as failures. tg-handler (by itself and through the review queue) and
 * `tg-get pending` settle requests through here, so they record the same status for the same answer.
 */
import type { Telegram } from 'telegraf';
import type { ResponseStatus } from '../join-log/schema.js';
import { isRefusal } from './errors.js';

/**
 * The status to record when Telegram refused the approve or decline call with an answer that means
 * "nothing left to do", else undefined (a real failure). Pure.
 * USER_ALREADY_PARTICIPANT on approve: the user is in (also how a crash between approve and write
 * heals after restart). HIDE_REQUESTER_MISSING: handled by someone else, expired, or withdrawn.
 */
export function settledStatus(action: 'approve' | 'decline', error: unknown): ResponseStatus | undefined {
  if (isRefusal(error, 'USER_ALREADY_PARTICIPANT')) return action === 'approve' ? 'approve' : 'missing';
  if (isRefusal(error, 'HIDE_REQUESTER_MISSING')) return 'missing';
  return undefined;
}

/** What settleRequest resolves with: the status to record, and whether this call did it. */
export interface Settled {
  readonly status: ResponseStatus;
  readonly byThisCall: boolean;
}

const DONE_BY_THIS_CALL: Readonly<Record<'approve' | 'decline', Settled>> = {
  approve: Object.freeze({ status: 'approve', byThisCall: true }),
  decline: Object.freeze({ status: 'decline', byThisCall: true }),
};

/**
 * Calls approveChatJoinRequest or declineChatJoinRequest. Resolves with the status to record and
 * whether this call did it (`false`: Telegram said it was settled already). Rejects on any other
 * failure. Not an async function: a burst settles a request per update, and an async frame for
 * each was about 0.5 KB of the garbage a request leaves (BENCHMARKS.md, issue 15).
 */
export function settleRequest(telegram: Pick<Telegram, 'approveChatJoinRequest' | 'declineChatJoinRequest'>, action: 'approve' | 'decline', chatId: number | string, userId: number): Promise<Settled> {
  let call: Promise<unknown>;
  try {
    // Promise.resolve hands a promise back as it is: it only makes a stand-in's plain answer one.
    call = Promise.resolve(action === 'approve' ? telegram.approveChatJoinRequest(chatId, userId) : telegram.declineChatJoinRequest(chatId, userId));
  } catch (error) {
    call = Promise.reject(error);
  }
  return call.then(
    () => DONE_BY_THIS_CALL[action],
    (error: unknown) => {
      const settled = settledStatus(action, error);
      if (settled === undefined) throw error;
      return { status: settled, byThisCall: false };
    },
  );
}
