import { chatObject, linkObject, messageObject, userObject } from './objects.js';
import type { ChatRecord, JoinRequestRecord, StoredMessage } from './state.js';
import type { EmulatorUser } from './types.js';

/** The `chat_join_request` update body for a pending request, as the bot sees it. */
export function joinRequestEvent(chat: ChatRecord, request: JoinRequestRecord): Record<string, unknown> {
  return {
    chat_join_request: {
      chat: chatObject(chat),
      from: userObject(request.user),
      user_chat_id: request.user.id,
      date: request.date,
      ...(request.bio === undefined ? {} : { bio: request.bio }),
      ...(request.link === undefined ? {} : { invite_link: linkObject(chat, request.link, true) }),
    },
  };
}

/** A text a user wrote to the bot in their private chat; a leading `/word` is a bot_command. */
export function privateTextEvent(chat: ChatRecord, message: StoredMessage): Record<string, unknown> {
  const text = message.text ?? '';
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    message: {
      ...messageObject(chat, message),
      ...(command === undefined ? {} : { entities: [{ offset: 0, length: command.length, type: 'bot_command' }] }),
    },
  };
}

/** A press on an inline button of a bot message. */
export function callbackQueryEvent(
  id: string,
  user: EmulatorUser,
  chat: ChatRecord,
  message: StoredMessage,
  data: string,
): Record<string, unknown> {
  return {
    callback_query: {
      id,
      from: userObject(user),
      message: messageObject(chat, message),
      chat_instance: String(-chat.id * 7919),
      data,
    },
  };
}
