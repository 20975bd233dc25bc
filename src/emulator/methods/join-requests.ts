import { badRequest } from '../errors.js';
import { unixNow, type MethodContext, type MethodHandler } from '../context.js';
import { applyMemberChange } from '../member-events.js';
import { joinedState } from '../membership.js';
import type { Params } from '../params.js';
import type { ChatRecord } from '../state.js';
import { assertBotInChat, chatOf } from './access.js';

function target(ctx: MethodContext, params: Params): { chat: ChatRecord; userId: number } {
  const chat = chatOf(ctx, params);
  if (chat.type === 'private') throw badRequest("the chat can't have join requests");
  assertBotInChat(chat);
  if (chat.botRights !== 'admin') throw badRequest('CHAT_ADMIN_REQUIRED');
  const userId = params.userId();
  if (!ctx.world.users.has(userId)) throw badRequest('user not found');
  return { chat, userId };
}

/**
 * approveChatJoinRequest: the user becomes a member; Telegram then sends a chat_member update
 * (from = the bot, via_join_request) and, in groups, the new_chat_members service message.
 */
export const approveChatJoinRequest: MethodHandler = (ctx, params) => {
  const { chat, userId } = target(ctx, params);
  const request = chat.joinRequests.get(userId);
  if (chat.members.has(userId)) {
    chat.joinRequests.delete(userId);
    throw badRequest('USER_ALREADY_PARTICIPANT');
  }
  if (request === undefined) throw badRequest('HIDE_REQUESTER_MISSING');
  chat.joinRequests.delete(userId);
  applyMemberChange(ctx.world, ctx.updates, chat, {
    user: request.user,
    next: joinedState(chat.members.get(userId)),
    from: ctx.botUser,
    date: unixNow(ctx),
    ...(request.link === undefined ? {} : { link: request.link }),
    viaJoinRequest: true,
  });
  return true;
};

/** declineChatJoinRequest: the request is gone (Telegram sends no update for a decline). */
export const declineChatJoinRequest: MethodHandler = (ctx, params) => {
  const { chat, userId } = target(ctx, params);
  if (!chat.joinRequests.delete(userId)) throw badRequest('HIDE_REQUESTER_MISSING');
  return true;
};
