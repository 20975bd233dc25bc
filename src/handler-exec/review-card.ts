/**
 * The review queue's pure parts: a held request's card (its text and its two buttons), the callback
 * data the buttons carry, and the line a decided card ends with. The callback data holds all a press
 * needs (the decision, the chat, the user, the request's date), so a press is acted on with no memory
 * of the card: it works the same after a restart.
 */
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { formatDateTime } from '../shared/dates.js';

/** Why a request was held for an admin (the join log's `reason`). */
export type HeldReason = 'unknown-link' | 'no-link' | 'expired' | 'link-used' | 'check-timeout' | 'check-blocked';

export const HELD_REASONS: Record<HeldReason, string> = {
  'unknown-link': 'the link is not in the registry (another admin\'s link?)',
  'no-link': 'Telegram sent no invite link (a public group, or a re-join)',
  expired: 'the registry row has expired (dt_expire)',
  'link-used': 'the link has already brought in its allowed number of people (max_members): was a personal link shared?',
  'check-timeout': 'the requester did not answer the check in time',
  'check-blocked': 'the bot cannot write to the requester (they blocked it), so it could not check them',
};

/** What a press asks for. */
export interface ReviewPress {
  action: 'approve' | 'decline';
  chatId: number;
  userId: number;
  /** The join request's date (Unix seconds): with chat and user, the request's key in the join log. */
  date: number;
}

/** Telegram's limit for callback data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

const PREFIX = 'rq1';
const DATA = /^rq1:([ad]):(-?\d{1,20}):(\d{1,20}):(\d{1,12})$/;

/** The callback data of a card's button: `rq1:a:<chat>:<user>:<date>` (at most 3+2+21+21+13 bytes). Pure. */
export function encodePress(press: ReviewPress): string {
  const data = `${PREFIX}:${press.action === 'approve' ? 'a' : 'd'}:${press.chatId}:${press.userId}:${press.date}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) throw new RangeError(`callback data "${data}" is over ${CALLBACK_DATA_MAX_BYTES} bytes`);
  return data;
}

/** The press a button's data asks for, or undefined when the data is not a card's. Pure. */
export function decodePress(data: string | undefined): ReviewPress | undefined {
  const match = data === undefined ? null : DATA.exec(data);
  if (match === null) return undefined;
  const [, action, chat, user, date] = match;
  const numbers = [Number(chat), Number(user), Number(date)];
  if (!numbers.every(Number.isSafeInteger)) return undefined;
  return { action: action === 'a' ? 'approve' : 'decline', chatId: numbers[0]!, userId: numbers[1]!, date: numbers[2]! };
}

/** What a card shows. */
export interface CardFacts {
  chat: { id: number; title?: string | undefined };
  user: { id: number; first_name: string; last_name?: string | undefined; username?: string | undefined };
  /** The registry row the link belongs to, when it is one. */
  invite?: { id: string; id_adress: string } | undefined;
  /** The link as Telegram sent it (its name and URL), when it sent one. */
  link?: { url: string; name?: string | undefined } | undefined;
  reason: HeldReason;
  /** The join request's date, Unix seconds. */
  date: number;
}

/** "Anna Berg (@anna), id 4201". Pure. */
export function personLine(user: CardFacts['user']): string {
  const name = [user.first_name, user.last_name ?? ''].filter((s) => s.trim() !== '').join(' ');
  return `${name}${user.username ? ` (@${user.username})` : ''}, id ${user.id}`;
}

function linkLine(facts: CardFacts): string {
  if (facts.invite !== undefined) return `registry row "${facts.invite.id}"${facts.invite.id_adress.trim() ? ` (${facts.invite.id_adress.trim()})` : ''}`;
  if (facts.link === undefined) return 'none';
  return `not in the registry: "${facts.link.name ?? ''}" ${facts.link.url}`;
}

/** The card's text and buttons. Pure. */
export function card(facts: CardFacts, zone: string): { text: string; keyboard: InlineKeyboardMarkup } {
  const group = facts.chat.title ? `${facts.chat.title} (${facts.chat.id})` : String(facts.chat.id);
  const text = [
    `Join request to ${group}`,
    `Who: ${personLine(facts.user)}`,
    `Link: ${linkLine(facts)}`,
    `Held: ${HELD_REASONS[facts.reason]}`,
    `Asked: ${formatDateTime(new Date(facts.date * 1000), zone)}`,
  ].join('\n');
  const press = { chatId: facts.chat.id, userId: facts.user.id, date: facts.date };
  return {
    text,
    keyboard: {
      inline_keyboard: [[
        { text: '✅ Approve', callback_data: encodePress({ ...press, action: 'approve' }) },
        { text: '❌ Decline', callback_data: encodePress({ ...press, action: 'decline' }) },
      ]],
    },
  };
}

/** How a press ended. */
export type Outcome = 'approved' | 'declined' | 'already-in' | 'already-gone';

/** The line a decided card ends with: what happened, who pressed, when. Pure. */
export function outcomeLine(outcome: Outcome, admin: CardFacts['user'], at: Date, zone: string): string {
  const who = personLine(admin);
  const when = formatDateTime(at, zone);
  switch (outcome) {
    case 'approved':
      return `✅ Approved by ${who} at ${when}`;
    case 'declined':
      return `❌ Declined by ${who} at ${when}`;
    case 'already-in':
      return `ℹ️ Already in the group (approved elsewhere); seen by ${who} at ${when}`;
    case 'already-gone':
      return `ℹ️ Already settled elsewhere (Telegram no longer has this request); seen by ${who} at ${when}`;
  }
}
