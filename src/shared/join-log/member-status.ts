/**
 * What Telegram's ChatMember says about membership, and the row a reconciliation writes when
 * Telegram and the ledger disagree. Pure: tg-handler (chat_member updates) and `tg-get members`
 * (getChatMember answers) share the one definition of "a member".
 */
import type { ChatMember } from 'telegraf/types';
import { formatDateTimeCell } from '../dates.js';
import type { Standing } from './ledger.js';
import { personCells, type ResponseCells } from './schema.js';

/**
 * In the group: creator, administrator, member, or restricted while still a member (is_member).
 * Not: left, kicked, or restricted without is_member.
 */
export function isMember(member: Pick<ChatMember, 'status'> & { is_member?: boolean }): boolean {
  if (member.status === 'restricted') return member.is_member === true;
  return member.status === 'creator' || member.status === 'administrator' || member.status === 'member';
}

/** What `reconcileRow` writes in `reason`, so a row found by asking Telegram is told from one it sent. */
export const RECONCILED = 'tg-get members';

/**
 * The row for a person whose standing in the ledger Telegram's answer contradicts, or null when they
 * agree (or the ledger never saw the person). A member who is gone: `left`, or `removed` when
 * Telegram says kicked, under the link they joined through. Someone gone who is in again: `joined`
 * with a blank link (getChatMember does not say how). Dated `now`: when it was found, not when it
 * happened, which Telegram does not tell.
 */
export function reconcileRow(chat: string, standing: Standing | undefined, answer: ChatMember, now: Date, zone: string): ResponseCells | null {
  if (standing === undefined) return null;
  const inNow = isMember(answer);
  if (inNow === standing.member) return null;
  const status = inNow ? 'joined' : answer.status === 'kicked' ? 'removed' : 'left';
  const { user } = answer;
  return {
    id_link: inNow ? '' : standing.link,
    ...personCells(user),
    dt_tg_responde: formatDateTimeCell(now, zone),
    tg_responde_status: status,
    link: '',
    chat_id: chat,
    tg_request_date: String(Math.floor(now.getTime() / 1000)),
    decided_by: '',
    reason: RECONCILED,
  };
}
