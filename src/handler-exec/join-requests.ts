/**
 * Where a join request is decided. `decide` is pure: which registry row the request belongs to has
 * been looked up already, and it says approve, decline or leave it to a human admin. The composer
 * around it waits until the row can be written (LogGate: a full disk holds the request, unconfirmed),
 * calls Telegram, then appends the row (awaited until on disk) before the handler returns: telegraf
 * confirms an update only after its batch finished, so a crash before the row is written means
 * Telegram delivers the request again after the restart.
 */
import { Composer, type Context } from 'telegraf';
import type { ChatJoinRequest } from 'telegraf/types';
import { formatDateTime } from '../shared/dates.js';
import type { Logger } from '../shared/cli/log.js';
import type { Invite } from '../shared/registry/registry.js';
import { requestKey, type ResponseCells, type ResponseStatus } from '../shared/join-log/schema.js';
import { isRefusal } from '../shared/telegram/errors.js';
import type { Registry } from './registry-watch.js';
import type { LogGate } from './log-gate.js';

/** What the bot does with a request whose link is not in the registry. */
export type UnknownLinkPolicy = 'pending' | 'decline';

/** Why a request was decided the way it was. */
export type Reason = 'registry' | 'bot' | 'unknown-link' | 'expired' | 'no-link';

export interface Decision {
  action: 'approve' | 'decline' | 'leave';
  /** The status recorded when the action goes through. */
  status: ResponseStatus;
  reason: Reason;
}

/** The facts of a request `decide` needs. */
export interface RequestFacts {
  isBot: boolean;
  /** The request's invite_link, if Telegram sent one. */
  link?: { url: string; name?: string | undefined } | undefined;
}

/**
 * Decides a join request. Pure. A bot is declined whatever its link. A registry row whose dt_expire
 * has passed counts as unknown. Unknown links and requests without a link are never approved: left
 * to a human admin (`pending`) or declined, as `unknownLinks` says.
 */
export function decide(request: RequestFacts, invite: Invite | undefined, now: Date, unknownLinks: UnknownLinkPolicy): Decision {
  if (request.isBot) return { action: 'decline', status: 'decline', reason: 'bot' };
  const expired = invite?.dt_expire != null && invite.dt_expire.getTime() <= now.getTime();
  if (invite !== undefined && !expired) return { action: 'approve', status: 'approve', reason: 'registry' };
  const reason: Reason = request.link === undefined ? 'no-link' : expired ? 'expired' : 'unknown-link';
  return unknownLinks === 'decline' ? { action: 'decline', status: 'decline', reason } : { action: 'leave', status: 'pending', reason };
}

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

/** The join-log row for a request; `reason` says why a request was held or declined. Pure. */
export function responseRow(request: ChatJoinRequest, invite: Invite | undefined, status: ResponseStatus, now: Date, zone: string, reason = ''): ResponseCells {
  const { from } = request;
  return {
    id_link: invite !== undefined ? invite.id_link.trim() || invite.id : (request.invite_link?.name ?? ''),
    id_tg: String(from.id),
    tg_f_name: from.first_name,
    tg_l_name: from.last_name ?? '',
    dt_tg_responde: formatDateTime(now, zone),
    tg_responde_status: status,
    tg_username: from.username ?? '',
    link: invite !== undefined ? invite.link.trim() : (request.invite_link?.invite_link ?? ''),
    chat_id: String(request.chat.id),
    tg_request_date: String(request.date),
    decided_by: '',
    reason,
  };
}

const OUTCOME: Partial<Record<ResponseStatus, string>> = {
  approve: 'approved',
  decline: 'declined',
  pending: 'left pending for an admin',
  missing: 'already settled (Telegram no longer has the request)',
};

/** How a request is named in log lines: `user 42 (@anna) via "anna-2026"`. */
export function describeRequest(request: ChatJoinRequest): string {
  const who = `user ${request.from.id}${request.from.username ? ` (@${request.from.username})` : ''}`;
  const link = request.invite_link;
  const via = link === undefined ? 'without an invite link' : `via "${link.name ?? link.invite_link}"`;
  return `${who} ${via}`;
}

function warningFor(reason: Reason, request: ChatJoinRequest, invite: Invite | undefined, unknownLinks: UnknownLinkPolicy): string | undefined {
  const handled = unknownLinks === 'decline' ? 'declined (--unknown-links decline)' : 'left for an admin to approve or decline';
  switch (reason) {
    case 'no-link':
      return `join request from ${describeRequest(request)}: Telegram sent no invite link (it leaves it out for public groups); make the group private so requests can be attributed; ${handled}`;
    case 'unknown-link':
      return `join request from ${describeRequest(request)}: the link ${request.invite_link?.invite_link ?? ''} is not in the registry (another admin's link?); ${handled}`;
    case 'expired':
      return `join request from ${describeRequest(request)}: the registry row "${invite?.id ?? ''}" expired (dt_expire ${invite?.dt_expire?.toISOString() ?? ''}); ${handled}`;
    default:
      return undefined;
  }
}

export interface JoinRequestDeps {
  registry: Registry;
  log: Pick<LogGate, 'has' | 'admit' | 'record'>;
  logger: Logger;
  unknownLinks: UnknownLinkPolicy;
  now: () => Date;
  zone: string;
}

/** Handles chat_join_request updates. Errors other than "settled" are thrown for bot.catch to log. */
export function joinRequestHandlers(deps: JoinRequestDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('chat_join_request', async (ctx) => {
    const request = ctx.chatJoinRequest;
    const userId = request.from.id;
    const key = requestKey(String(request.chat.id), String(userId), String(request.date));
    if (deps.log.has(key)) {
      // Already decided and written: a redelivery. Calling Telegram again would change nothing.
      deps.logger.info(`join request: ${describeRequest(request)} -> already recorded, nothing to do`);
      return;
    }
    const link = request.invite_link;
    const invite = await deps.registry.lookup(link?.invite_link, link?.name);
    const decision = decide({ isBot: request.from.is_bot, link: link === undefined ? undefined : { url: link.invite_link, name: link.name } }, invite, deps.now(), deps.unknownLinks);
    const warning = warningFor(decision.reason, request, invite, deps.unknownLinks);
    if (warning !== undefined) deps.logger.warn(warning);

    // Nobody is approved (or declined) unless their row can be written: a full disk waits here.
    const seat = await deps.log.admit(responseRow(request, invite, decision.status, deps.now(), deps.zone, decision.reason));
    let status = decision.status;
    let wrote: boolean;
    try {
      if (decision.action !== 'leave') {
        deps.logger.debug(`join request: ${describeRequest(request)}: calling ${decision.action}ChatJoinRequest`);
        try {
          if (decision.action === 'approve') await ctx.telegram.approveChatJoinRequest(request.chat.id, userId);
          else await ctx.telegram.declineChatJoinRequest(request.chat.id, userId);
        } catch (error) {
          const settled = settledStatus(decision.action, error);
          if (settled === undefined) throw error;
          status = settled;
        }
      }
      const held = status === 'pending' || status === 'decline' ? decision.reason : '';
      wrote = await deps.log.record(responseRow(request, invite, status, deps.now(), deps.zone, held));
    } finally {
      seat.release();
    }
    const bot = decision.reason === 'bot' ? ' (a bot)' : '';
    deps.logger.info(`join request: ${describeRequest(request)}${bot} -> ${OUTCOME[status]}${wrote ? '' : ' (already recorded)'}`);
  });
  return composer;
}
