import { chatMemberObject, isMemberState, type MemberState } from './membership.js';
import { chatObject, linkObject, userObject } from './objects.js';
import type { ChatRecord, LinkRecord, World } from './state.js';
import type { EmulatorUser } from './types.js';
import type { UpdateQueue } from './updates.js';

/** One change of a user's standing in a chat, and how it came about. */
export interface MemberChange {
  user: EmulatorUser;
  next: MemberState;
  /** Who did it: the person for a self-join or leave, the administrator (or the bot) otherwise. */
  from: EmulatorUser;
  /** Unix seconds. */
  date: number;
  /** The link the person joined through (reported to the bot masked when another admin made it). */
  link?: LinkRecord;
  viaJoinRequest?: boolean;
}

const isAdmin = (chat: ChatRecord): boolean => chat.botRights === 'admin' || chat.botRights === 'admin-no-invite';

/**
 * Applies a membership change and makes the updates Telegram makes for it: a `chat_member` update
 * (made only when the bot is an administrator of the chat; the queue then hands it only to a bot
 * that named chat_member in allowed_updates) and, in groups the bot is in, the `new_chat_members`
 * or `left_chat_member` service message. Returns the update ids queued.
 */
export function applyMemberChange(world: World, updates: UpdateQueue, chat: ChatRecord, change: MemberChange): number[] {
  const old = chat.members.get(change.user.id);
  chat.members.set(change.user.id, change.next);
  const ids: number[] = [];
  if (isAdmin(chat)) {
    ids.push(
      updates.push({
        chat_member: {
          chat: chatObject(chat),
          from: userObject(change.from),
          date: change.date,
          old_chat_member: chatMemberObject(chat.type, change.user, old),
          new_chat_member: chatMemberObject(chat.type, change.user, change.next),
          ...(change.link === undefined ? {} : { invite_link: linkObject(chat, change.link, true) }),
          ...(change.viaJoinRequest === true ? { via_join_request: true } : {}),
        },
      }),
    );
  }
  const message = serviceMessage(world, chat, change, isMemberState(old), isMemberState(change.next));
  if (message !== undefined) ids.push(updates.push({ message }));
  return ids;
}

/** The "X joined" / "X left" message a group shows, as a bot in the group receives it. */
function serviceMessage(world: World, chat: ChatRecord, change: MemberChange, wasIn: boolean, isIn: boolean): Record<string, unknown> | undefined {
  if (wasIn === isIn || chat.botRights === 'none') return undefined;
  if (chat.type !== 'group' && chat.type !== 'supergroup') return undefined;
  const user = userObject(change.user);
  // A join by request shows as the person's own join; an add or a removal as the administrator's act.
  const from = change.viaJoinRequest === true ? user : userObject(change.from);
  const head = { message_id: world.nextMessageId(chat), from, chat: chatObject(chat), date: change.date };
  if (isIn) return { ...head, new_chat_participant: user, new_chat_member: user, new_chat_members: [user] };
  return { ...head, left_chat_participant: user, left_chat_member: user };
}

/** The `my_chat_member` update of a private chat whose user blocked (or unblocked) the bot. */
export function blockEvent(chat: ChatRecord, user: EmulatorUser, bot: EmulatorUser, blocked: boolean, date: number): Record<string, unknown> {
  const member = chatMemberObject('private', bot, { status: 'member' });
  const kicked = chatMemberObject('private', bot, { status: 'kicked', until_date: 0 });
  return {
    my_chat_member: {
      chat: chatObject(chat),
      from: userObject(user),
      date,
      old_chat_member: blocked ? member : kicked,
      new_chat_member: blocked ? kicked : member,
    },
  };
}
