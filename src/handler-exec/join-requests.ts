/**
 * Where a join request is decided. `decide` is pure: which registry row the request belongs to has
 * been looked up already, and it says approve, decline or leave it to a human admin. The composer
 * around it waits until the row can be written (LogGate: a full disk holds the request, unconfirmed),
 * calls Telegram, then appends the row (awaited until on disk) before the handler returns: telegraf
 * confirms an update only after its batch finished, so a crash before the row is written means
 * Telegram delivers the request again after the restart.
 */
import { Composer, type Context, type Telegram } from 'telegraf';
import type { ChatJoinRequest } from 'telegraf/types';
import { formatDateTimeCell } from '../shared/dates.js';
import type { Logger } from '../shared/cli/log.js';
import type { IndexedInvite } from '../shared/registry/registry.js';
import { requestRowKey } from '../shared/join-log/keys.js';
import { personCells, requestKey, type ResponseCells, type ResponseStatus } from '../shared/join-log/schema.js';
import { settleRequest } from '../shared/telegram/settle.js';
import type { Registry } from './registry-watch.js';
import { factsOf, type ReviewQueue } from './review-queue.js';
import type { HeldReason } from './review-card.js';
import type { LinkUsage } from './link-usage.js';
import type { RequesterCheck } from './requester-check.js';
import type { LogGate } from './log-gate.js';

/** What the bot does with a request whose link is not in the registry. */
export type UnknownLinkPolicy = 'pending' | 'decline';

/** Why a request was decided the way it was. */
export type Reason = 'registry' | 'bot' | 'unknown-link' | 'expired' | 'no-link' | 'link-used' | 'check' | 'check-blocked';

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
  /** The registry link has brought in its max_members people already, and this is someone else. */
  linkUsed?: boolean | undefined;
}

/** The decisions of nearly every request, made once: a burst decides thousands. */
const APPROVE: Decision = Object.freeze({ action: 'approve', status: 'approve', reason: 'registry' });
const DECLINE_BOT: Decision = Object.freeze({ action: 'decline', status: 'decline', reason: 'bot' });

/**
 * Decides a join request. Pure. A bot is declined whatever its link. A registry row whose dt_expire
 * has passed, or whose link is used up (`linkUsed`), counts as unknown. Unknown links and requests
 * without a link are never approved: left to a human admin (`pending`) or declined, as `unknownLinks` says.
 */
export function decide(request: RequestFacts, invite: IndexedInvite | undefined, now: Date, unknownLinks: UnknownLinkPolicy): Decision {
  if (request.isBot) return DECLINE_BOT;
  const expired = invite?.dt_expire != null && invite.dt_expire.getTime() <= now.getTime();
  if (invite !== undefined && !expired && request.linkUsed !== true) return APPROVE;
  const reason: Reason = request.link === undefined && invite === undefined ? 'no-link' : expired ? 'expired' : invite !== undefined ? 'link-used' : 'unknown-link';
  return unknownLinks === 'decline' ? { action: 'decline', status: 'decline', reason } : { action: 'leave', status: 'pending', reason };
}

export { settledStatus } from '../shared/telegram/settle.js';

/**
 * The dt_tg_responde cell of the last second asked for. A burst writes thousands of rows within a few
 * seconds, two per request (the draft the gate sizes, then the row), and each cell was a format and a
 * parse back (formatDateTimeCell looks for a DST overlap): 1.2% of a burst. The text depends only on
 * the second and the zone: a zone's offset changes at whole seconds.
 */
let lastCell = { second: Number.NaN, zone: '', text: '' };
function responseCell(now: Date, zone: string): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastCell.second || zone !== lastCell.zone) lastCell = { second, zone, text: formatDateTimeCell(now, zone) };
  return lastCell.text;
}

