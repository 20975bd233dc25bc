import { badRequest } from '../errors.js';
import { unixNow, type MethodHandler } from '../context.js';
import { chatMemberObject, currentState } from '../membership.js';
import { chatObject } from '../objects.js';
import type { ChatRecord } from '../state.js';
import type { EmulatorUser } from '../types.js';
import { assertBotInChat, assertCanSend, chatOf } from './access.js';

/** getChat: the ChatFullInfo of a chat the bot can see. */
export const getChat: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  if (chat.type !== 'private' && chat.botRights === 'none' && chat.username === undefined) throw badRequest('chat not found');
  return { ...chatObject(chat), accent_color_id: 0, max_reaction_count: 11 };
};

/** The bot's own ChatMember, from the rights it was given in the chat. */
function botMember(chat: ChatRecord, bot: EmulatorUser): Record<string, unknown> {
  if (chat.botRights === 'admin' || chat.botRights === 'admin-no-invite') {
    return chatMemberObject(chat.type, bot, {
      status: 'administrator',
      can_promote_members: false,
      can_invite_users: chat.botRights === 'admin',
    });
  }
  return chatMemberObject(chat.type, bot, { status: chat.botRights === 'member' ? 'member' : 'left' });
}

/**
 * getChatMember: the user's true standing (creator, administrator, member, restricted with
 * is_member, left, kicked with until_date). A user id Telegram never showed the bot answers
 * 400 "user not found"; a known user who never was in the chat is `left`. In a channel only an
 * administrator bot may look.
 */
export const getChatMember: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertBotInChat(chat);
  if (chat.type === 'channel' && chat.botRights !== 'admin' && chat.botRights !== 'admin-no-invite') {
    throw badRequest('member list is inaccessible');
  }
  const userId = params.userId();
  if (userId === ctx.botUser.id) return botMember(chat, ctx.botUser);
  const user = ctx.world.users.get(userId);
  if (user === undefined) throw badRequest('user not found');
  if (chat.type === 'private') {
    if (userId !== chat.id) throw badRequest('user not found');
    return chatMemberObject(chat.type, user, { status: 'member' });
  }
  return chatMemberObject(chat.type, user, currentState(chat.members.get(userId), unixNow(ctx)));
};

/** getChatMemberCount: the members the emulator knows, the bot included. */
export const getChatMemberCount: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertBotInChat(chat);
  return chat.members.size + (chat.type === 'private' || chat.botRights !== 'none' ? 1 : 0);
};

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** sendChatAction: true. */
export const sendChatAction: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertCanSend(ctx, chat);
  if (!CHAT_ACTIONS.has(params.str('action') ?? '')) throw badRequest('wrong parameter action in request');
  return true;
};
