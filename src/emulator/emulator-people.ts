import type { Core } from './core.js';
import { EmulatorWorld } from './emulator-world.js';
import { callbackQueryEvent, joinRequestEvent, privateTextEvent } from './events.js';
import { applyMemberChange, blockEvent } from './member-events.js';
import { currentState, joinedState, leftState, type MemberState } from './membership.js';
import type { ChatRecord, LinkRecord, StoredMessage } from './state.js';
import type { EmulatorUser } from './types.js';

/**
 * What people do in Telegram, each queuing the updates Telegram sends for it: join requests, joins
 * and leaves (chat_member and service messages), private messages, button presses, blocking.
 * Each throws when Telegram could not produce such an event (a test set-up mistake).
 */
export abstract class EmulatorPeople extends EmulatorWorld {
  protected constructor(core: Core) {
    super(core);
  }

  /**
   * A user asks to join through `inviteLink` (a full URL of a link of that chat) or, with none, a
   * public group's join button. Registers the pending request and queues the `chat_join_request`
   * update; returns its update_id. The update's invite_link is full for the bot's links, masked
   * for other admins' links, absent without a link. Throws when Telegram could not produce such a
   * request: unknown, revoked or expired link, a link that does not create join requests, a banned user.
   */
  requestJoin(opts: { chatId: number; user: EmulatorUser; inviteLink?: string | null; date?: number; bio?: string }): number {
    const { world } = this.core;
    const chat = world.mustChat(opts.chatId);
    if (chat.type === 'private') throw new Error('requestJoin: a private chat has no join requests');
    const date = opts.date ?? this.nowSec();
    let link: LinkRecord | undefined;
    if (opts.inviteLink !== undefined && opts.inviteLink !== null) {
      link = this.usableLink(chat, opts.inviteLink, date, 'requestJoin');
      if (!link.createsJoinRequest) throw new Error(`requestJoin: ${link.url} does not create join requests; a user opening it joins at once`);
    }
    this.assertNotBanned(chat, opts.user.id, 'requestJoin');
    const user = world.privateChat(opts.user).user ?? opts.user;
    const request = { user, date, ...(link === undefined ? {} : { link }), ...(opts.bio === undefined ? {} : { bio: opts.bio }) };
    chat.joinRequests.set(user.id, request);
    return this.core.updates.push(joinRequestEvent(chat, request));
  }

  /**
   * A user joins at once through a link that does not create join requests (e.g. one an admin made
   * in the app): chat_member left -> member, from = the person, with the link. Returns the update ids.
   * `linkMissing: true` leaves invite_link out of the update, as has been seen on re-joins (#650).
   */
  joinByLink(opts: { chatId: number; user: EmulatorUser; inviteLink: string; linkMissing?: boolean }): number[] {
    const chat = this.core.world.mustChat(opts.chatId);
    const link = this.usableLink(chat, opts.inviteLink, this.nowSec(), 'joinByLink');
    if (link.createsJoinRequest) throw new Error(`joinByLink: ${link.url} creates join requests; use requestJoin`);
    if (link.memberLimit !== undefined && (link.joinCount ?? 0) >= link.memberLimit) {
      throw new Error(`joinByLink: ${link.url} has reached its member limit; Telegram would refuse it`);
    }
    const ids = this.join(chat, opts.user, opts.user, 'joinByLink', opts.linkMissing === true ? undefined : link);
    link.joinCount = (link.joinCount ?? 0) + 1;
    return ids;
  }

  /** A user presses Join in a public group (one with a username): no invite_link. Returns the update ids. */
  joinPublic(opts: { chatId: number; user: EmulatorUser }): number[] {
    const chat = this.core.world.mustChat(opts.chatId);
    if (chat.username === undefined) throw new Error(`joinPublic: chat ${chat.id} has no username, so it is not public`);
    return this.join(chat, opts.user, opts.user, 'joinPublic');
  }

  /** An administrator adds a person: from = the admin (default the chat's owner), no invite_link. */
  adminAdds(chatId: number, user: EmulatorUser, admin?: EmulatorUser): number[] {
    const chat = this.core.world.mustChat(chatId);
    return this.join(chat, user, this.admin(chat, admin, 'adminAdds'), 'adminAdds');
  }

  /**
   * An administrator approves a pending request in the Telegram app: the request is gone, and
   * chat_member comes with via_join_request, from = the admin, and the request's link.
   */
  adminApproves(chatId: number, userId: number, admin?: EmulatorUser): number[] {
    const chat = this.core.world.mustChat(chatId);
    const by = this.admin(chat, admin, 'adminApproves');
    const request = chat.joinRequests.get(userId);
    if (request === undefined) throw new Error(`adminApproves: no pending request of ${userId} in chat ${chatId}`);
    chat.joinRequests.delete(userId);
    return applyMemberChange(this.core.world, this.core.updates, chat, {
      user: request.user,
      next: joinedState(chat.members.get(userId)),
      from: by,
      date: this.nowSec(),
      ...(request.link === undefined ? {} : { link: request.link }),
      viaJoinRequest: true,
    });
  }

