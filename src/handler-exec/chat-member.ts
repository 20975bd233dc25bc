/**
 * Where a join or a leave is recorded: chat_member updates (sent only to a bot that is an
 * administrator and asks for them). `membershipEvent` is pure: given the update and the person's
 * standing in the ledger, it says which row to write, if any. The composer around it looks the link
 * up in the registry and hands the decision to the MembershipLog, which takes it under the join
 * log's lock and has the row on disk before the handler returns.
 */
import { Composer, type Context, type Telegraf } from 'telegraf';
import type { ChatMemberUpdated } from 'telegraf/types';
import { formatDateTimeCell } from '../shared/dates.js';
import type { Logger } from '../shared/cli/log.js';
import type { Standing } from '../shared/join-log/ledger.js';
import { isMember } from '../shared/join-log/member-status.js';
import type { MembershipLog } from '../shared/join-log/membership-log.js';
import { personCells, type ResponseCells } from '../shared/join-log/schema.js';
import type { IndexedInvite } from '../shared/registry/registry.js';
import { DONE, takeBeforeTelegraf } from './before-telegraf.js';
import type { Registry } from './registry-watch.js';

/** A chat_member update; via_join_request (Bot API 6.6) is newer than telegraf's types. */
export type MemberUpdate = ChatMemberUpdated & { via_join_request?: boolean };

/** Whether the update is a join, a leave, or neither (a promotion, a new restriction). */
export function transitionOf(update: Pick<ChatMemberUpdated, 'old_chat_member' | 'new_chat_member'>): 'join' | 'leave' | null {
  const was = isMember(update.old_chat_member);
  const is = isMember(update.new_chat_member);
  if (was === is) return null;
  return is ? 'join' : 'leave';
}

/** A join the bot approved itself (via_join_request, from = the bot): its `approve` row stands for it. */
export function isOwnApproval(update: MemberUpdate, botId: number): boolean {
  return update.via_join_request === true && update.from.id === botId && transitionOf(update) === 'join';
}

/** What `membershipEvent` needs besides the update. */
export interface EventFacts {
  /** The person's standing in this chat by the join log, undefined when it never saw them. */
  standing: Standing | undefined;
  /** The bot's own user id: an approval it made itself already has its `approve` row. */
  botId: number;
  /** The registry row of the update's invite_link, when the link is in the registry. */
  invite: IndexedInvite | undefined;
  zone: string;
}

/** The id_link of a join: the registry row's, else the link's name or URL as Telegram gave it, else blank. */
function joinLink(update: ChatMemberUpdated, invite: IndexedInvite | undefined): { idLink: string; url: string } {
  if (invite !== undefined) return { idLink: invite.id_link.trim() || invite.id, url: invite.link.trim() };
  const link = update.invite_link;
  return { idLink: link?.name || link?.invite_link || '', url: link?.invite_link ?? '' };
}

/**
 * The row a chat_member update calls for, or null. Pure.
 * - A join right after the bot's own approval (via_join_request, from = the bot): none, the
 *   `approve` row stands for it. Otherwise `joined`, with the link; `decided_by` is the admin when
 *   someone other than the person made it happen (approved in the app, added them).
 * - A leave: `left` when they left themselves, `removed` when an admin removed or banned them;
 *   under the link they joined through last, blank when the ledger never saw them join.
 * - Nothing when the ledger already has it: a join of a member since this date or later, a leave of
 *   someone already gone, or an update older than what the ledger knows (a redelivery, or a change
 *   `tg-get members` recorded first).
 */
