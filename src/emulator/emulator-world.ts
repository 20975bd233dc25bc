import type { Core } from './core.js';
import { chatMemberObject, currentState, type AdminRights, type MemberState } from './membership.js';
import { emulatedMessage, linkObject } from './objects.js';
import { callbackDataOf } from './reply-markup.js';
import { OTHER_ADMIN, type ChatRecord } from './state.js';
import type { BotRights, ChatInviteLink, ChatType, EmulatedMessage, EmulatorUser } from './types.js';

/**
 * The emulator's world set-up and what tests read back from it: chats, people and their standing,
 * links, messages. Nothing here sends an update (see the subclasses for what does).
 */
export abstract class EmulatorWorld {
  protected constructor(protected readonly core: Core) {}

  /**
   * Adds a chat. `botRights` defaults to 'admin' (administrator with the invite right). A group,
   * supergroup or channel id is negative; a private chat's id is its user's id, its `title` the
   * user's first name, and the user counts as having started the bot. Throws on a duplicate id.
   * A group's owner (status `creator`) is `creator`, by default the "Other Admin" user.
   */
  addChat(chat: { id: number; type: ChatType; title?: string; username?: string; botRights?: BotRights; creator?: EmulatorUser }): void {
    this.core.world.addChat(chat);
  }

  /** Makes a user a member of a chat (no update is sent). */
  addMember(chatId: number, userId: number): void {
    const chat = this.core.world.mustChat(chatId);
    if (!this.core.world.users.has(userId)) this.core.world.rememberUser({ id: userId, first_name: `User ${userId}` });
    chat.members.add(userId);
  }

  /**
   * Sets a user's standing in a chat as a test set-up (no update is sent), in the Bot API's terms:
   * e.g. `{ status: 'administrator', can_invite_users: false }`, `{ status: 'restricted', is_member:
   * true }`, `{ status: 'kicked', until_date: 0 }`.
   */
  setChatMember(chatId: number, user: EmulatorUser, state: MemberState): void {
    const chat = this.core.world.mustChat(chatId);
    if (chat.type === 'private') throw new Error('setChatMember: a private chat has no members to set');
    this.core.world.rememberUser(user);
    chat.members.set(user.id, state);
  }

  /** Makes a user an administrator of a chat (rights default as Telegram's app sets them); no update. */
  addAdmin(chatId: number, user: EmulatorUser, rights: AdminRights = {}): void {
    this.setChatMember(chatId, user, { status: 'administrator', ...rights });
  }

  /** A private chat with a user who has started the bot, so the bot may write (no update). Returns its id. */
  addPrivateChat(user: EmulatorUser): number {
    const chat = this.core.world.privateChat(user);
    chat.startedBot = true;
    return chat.id;
  }

  /**
   * A link made by another administrator (in the Telegram app); returns its full URL. The bot only
   * ever sees it masked. By default it creates join requests (use {@link requestJoin}); with
   * `createsJoinRequest: false` people join through it at once (use {@link joinByLink}).
   */
  addForeignLink(
    chatId: number,
    opts: { name?: string; createsJoinRequest?: boolean; expireDate?: number; memberLimit?: number; creator?: EmulatorUser } = {},
  ): string {
    const chat = this.core.world.mustChat(chatId);
    const { url, hash } = this.core.world.newLinkUrl();
    chat.links.push({
      url,
      hash,
      creator: opts.creator ?? OTHER_ADMIN,
      byBot: false,
      createsJoinRequest: opts.createsJoinRequest ?? true,
      isPrimary: false,
      isRevoked: false,
      ...(opts.name === undefined ? {} : { name: opts.name }),
      ...(opts.expireDate === undefined ? {} : { expireDate: opts.expireDate }),
      ...(opts.memberLimit === undefined ? {} : { memberLimit: opts.memberLimit }),
    });
    return url;
  }

  // ---- observation ----

  /** Every invite link of a chat (the bot's and other admins'), full URLs, oldest first. */
  inviteLinks(chatId: number): ChatInviteLink[] {
    const chat = this.core.world.mustChat(chatId);
    return chat.links.map((link) => linkObject(chat, link, false));
  }

  /** The messages the bot sent to a chat and has not deleted, oldest first. */
  messages(chatId: number): EmulatedMessage[] {
    const chat = this.core.world.chats.get(chatId);
    if (chat === undefined) return [];
    return [...chat.messages.values()].filter((m) => m.fromBot && m.deleted !== true).map((m) => emulatedMessage(chat, m));
  }

  /** Whether the user is a member of the chat (restricted users count by is_member). */
  isMember(chatId: number, userId: number): boolean {
    return this.core.world.mustChat(chatId).members.has(userId);
  }

  /** The user's ChatMember object, as getChatMember answers it now. */
  memberStatus(chatId: number, userId: number): Record<string, unknown> {
    const chat = this.core.world.mustChat(chatId);
    const user = this.core.world.users.get(userId) ?? { id: userId, first_name: `User ${userId}` };
    return chatMemberObject(chat.type, user, currentState(chat.members.get(userId), this.nowSec()));
  }

  /** The join requests waiting in a chat. */
  pendingJoinRequests(chatId: number): { userId: number; inviteLink?: string; date: number }[] {
    return [...this.core.world.mustChat(chatId).joinRequests.values()].map((request) => ({
      userId: request.user.id,
      date: request.date,
      ...(request.link === undefined ? {} : { inviteLink: request.link.url }),
    }));
  }

  /**
   * The newest message the bot sent to a chat with an inline button labelled `text` (an exact
   * label first, else one containing it, case-insensitive), or undefined.
   */
  findButton(chatId: number, text: string): { messageId: number; data: string; text: string } | undefined {
    const chat = this.core.world.chats.get(chatId);
    if (chat === undefined) return undefined;
    const wanted = text.trim().toLowerCase();
    const sent = [...chat.messages.values()].filter((m) => m.fromBot && m.deleted !== true).reverse();
    for (const exact of [true, false]) {
      for (const message of sent) {
        const rows = (message.reply_markup as { inline_keyboard?: { text?: unknown; callback_data?: unknown }[][] } | undefined)?.inline_keyboard;
        const button = (Array.isArray(rows) ? rows.flat() : []).find((b) => {
          const label = String(b?.text ?? '').toLowerCase();
          return typeof b?.callback_data === 'string' && (exact ? label === wanted : label.includes(wanted));
        });
        if (button !== undefined) return { messageId: message.message_id, data: String(button.callback_data), text: String(button.text) };
      }
    }
    return undefined;
  }

  /** Whether message `messageId` of the chat is the bot's, not deleted, and has a button with that data. */
  protected hasButton(chat: ChatRecord, messageId: number, data: string): boolean {
    const message = chat.messages.get(messageId);
    return message !== undefined && message.fromBot && message.deleted !== true && callbackDataOf(message.reply_markup).includes(data);
  }

  protected nowSec(): number {
    return Math.floor(this.core.now() / 1000);
  }
}
