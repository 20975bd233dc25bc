import { badRequest } from '../errors.js';
import { unixNow, type MethodContext, type MethodHandler } from '../context.js';
import { linkObject } from '../objects.js';
import type { Params } from '../params.js';
import type { ChatRecord, LinkRecord } from '../state.js';
import { assertInviteRights, chatOf } from './access.js';

/** The most characters of a link name; TDLib cuts longer names to this (it does not refuse them). */
export const MAX_LINK_NAME_LENGTH = 32;
/** The greatest member limit of a link. */
export const MAX_MEMBER_LIMIT = 99_999;

interface LinkSettings {
  name?: string;
  expireDate?: number;
  memberLimit?: number;
  createsJoinRequest: boolean;
}

/** TDLib's clean_name: control characters become spaces, the ends are trimmed, at most 32 characters. */
function cleanName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  const kept = Array.from(cleaned).slice(0, MAX_LINK_NAME_LENGTH).join('').trim();
  return kept === '' ? undefined : kept;
}

/**
 * The settings createChatInviteLink and editChatInviteLink take, checked in the Bot API's order:
 * the member-limit/join-request conflict (TDLib), then the server's expiry and limit checks.
 * A missing or zero expire_date or member_limit means none.
 */
function readSettings(ctx: MethodContext, params: Params): LinkSettings {
  const expire = params.int('expire_date') ?? 0;
  const limit = params.int('member_limit') ?? 0;
  const createsJoinRequest = params.bool('creates_join_request');
  if (createsJoinRequest && limit > 0) {
    throw badRequest("member limit can't be specified for links requiring administrator approval");
  }
  if (expire > 0 && expire < unixNow(ctx)) throw badRequest('EXPIRE_DATE_INVALID');
  if (limit < 0 || limit > MAX_MEMBER_LIMIT) throw badRequest('USAGE_LIMIT_INVALID');
  const name = cleanName(params.str('name'));
  return {
    createsJoinRequest,
    ...(name === undefined ? {} : { name }),
    ...(expire > 0 ? { expireDate: expire } : {}),
    ...(limit > 0 ? { memberLimit: limit } : {}),
  };
}

/** The bot's own link named by `invite_link`, with Telegram's errors for the others. */
function ownLink(ctx: MethodContext, chat: ChatRecord, params: Params): LinkRecord {
  const url = params.str('invite_link') ?? '';
  if (url.trim() === '') throw badRequest('invite link must be non-empty');
  const link = ctx.world.findLink(chat, url);
  if (link === undefined) throw badRequest('INVITE_HASH_EXPIRED');
  if (!link.byBot) throw badRequest('CHAT_ADMIN_REQUIRED');
  return link;
}

/** createChatInviteLink: a new non-primary link made by the bot. */
export const createChatInviteLink: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertInviteRights(chat);
  const settings = readSettings(ctx, params);
  const { url, hash } = ctx.world.newLinkUrl();
  const link: LinkRecord = { url, hash, creator: ctx.botUser, byBot: true, isPrimary: false, isRevoked: false, ...settings };
  chat.links.push(link);
  return linkObject(chat, link, true);
};

/** editChatInviteLink: replaces every setting of a bot-made link (omitted ones return to none). */
export const editChatInviteLink: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertInviteRights(chat);
  const settings = readSettings(ctx, params);
  const link = ownLink(ctx, chat, params);
  if (link.isRevoked) throw badRequest('INVITE_HASH_EXPIRED');
  delete link.name;
  delete link.expireDate;
  delete link.memberLimit;
  Object.assign(link, settings);
  return linkObject(chat, link, true);
};

/** revokeChatInviteLink: marks a bot-made link revoked; revoking the primary link makes a new one. */
export const revokeChatInviteLink: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertInviteRights(chat);
  const link = ownLink(ctx, chat, params);
  if (link.isPrimary && !link.isRevoked) {
    link.isRevoked = true;
    newPrimary(ctx, chat);
  }
  link.isRevoked = true;
  return linkObject(chat, link, true);
};

function newPrimary(ctx: MethodContext, chat: ChatRecord): LinkRecord {
  const { url, hash } = ctx.world.newLinkUrl();
  const link: LinkRecord = { url, hash, creator: ctx.botUser, byBot: true, isPrimary: true, isRevoked: false, createsJoinRequest: false };
  chat.links.push(link);
  return link;
}

/** exportChatInviteLink: revokes the primary link and makes a new one (its URL is the result). */
export const exportChatInviteLink: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertInviteRights(chat);
  for (const link of chat.links) if (link.isPrimary) link.isRevoked = true;
  return newPrimary(ctx, chat).url;
};