export function membershipEvent(update: MemberUpdate, facts: EventFacts): ResponseCells | null {
  const kind = transitionOf(update);
  if (kind === null) return null;
  const { standing } = facts;
  const user = update.new_chat_member.user;
  if (standing !== undefined && update.date < standing.since) return null;
  const byAdmin = update.from.id !== user.id;
  let status: ResponseCells['tg_responde_status'];
  let idLink: string;
  let url = '';
  if (kind === 'join') {
    if (isOwnApproval(update, facts.botId)) return null;
    if (standing?.member === true && update.date <= standing.since) return null;
    status = 'joined';
    ({ idLink, url } = joinLink(update, facts.invite));
  } else {
    if (standing !== undefined && !standing.member) return null;
    status = update.new_chat_member.status === 'kicked' || byAdmin ? 'removed' : 'left';
    idLink = standing?.link ?? '';
  }
  return {
    id_link: idLink,
    ...personCells(user),
    dt_tg_responde: formatDateTimeCell(new Date(update.date * 1000), facts.zone),
    tg_responde_status: status,
    link: url,
    chat_id: String(update.chat.id),
    tg_request_date: String(update.date),
    decided_by: byAdmin ? String(update.from.id) : '',
    reason: '',
  };
}

/** How an update is named in log lines: `user 42 (@anna) joined via "anna-2026"`. */
function describe(update: ChatMemberUpdated, row: ResponseCells | null): string {
  const user = update.new_chat_member.user;
  const who = `user ${user.id}${user.username ? ` (@${user.username})` : ''}`;
  const what = transitionOf(update) === 'join' ? 'joined' : update.new_chat_member.status === 'kicked' ? 'was banned' : update.from.id !== user.id ? 'was removed' : 'left';
  const via = row !== null && row.id_link !== '' ? ` (${row.tg_responde_status === 'joined' ? 'via' : 'joined via'} "${row.id_link}")` : '';
  return `${who} ${what}${via}`;
}

export interface ChatMemberDeps {
  registry: Registry;
  members: MembershipLog;
  logger: Logger;
  zone: string;
}

/** Handles chat_member updates. A failed write is thrown for bot.catch to log (the update is then delivered again after a restart only if not confirmed). */
export function chatMemberHandlers(deps: ChatMemberDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('chat_member', async (ctx) => {
    const update: MemberUpdate = ctx.chatMember;
    const kind = transitionOf(update);
    if (kind === null) return;
    const botId = ctx.botInfo.id;
    // One of these follows every approval the bot makes: no registry lookup, no lock, no read of the file for it.
    if (isOwnApproval(update, botId)) {
      // Debug only: the join request's own line already said "approved", and this comes with every one.
      deps.logger.debug(`member: ${describe(update, null)} -> approved by the bot, already recorded`);
      return;
    }
    const link = update.invite_link;
    const invite = kind === 'join' && link !== undefined ? await deps.registry.lookup(link.invite_link, link.name) : undefined;
    const chat = String(update.chat.id);
    const user = String(update.new_chat_member.user.id);
    const row = await deps.members.write((ledger) => membershipEvent(update, { standing: ledger.get(chat, user), botId, invite, zone: deps.zone }));
    const outcome = row === null ? 'nothing to record (already in the join log)' : `recorded "${row.tg_responde_status}"`;
    deps.logger.info(`member: ${describe(update, row)} -> ${outcome}`);
  });
  return composer;
}

/** The chat_member update of an approval the bot made itself, else undefined; total on any input (Telegram's shapes are not trusted). */
function ownApproval(update: object, botId: number): MemberUpdate | undefined {
  const member = (update as { chat_member?: unknown }).chat_member;
  if (typeof member !== 'object' || member === null) return undefined;
  const { from, old_chat_member: old, new_chat_member: next } = member as Record<string, unknown>;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(from) || !isObject(old) || !isObject(next) || !isObject(next.user)) return undefined;
  return isOwnApproval(member as MemberUpdate, botId) ? (member as MemberUpdate) : undefined;
}

/**
 * Ends the chat_member update that follows each of the bot's own approvals before telegraf makes a
 * Telegram client and a context for it and runs it through every middleware: nothing is written for
 * it (its `approve` row stands for it), and it is a third of the updates of a burst of join requests.
 * Every other update goes to telegraf as before. Logged as the handler logs it (debug).
 */
export function skipOwnApprovals(bot: Telegraf, logger: Logger): void {
  takeBeforeTelegraf(bot, (update) => {
    const botId = bot.botInfo?.id;
    const own = botId === undefined ? undefined : ownApproval(update, botId);
    if (own === undefined) return undefined;
    logger.debug(`member: ${describe(own, null)} -> approved by the bot, already recorded`);
    return DONE;
  });
}