  /** An administrator declines a pending request in the app: it is gone; Telegram sends nothing. */
  adminDeclines(chatId: number, userId: number, admin?: EmulatorUser): void {
    const chat = this.core.world.mustChat(chatId);
    this.admin(chat, admin, 'adminDeclines');
    if (!chat.joinRequests.delete(userId)) throw new Error(`adminDeclines: no pending request of ${userId} in chat ${chatId}`);
  }

  /** A member leaves: chat_member member -> left, from = the person. */
  leave(chatId: number, userId: number): number[] {
    const chat = this.core.world.mustChat(chatId);
    const user = this.memberUser(chat, userId, 'leave');
    return this.change(chat, user, leftState(chat.members.get(userId)), user);
  }

  /** An administrator removes a member without a ban: new status left, from = the admin. */
  adminRemoves(chatId: number, userId: number, admin?: EmulatorUser): number[] {
    const chat = this.core.world.mustChat(chatId);
    const user = this.memberUser(chat, userId, 'adminRemoves');
    return this.change(chat, user, leftState(chat.members.get(userId)), this.admin(chat, admin, 'adminRemoves'));
  }

  /** An administrator bans a user (member or not): status kicked, until_date (0 = forever), from = the admin. */
  adminBans(chatId: number, userId: number, opts: { admin?: EmulatorUser; untilDate?: number } = {}): number[] {
    const chat = this.core.world.mustChat(chatId);
    const by = this.admin(chat, opts.admin, 'adminBans');
    const user = this.core.world.users.get(userId) ?? this.core.world.rememberUser({ id: userId, first_name: `User ${userId}` });
    return this.change(chat, user, { status: 'kicked', until_date: opts.untilDate ?? 0 }, by);
  }

  /** An administrator lifts a ban: kicked -> left, from = the admin. */
  adminUnbans(chatId: number, userId: number, admin?: EmulatorUser): number[] {
    const chat = this.core.world.mustChat(chatId);
    const by = this.admin(chat, admin, 'adminUnbans');
    const user = this.core.world.users.get(userId);
    if (user === undefined || currentState(chat.members.get(userId), this.nowSec()).status !== 'kicked') {
      throw new Error(`adminUnbans: ${userId} is not banned in chat ${chatId}`);
    }
    return this.change(chat, user, { status: 'left' }, by);
  }

  /**
   * A member is gone and Telegram sends nothing about it (missed updates in a large group, or
   * beyond the 24 h the updates wait): only getChatMember tells. Status `left` or `kicked`.
   */
  dropMemberSilently(chatId: number, userId: number, status: 'left' | 'kicked' = 'left'): void {
    const chat = this.core.world.mustChat(chatId);
    this.memberUser(chat, userId, 'dropMemberSilently');
    chat.members.set(userId, status === 'kicked' ? { status: 'kicked', until_date: 0 } : leftState(chat.members.get(userId)));
  }

  /** The user writes `text` to the bot in private; queues the `message` update, returns its update_id. */
  sendPrivateText(user: EmulatorUser, text: string): number {
    const chat = this.core.world.privateChat(user);
    chat.startedBot = true;
    const message: StoredMessage = {
      message_id: this.core.world.nextMessageId(chat),
      date: this.nowSec(),
      from: chat.user ?? user,
      fromBot: false,
      kind: 'text',
      text,
    };
    chat.messages.set(message.message_id, message);
    return this.core.updates.push(privateTextEvent(chat, message));
  }

  /**
   * The user presses the inline button with callback_data `data` under message `messageId` the bot
   * sent in their private chat; queues the `callback_query` update and returns its update_id.
   * Throws when there is no such message or button.
   */
  pressButton(user: EmulatorUser, messageId: number, data: string): number {
    this.core.world.privateChat(user);
    return this.pressButtonIn(user.id, user, messageId, data);
  }

