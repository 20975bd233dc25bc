import type { ChatInviteLink, EmulatedMessage, EmulatorUser } from './types.js';
import type { ChatRecord, LinkRecord, StoredMessage } from './state.js';

/** Telegram's `User` object, fields in the Bot API's order. */
export function userObject(user: EmulatorUser): Record<string, unknown> {
  return {
    id: user.id,
    is_bot: user.is_bot ?? false,
    first_name: user.first_name,
    ...(user.last_name === undefined ? {} : { last_name: user.last_name }),
    ...(user.username === undefined ? {} : { username: user.username }),
    ...(user.language_code === undefined ? {} : { language_code: user.language_code }),
  };
}

/** Telegram's `Chat` object. */
export function chatObject(chat: ChatRecord): Record<string, unknown> {
  if (chat.type === 'private') {
    const user = chat.user;
    return {
      id: chat.id,
      first_name: user?.first_name ?? `User ${chat.id}`,
      ...(user?.last_name === undefined ? {} : { last_name: user.last_name }),
      ...(user?.username === undefined ? {} : { username: user.username }),
      type: 'private',
    };
  }
  return {
    id: chat.id,
    title: chat.title ?? `Chat ${chat.id}`,
    ...(chat.username === undefined ? {} : { username: chat.username }),
    type: chat.type,
  };
}

/**
 * Telegram's `ChatInviteLink`. Seen by the bot (`asBot`), a link another administrator made has the
 * second half of its hash replaced by `…`, as the Bot API does.
 */
export function linkObject(chat: ChatRecord, link: LinkRecord, asBot: boolean): ChatInviteLink {
  const masked = asBot && !link.byBot;
  const url = masked ? `https://t.me/+${link.hash.slice(0, Math.ceil(link.hash.length / 2))}…` : link.url;
  const pending = chat.joinRequests.pendingFor(link);
  return {
    invite_link: url,
    ...(link.name === undefined || link.name === '' ? {} : { name: link.name }),
    creator: userObject(link.creator) as unknown as EmulatorUser,
    ...(link.expireDate === undefined ? {} : { expire_date: link.expireDate }),
    ...(link.memberLimit === undefined ? {} : { member_limit: link.memberLimit }),
    creates_join_request: link.createsJoinRequest,
    is_primary: link.isPrimary,
    is_revoked: link.isRevoked,
    ...(pending === 0 ? {} : { pending_join_request_count: pending }),
  };
}

/** Telegram's `Message` object for a stored message. */
export function messageObject(chat: ChatRecord, message: StoredMessage): Record<string, unknown> {
  const markup = message.reply_markup as { inline_keyboard?: unknown } | undefined;
  return {
    message_id: message.message_id,
    from: userObject(message.from),
    chat: chatObject(chat),
    date: message.date,
    ...(message.edit_date === undefined ? {} : { edit_date: message.edit_date }),
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.entities === undefined || message.entities.length === 0 ? {} : { entities: message.entities }),
    ...(message.photo === undefined ? {} : { photo: message.photo }),
    ...(message.document === undefined ? {} : { document: message.document }),
    ...(message.caption === undefined || message.caption === '' ? {} : { caption: message.caption }),
    ...(message.caption_entities === undefined || message.caption_entities.length === 0
      ? {}
      : { caption_entities: message.caption_entities }),
    // Only inline keyboards come back in Message.reply_markup.
    ...(markup?.inline_keyboard === undefined ? {} : { reply_markup: { inline_keyboard: markup.inline_keyboard } }),
  };
}

/** The test-facing view of a message the bot sent. */
export function emulatedMessage(chat: ChatRecord, message: StoredMessage): EmulatedMessage {
  return {
    message_id: message.message_id,
    chat_id: chat.id,
    date: message.date,
    kind: message.kind,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.caption === undefined ? {} : { caption: message.caption }),
    ...(message.parse_mode === undefined ? {} : { parse_mode: message.parse_mode }),
    ...(message.file === undefined ? {} : { file: message.file }),
    ...(message.reply_markup === undefined ? {} : { reply_markup: message.reply_markup }),
    ...(message.edit_date === undefined ? {} : { edit_date: message.edit_date }),
  };
}
