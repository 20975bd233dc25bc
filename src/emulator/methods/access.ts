import { badRequest, forbidden } from '../errors.js';
import { unixNow, type MethodContext } from '../context.js';
import type { Params } from '../params.js';
import type { ChatRecord } from '../state.js';

/** How long the bot may write to the user of a pending join request (Bot API docs: 5 minutes). */
export const JOIN_REQUEST_DM_WINDOW_S = 5 * 60;

/** The chat `chat_id` names; 400 "chat not found" when there is none. */
export function chatOf(ctx: MethodContext, params: Params): ChatRecord {
  const chat = ctx.world.resolve(params.chatId());
  if (chat === undefined) throw badRequest('chat not found');
  return chat;
}

/** 403 when the bot is not in a group, supergroup or channel. */
export function assertBotInChat(chat: ChatRecord): void {
  if (chat.type !== 'private' && chat.botRights === 'none') throw forbidden(`bot is not a member of the ${chat.type} chat`);
}

/**
 * The bot may write to a user who started it, or through a join request's user_chat_id: for 5
 * minutes after the request, or until the request is approved or declined, whichever comes first.
 */
export function canMessageUser(ctx: MethodContext, chat: ChatRecord): boolean {
  if (chat.startedBot) return true;
  const since = unixNow(ctx) - JOIN_REQUEST_DM_WINDOW_S;
  for (const other of ctx.world.chats.values()) {
    const request = other.joinRequests.get(chat.id);
    if (request !== undefined && request.date >= since) return true;
  }
  return false;
}

/** Refuses a send the bot may not make to this chat, with Telegram's errors. */
export function assertCanSend(ctx: MethodContext, chat: ChatRecord): void {
  if (chat.type === 'private') {
    // Blocking wins over everything, a pending join request's window included.
    if (chat.blockedBot === true) throw forbidden('bot was blocked by the user');
    if (!canMessageUser(ctx, chat)) throw forbidden("bot can't initiate conversation with a user");
    return;
  }
  assertBotInChat(chat);
  if (chat.type === 'channel' && chat.botRights === 'member') throw badRequest('need administrator rights in the channel chat');
}

/** The bot must be an administrator with the can_invite_users right. */
export function assertInviteRights(chat: ChatRecord): void {
  if (chat.type === 'private') throw badRequest("can't invite members to a private chat");
  assertBotInChat(chat);
  if (chat.botRights !== 'admin') throw badRequest('not enough rights to manage chat invite link');
}
