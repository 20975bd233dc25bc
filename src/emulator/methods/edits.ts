import { badRequest } from '../errors.js';
import { unixNow, type MethodContext, type MethodHandler } from '../context.js';
import { checkCaption, checkMessageText, formatText, readParseMode } from '../message-text.js';
import { messageObject } from '../objects.js';
import type { Params } from '../params.js';
import { readReplyMarkup } from '../reply-markup.js';
import type { ChatRecord, StoredMessage } from '../state.js';
import { chatOf } from './access.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** The bot's message named by chat_id + message_id (inline messages are not emulated). */
function editable(ctx: MethodContext, params: Params): { chat: ChatRecord; message: StoredMessage } {
  if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = chatOf(ctx, params);
  const id = params.int('message_id');
  if (id === undefined) throw badRequest('message identifier is not specified');
  const message = chat.messages.get(id);
  if (message === undefined || message.deleted === true) throw badRequest('message to edit not found');
  if (!message.fromBot) throw badRequest("message can't be edited");
  return { chat, message };
}

const inlineKeyboardOf = (markup: unknown): string =>
  JSON.stringify((markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard ?? null);

/** Saves an edit, or 400 "message is not modified" when nothing changes. */
function saveEdit(ctx: MethodContext, chat: ChatRecord, message: StoredMessage, changes: Partial<StoredMessage>, markup: Record<string, unknown> | undefined): Record<string, unknown> {
  const sameContent = Object.entries(changes).every(
    ([key, value]) => JSON.stringify(value ?? null) === JSON.stringify(message[key as keyof StoredMessage] ?? null),
  );
  if (sameContent && inlineKeyboardOf(markup) === inlineKeyboardOf(message.reply_markup)) throw badRequest(NOT_MODIFIED);
  Object.assign(message, changes);
  // An edit without reply_markup removes the inline keyboard, as in Telegram.
  if (markup === undefined) delete message.reply_markup;
  else message.reply_markup = markup;
  message.edit_date = unixNow(ctx);
  return messageObject(chat, message);
}

/** editMessageText. */
export const editMessageText: MethodHandler = (ctx, params) => {
  const { chat, message } = editable(ctx, params);
  if (message.kind !== 'text') throw badRequest('there is no text in the message to edit');
  const parseMode = readParseMode(params.str('parse_mode'));
  const formatted = formatText(params.str('text') ?? '', parseMode);
  checkMessageText(formatted);
  const markup = readReplyMarkup(params);
  return saveEdit(ctx, chat, message, { text: formatted.text, entities: formatted.entities }, markup);
};

/** editMessageCaption. */
export const editMessageCaption: MethodHandler = (ctx, params) => {
  const { chat, message } = editable(ctx, params);
  if (message.kind === 'text') throw badRequest('there is no caption in the message to edit');
  const parseMode = readParseMode(params.str('parse_mode'));
  const formatted = formatText(params.str('caption') ?? '', parseMode);
  checkCaption(formatted);
  const markup = readReplyMarkup(params);
  return saveEdit(ctx, chat, message, { caption: formatted.text, caption_entities: formatted.entities }, markup);
};

/** editMessageReplyMarkup. */
export const editMessageReplyMarkup: MethodHandler = (ctx, params) => {
  const { chat, message } = editable(ctx, params);
  return saveEdit(ctx, chat, message, {}, readReplyMarkup(params));
};

/** deleteMessage: the bot's own messages, users' messages in private chats, any as an admin. */
export const deleteMessage: MethodHandler = (ctx, params) => {
  const chat = chatOf(ctx, params);
  const id = params.int('message_id');
  if (id === undefined) throw badRequest('message identifier is not specified');
  const message = chat.messages.get(id);
  if (message === undefined || message.deleted === true) throw badRequest('message to delete not found');
  const isAdmin = chat.botRights === 'admin' || chat.botRights === 'admin-no-invite';
  if (!message.fromBot && chat.type !== 'private' && !isAdmin) throw badRequest("message can't be deleted");
  message.deleted = true;
  return true;
};

/** answerCallbackQuery: each query may be answered once. */
export const answerCallbackQuery: MethodHandler = (ctx, params) => {
  const query = ctx.world.callbackQueries.get(params.str('callback_query_id') ?? '');
  if (query === undefined || query.answered) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  query.answered = true;
  return true;
};