  /**
   * `user` presses a button of a bot message in any chat: their private chat, or a group they are in
   * (e.g. an admins' group), where anyone in it may press. Returns the callback_query's update_id.
   */
  pressButtonIn(chatId: number, user: EmulatorUser, messageId: number, data: string): number {
    const chat = this.core.world.mustChat(chatId);
    if (chat.type === 'private' && chat.id !== user.id) throw new Error(`pressButtonIn: ${user.id} cannot see the private chat ${chatId}`);
    if (chat.type !== 'private' && chat.username === undefined && !chat.members.has(user.id)) {
      throw new Error(`pressButtonIn: ${user.id} is not in chat ${chatId}, so cannot see its messages`);
    }
    if (!this.hasButton(chat, messageId, data)) {
      const what = chat.messages.get(messageId)?.fromBot === true ? `has no button with callback_data ${JSON.stringify(data)}` : 'is not a message of the bot';
      throw new Error(`pressButton: message ${messageId} in chat ${chatId} ${what}`);
    }
    const presser = chat.type === 'private' ? (chat.user ?? user) : (this.core.world.users.get(user.id) ?? this.core.world.rememberUser(user));
    const id = this.core.world.newCallbackQueryId();
    return this.core.updates.push(callbackQueryEvent(id, presser, chat, chat.messages.get(messageId)!, data));
  }

  /** Every callback query not answered yet can no longer be answered (Telegram's answer window has passed). */
  expireCallbackQueries(): void {
    for (const query of this.core.world.callbackQueries.values()) query.answered = true;
  }

  /** The user blocks the bot: sends to them answer 403; queues `my_chat_member` (kicked), returns its id. */
  blockBot(user: EmulatorUser): number {
    return this.setBlocked(user, true);
  }

  /** The user unblocks (restarts) the bot; queues `my_chat_member` (member), returns its id. */
  unblockBot(user: EmulatorUser): number {
    return this.setBlocked(user, false);
  }

  private setBlocked(user: EmulatorUser, blocked: boolean): number {
    const chat = this.core.world.privateChat(user);
    chat.blockedBot = blocked;
    if (!blocked) chat.startedBot = true;
    return this.core.updates.push(blockEvent(chat, chat.user ?? user, this.core.botUser, blocked, this.nowSec()));
  }

  private join(chat: ChatRecord, person: EmulatorUser, by: EmulatorUser, what: string, link?: LinkRecord): number[] {
    if (chat.type === 'private') throw new Error(`${what}: a private chat has no members to join`);
    this.assertNotBanned(chat, person.id, what);
    if (chat.members.has(person.id)) throw new Error(`${what}: ${person.id} is already in chat ${chat.id}`);
    const user = this.core.world.rememberUser(person);
    // Joining settles a pending request of the same person: Telegram drops it.
    chat.joinRequests.delete(user.id);
    return this.change(chat, user, joinedState(chat.members.get(user.id)), by === person ? user : by, link);
  }

  private change(chat: ChatRecord, user: EmulatorUser, next: MemberState, from: EmulatorUser, link?: LinkRecord): number[] {
    return applyMemberChange(this.core.world, this.core.updates, chat, { user, next, from, date: this.nowSec(), ...(link === undefined ? {} : { link }) });
  }

  private usableLink(chat: ChatRecord, url: string, date: number, what: string): LinkRecord {
    const link = this.core.world.findLink(chat, url);
    if (link === undefined) throw new Error(`${what}: ${url} is not a link of chat ${chat.id}`);
    if (link.isRevoked) throw new Error(`${what}: ${link.url} is revoked; Telegram would refuse it`);
    if (link.expireDate !== undefined && link.expireDate <= date) throw new Error(`${what}: ${link.url} has expired`);
    return link;
  }

  private assertNotBanned(chat: ChatRecord, userId: number, what: string): void {
    if (currentState(chat.members.get(userId), this.nowSec()).status === 'kicked') {
      throw new Error(`${what}: ${userId} is banned from chat ${chat.id}; Telegram would refuse them`);
    }
  }

  private memberUser(chat: ChatRecord, userId: number, what: string): EmulatorUser {
    const user = this.core.world.users.get(userId);
    if (user === undefined || !chat.members.has(userId)) throw new Error(`${what}: ${userId} is not in chat ${chat.id}`);
    return user;
  }

  /** The administrator acting: `admin` when it is one in the chat, by default the chat's owner. */
  private admin(chat: ChatRecord, admin: EmulatorUser | undefined, what: string): EmulatorUser {
    if (admin === undefined) {
      for (const id of chat.members.memberIds()) {
        if (chat.members.get(id).status === 'creator') return this.core.world.users.get(id)!;
      }
      throw new Error(`${what}: chat ${chat.id} has no owner; name the admin`);
    }
    const status = chat.members.get(admin.id).status;
    if (status !== 'creator' && status !== 'administrator') throw new Error(`${what}: ${admin.id} is not an administrator of chat ${chat.id}`);
    return this.core.world.users.get(admin.id) ?? this.core.world.rememberUser(admin);
  }
}
