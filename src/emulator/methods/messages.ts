import { badRequest, tooManyRequests } from '../errors.js';
import { unixNow, type MethodContext, type MethodHandler } from '../context.js';
import { imageSize, mimeTypeOf, photoSizes, readInputFile } from '../files.js';
import { checkCaption, checkMessageText, formatText, readParseMode } from '../message-text.js';
import { messageObject } from '../objects.js';
import type { Params } from '../params.js';
import { readReplyMarkup } from '../reply-markup.js';
import type { ChatRecord, StoredMessage } from '../state.js';
import { assertCanSend, chatOf } from './access.js';

/** Refuses the send with 429 when the group's per-minute limit is used up. */
function throttle(ctx: MethodContext, chat: ChatRecord): void {
  if (ctx.limiter === undefined || (chat.type !== 'group' && chat.type !== 'supergroup')) return;
  const wait = ctx.limiter.retryAfter(chat.id);
  if (wait > 0) throw tooManyRequests(wait);
}

/** Stores a message the bot sent and counts it against the group limit. */
function store(ctx: MethodContext, chat: ChatRecord, fields: Omit<StoredMessage, 'message_id' | 'date' | 'from' | 'fromBot'>): Record<string, unknown> {
  const message: StoredMessage = {
    message_id: ctx.world.nextMessageId(chat),
    date: unixNow(ctx),
    from: { ...ctx.botUser, is_bot: true },
    fromBot: true,
    ...fields,
  };
  chat.messages.set(message.message_id, message);
  if (chat.type === 'group' || chat.type === 'supergroup') ctx.limiter?.note(chat.id);
  return messageObject(chat, message);
}

/** Chat, parse mode and reply markup, checked in the order Telegram checks them. */
function common(ctx: MethodContext, params: Params): { chat: ChatRecord; parseMode: string | undefined; markup: Record<string, unknown> | undefined } {
  const chat = chatOf(ctx, params);
  assertCanSend(ctx, chat);
  const parseMode = readParseMode(params.str('parse_mode'));
  const markup = readReplyMarkup(params);
  return { chat, parseMode, markup };
}

function caption(params: Params, parseMode: string | undefined): { caption?: string; caption_entities?: unknown[] } {
  const formatted = formatText(params.str('caption') ?? '', parseMode);
  checkCaption(formatted);
  return formatted.text === '' ? {} : { caption: formatted.text, caption_entities: formatted.entities };
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** sendMessage: text of 1-4096 characters (after parse_mode). */
export const sendMessage: MethodHandler = (ctx, params) => {
  const { chat, parseMode, markup } = common(ctx, params);
  const formatted = formatText(params.str('text') ?? '', parseMode);
  checkMessageText(formatted);
  throttle(ctx, chat);
  return store(ctx, chat, {
    kind: 'text',
    text: formatted.text,
    entities: formatted.entities,
    ...optional('parse_mode', parseMode),
    ...optional('reply_markup', markup),
  });
};

/** sendPhoto: an image upload (PNG, JPEG, GIF, WebP), a file_id or a URL; caption up to 1024. */
export const sendPhoto: MethodHandler = (ctx, params) => {
  const { chat, parseMode, markup } = common(ctx, params);
  const input = readInputFile(ctx, params, 'photo');
  if (input === undefined) throw badRequest('there is no photo in the request');
  const file = input.kind === 'upload' ? input.file : input.kind === 'file_id' ? input.stored.file : undefined;
  const size = file === undefined ? { width: 800, height: 800 } : imageSize(file.bytes);
  if (size === undefined) throw badRequest('IMAGE_PROCESS_FAILED');
  const captionFields = caption(params, parseMode);
  throttle(ctx, chat);
  return store(ctx, chat, {
    kind: 'photo',
    photo: photoSizes(ctx, file, size),
    ...captionFields,
    ...optional('file', file),
    ...optional('parse_mode', parseMode),
    ...optional('reply_markup', markup),
  });
};

/** sendDocument: any upload, a file_id or a URL; caption up to 1024. */
export const sendDocument: MethodHandler = (ctx, params) => {
  const { chat, parseMode, markup } = common(ctx, params);
  const input = readInputFile(ctx, params, 'document');
  if (input === undefined) throw badRequest('there is no document in the request');
  const file = input.kind === 'upload' ? input.file : input.kind === 'file_id' ? input.stored.file : undefined;
  const captionFields = caption(params, parseMode);
  throttle(ctx, chat);
  const fileName = file?.filename ?? (input.kind === 'url' ? urlFileName(input.url) : '');
  const stored =
    input.kind === 'file_id'
      ? input.stored
      : ctx.world.storeFile(file ?? { field: 'document', filename: fileName, contentType: '', bytes: Buffer.alloc(0) }, 'BQACAgIAAxkBAA');
  const document = {
    ...(fileName === '' ? {} : { file_name: fileName }),
    mime_type: file === undefined ? 'application/octet-stream' : mimeTypeOf(file),
    file_id: stored.fileId,
    file_unique_id: stored.uniqueId,
    ...(file === undefined ? {} : { file_size: file.bytes.length }),
  };
  return store(ctx, chat, {
    kind: 'document',
    document,
    ...captionFields,
    ...optional('file', file),
    ...optional('parse_mode', parseMode),
    ...optional('reply_markup', markup),
  });
};

function urlFileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}
