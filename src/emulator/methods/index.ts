import type { MethodHandler } from '../context.js';
import { getMe, setMyCommands, getMyCommands, deleteMyCommands } from './bot.js';
import { getChat, getChatMember, getChatMemberCount, sendChatAction } from './chats.js';
import { answerCallbackQuery, deleteMessage, editMessageCaption, editMessageReplyMarkup, editMessageText } from './edits.js';
import { createChatInviteLink, editChatInviteLink, exportChatInviteLink, revokeChatInviteLink } from './invite-links.js';
import { approveChatJoinRequest, declineChatJoinRequest } from './join-requests.js';
import { sendDocument, sendMessage, sendPhoto } from './messages.js';
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './updates.js';

export { ClientGone } from './updates.js';

/** Every method the emulator implements, by canonical name. Others answer 404 "Not Found". */
export const METHODS: Readonly<Record<string, MethodHandler>> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  getChat,
  getChatMember,
  getChatMemberCount,
  sendChatAction,
  createChatInviteLink,
  editChatInviteLink,
  revokeChatInviteLink,
  exportChatInviteLink,
  approveChatJoinRequest,
  declineChatJoinRequest,
  sendMessage,
  sendPhoto,
  sendDocument,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
};

const BY_LOWER_CASE = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

/** The canonical name of a method (names are case-insensitive, as in Telegram), or undefined. */
export function canonicalMethod(name: string): string | undefined {
  return BY_LOWER_CASE.get(name.toLowerCase());
}