/** The join-log row for a request; `reason` says why a request was held or declined. Pure. */
export function responseRow(request: ChatJoinRequest, invite: IndexedInvite | undefined, status: ResponseStatus, now: Date, zone: string, reason = ''): ResponseCells {
  const person = personCells(request.from);
  // Every column named, in one literal: the row is made with all its fields in place, where a
  // spread in the middle of it copied them in one by one (a burst makes a row per request).
  return {
    id_link: invite !== undefined ? invite.id_link.trim() || invite.id : (request.invite_link?.name ?? ''),
    id_tg: person.id_tg,
    tg_f_name: person.tg_f_name,
    tg_l_name: person.tg_l_name,
    dt_tg_responde: responseCell(now, zone),
    tg_responde_status: status,
    tg_username: person.tg_username,
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

function warningFor(reason: Reason, request: ChatJoinRequest, invite: IndexedInvite | undefined, unknownLinks: UnknownLinkPolicy): string | undefined {
  const handled = unknownLinks === 'decline' ? 'declined (--unknown-links decline)' : 'left for an admin to approve or decline';
  switch (reason) {
    case 'no-link':
      return `join request from ${describeRequest(request)}: Telegram sent no invite link (it leaves it out for public groups); make the group private so requests can be attributed; ${handled}`;
    case 'unknown-link':
      return `join request from ${describeRequest(request)}: the link ${request.invite_link?.invite_link ?? ''} is not in the registry (another admin's link?); ${handled}`;
    case 'expired':
      return `join request from ${describeRequest(request)}: the registry row "${invite?.id ?? ''}" expired (dt_expire ${invite?.dt_expire?.toISOString() ?? ''}); ${handled}`;
    case 'link-used':
      return `join request from ${describeRequest(request)}: the registry row "${invite?.id ?? ''}" has brought in its ${invite?.max_members ?? 'allowed number of'} people already (max_members; a shared personal link?); ${handled}`;
    default:
      return undefined;
  }
}

export interface JoinRequestDeps {
  registry: Registry;
  /** The join log behind its gate: nobody is decided unless their row can be written (a full disk waits). */
  log: Pick<LogGate, 'has' | 'admit' | 'record'>;
  logger: Logger;
  unknownLinks: UnknownLinkPolicy;
  now: () => Date;
  zone: string;
  /** The review queue (ADMIN_CHAT_ID): a held request gets a card there before its row is written. */
  queue?: ReviewQueue | undefined;
  /** People counted per limited link (max_members, --max-members). */
  usage?: LinkUsage | undefined;
  /** --check-requester: a request the bot would approve waits for the requester's press first. */
  check?: RequesterCheck | undefined;
}

const NOTHING_TO_RELEASE = (): void => {};

/** Handles one join request with `telegram` (the bot's shared client). Errors other than "settled" are thrown for the caller to log. */
export type JoinRequestHandler = (request: ChatJoinRequest, telegram: Telegram) => Promise<void>;

/** The join-request handler, for telegraf's middleware (joinRequestHandlers) and for the lane in front of it (takeJoinRequests). */
export function joinRequestHandler(deps: JoinRequestDeps): JoinRequestHandler {
  return async (request, telegram) => {
    const userId = request.from.id;
    const key = requestKey(String(request.chat.id), String(userId), String(request.date));
    const who = describeRequest(request);
    if (deps.log.has(key)) {
      // Already decided and written: a redelivery. Calling Telegram again would change nothing.
      deps.logger.info(`join request: ${who} -> already recorded, nothing to do`);
      return;
    }
    const link = request.invite_link;
    // Awaited only when it is a promise: a hit and a seat come as they are (see lookup, admit).
    const found = deps.registry.lookup(link?.invite_link, link?.name);
    const invite = found instanceof Promise ? await found : found;
    const facts: RequestFacts = { isBot: request.from.is_bot, link: link === undefined ? undefined : { url: link.invite_link, name: link.name } };
    const decidedAt = deps.now();
    let decision = decide(facts, invite, decidedAt, deps.unknownLinks);
    let release = NOTHING_TO_RELEASE;
    if (decision.action === 'approve' && invite !== undefined && deps.usage !== undefined) {
      const admission = deps.usage.admit(invite, String(userId));
      const slot = admission instanceof Promise ? await admission : admission;
      release = slot.release;
      if (!slot.admitted) decision = decide({ ...facts, linkUsed: true }, invite, deps.now(), deps.unknownLinks);
    }
    if (decision.action === 'approve' && invite !== undefined && deps.check !== undefined) {
      const asked = await deps.check.ask(telegram, request, invite);
      if (!asked) release();
      decision = { action: 'leave', status: 'pending', reason: asked ? 'check' : 'check-blocked' };
    }
    const warning = warningFor(decision.reason, request, invite, deps.unknownLinks);
    if (warning !== undefined) deps.logger.warn(warning);

    // Nobody is approved, declined or queued unless their row can be written: a full disk waits here.
    // The draft's time is not written: the row takes the time its call settled, below.
    const draft = responseRow(request, invite, decision.status, decidedAt, deps.zone, decision.reason);
    const admitted = deps.log.admit(draft);
    const seat = admitted instanceof Promise ? await admitted : admitted;
    let status = decision.status;
    let wrote: boolean;
    try {
      // The card goes first: a crash before the row means the request comes again (a second card), never none.
      if (decision.action === 'leave' && decision.reason !== 'check' && deps.queue !== undefined) await deps.queue.hold(telegram, factsOf(request, invite, decision.reason as HeldReason));
      if (decision.action !== 'leave') {
        deps.logger.debug(`join request: ${who}: calling ${decision.action}ChatJoinRequest`);
        try {
          status = (await settleRequest(telegram, decision.action, request.chat.id, userId)).status;
        } catch (error) {
          release();
          throw error;
        }
      }
      // The draft becomes the row: what the call settled, at the time it settled (the same as
      // responseRow would make). The gate is done with it: it sized the draft when it admitted it.
      const row = draft;
      row.dt_tg_responde = responseCell(deps.now(), deps.zone);
      row.tg_responde_status = status;
      row.reason = status === 'pending' || status === 'decline' ? decision.reason : '';
      // The row's key from the request's, as the log would make it (rowKey), without a second one.
      wrote = await deps.log.record(row, seat, requestRowKey(key, status, row.reason));
      if (decision.reason === 'check') deps.check?.arm(row, release);
    } finally {
      seat.release();
    }
    const bot = decision.reason === 'bot' ? ' (a bot)' : '';
    deps.logger.info(`join request: ${who}${bot} -> ${decision.reason === 'check' ? 'asked to confirm (--check-requester)' : OUTCOME[status]}${wrote ? '' : ' (already recorded)'}`);
  };
}

/** The join-request handler as telegraf middleware: for a request the lane leaves to telegraf (one whose shape needs zod's word). */
export function joinRequestHandlers(handle: JoinRequestHandler): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('chat_join_request', (ctx) => handle(ctx.chatJoinRequest, ctx.telegram));
  return composer;
}
