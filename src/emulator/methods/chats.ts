import { badRequest } from '../errors.js';
import type { MethodHandler } from '../context.js';
import { chatObject, userObject } from '../objects.js';
import type { ChatRecord } from '../state.js';
import type { EmulatorUser } from '../types.js';
import { assertBotInChat, assertCanSend, chatOf } from './access.js';

/** getChat: the ChatFullInfo of a chat the bot can see. */
export const getChat: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  if (chat.type !== 'private' && chat.botRights === 'none' && chat.username === undefined) throw badRequest('chat not found');
  return { ...chatObject(chat), accent_color_id: 0, max_reaction_count: 11 };
};

function memberObject(chat: ChatRecord, user: EmulatorUser, isBot: boolean): Record<string, unknown> {
  if (isBot && (chat.botRights === 'admin' || chat.botRights === 'admin-no-invite')) {
    return {
      user: userObject(user),
      status: 'administrator',
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_delete_messages: true,
      can_manage_video_chats: true,
      can_restrict_members: true,
      can_promote_members: false,
      can_change_info: true,
      can_invite_users: chat.botRights === 'admin',
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      ...(chat.type === 'channel' ? { can_post_messages: true, can_edit_messages: true } : { can_pin_messages: true }),
    };
  }
  const inChat = isBot ? chat.botRights === 'member' : chat.members.has(user.id);
  return { user: userObject(user), status: inChat ? 'member' : 'left' };
}

/** getChatMember: administrator / member / left. */
export const getChatMember: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  assertBotInChat(chat);
  const userId = params.userId();
  const isBot = userId === ctx.botUser.id;
  const user = isBot ? ctx.botUser : ctx.world.users.get(userId);
  if (user === undefined) throw badRequest('user not found');
  return memberObject(chat, user, isBot);
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
