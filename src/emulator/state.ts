import { randomBytes } from 'node:crypto';
import type { BotRights, ChatType, EmulatorUser, RecordedFile } from './types.js';
import type { ChatRef } from './params.js';
import { Membership } from './membership.js';

/** An invite link of a chat. */
export interface LinkRecord {
  url: string;
  hash: string;
  creator: EmulatorUser;
  /** Made by the bot itself, so the bot sees it whole. */
  byBot: boolean;
  name?: string;
  expireDate?: number;
  memberLimit?: number;
  createsJoinRequest: boolean;
  isPrimary: boolean;
  isRevoked: boolean;
  /** How many joined through it without a request (counted against member_limit). */
  joinCount?: number;
}

/** A join request waiting for an administrator. */
export interface JoinRequestRecord {
  user: EmulatorUser;
  link?: LinkRecord;
  /** Unix seconds. */
  date: number;
  bio?: string;
}

/** Telegram's `PhotoSize`. */
export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  width: number;
  height: number;
}

/** A message in a chat, sent by the bot or by a user. */
export interface StoredMessage {
  message_id: number;
  date: number;
  from: EmulatorUser;
  fromBot: boolean;
  kind: 'text' | 'photo' | 'document';
  text?: string;
  entities?: unknown[];
  caption?: string;
  caption_entities?: unknown[];
  parse_mode?: string;
  file?: RecordedFile;
  photo?: PhotoSize[];
  document?: Record<string, unknown>;
  reply_markup?: unknown;
  edit_date?: number;
  deleted?: boolean;
}

/** A chat and everything the emulator knows about it. */
export interface ChatRecord {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  botRights: BotRights;
  /** The user of a private chat. */
  user?: EmulatorUser;
  /** A private chat whose user has written to the bot (so the bot may write back). */
  startedBot: boolean;
  /** A private chat whose user blocked the bot. */
  blockedBot?: boolean;
  /** Everyone's standing in the chat (the bot's own comes from `botRights`). */
  members: Membership;
  links: LinkRecord[];
  joinRequests: JoinRequests;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
}

/**
 * The join requests waiting in a chat, by user id. It counts them per link as they come and go, so a
 * link's pending_join_request_count costs nothing to read: counted by a scan, every join request and
 * every approval cost as much as all the requests pending, quadratic with the thousands the
 * benchmarks queue.
 */
export class JoinRequests extends Map<number, JoinRequestRecord> {
  private readonly perLink = new Map<LinkRecord, number>();

  override set(userId: number, request: JoinRequestRecord): this {
    this.forget(this.get(userId));
    super.set(userId, request);
    if (request.link !== undefined) this.perLink.set(request.link, (this.perLink.get(request.link) ?? 0) + 1);
    return this;
  }

  override delete(userId: number): boolean {
    this.forget(this.get(userId));
    return super.delete(userId);
  }

  override clear(): void {
    super.clear();
    this.perLink.clear();
  }

  /** How many requests through `link` are waiting. */
  pendingFor(link: LinkRecord): number {
    return this.perLink.get(link) ?? 0;
  }

  private forget(request: JoinRequestRecord | undefined): void {
    if (request?.link === undefined) return;
    const left = (this.perLink.get(request.link) ?? 0) - 1;
    if (left > 0) this.perLink.set(request.link, left);
    else this.perLink.delete(request.link);
  }
}

/** A file Telegram stores, which a later call may send again by `file_id`. */
export interface StoredFile {
  fileId: string;
  uniqueId: string;
  file: RecordedFile;
}

/** An administrator other than the bot, who makes the links of {@link World.addForeignLink}. */
export const OTHER_ADMIN: EmulatorUser = { id: 5_000_000_001, is_bot: false, first_name: 'Other', last_name: 'Admin' };

const HASH_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `n` random URL-safe characters. */
export function randomToken(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += HASH_CHARS[b & 63];
  return out;
}

/** A chat's links by URL and hash; `seen` links of `chat.links` are in it. */
interface LinkIndex {
  seen: number;
  byUrl: Map<string, LinkRecord>;
  byHash: Map<string, LinkRecord>;
}

/** The emulated world: chats, users, links, join requests, messages, callback queries, files. */
export class World {
  readonly chats = new Map<number, ChatRecord>();
  readonly users = new Map<number, EmulatorUser>();
  /** Callback query id -> answered yet. */
  readonly callbackQueries = new Map<string, { answered: boolean }>();
  readonly files = new Map<string, StoredFile>();
  /** setMyCommands lists by scope and language. */
  readonly commands = new Map<string, unknown[]>();
  private readonly linkUrls = new Set<string>();
  private readonly linkIndexes = new WeakMap<ChatRecord, LinkIndex>();

  addChat(chat: { id: number; type: ChatType; title?: string; username?: string; botRights?: BotRights; creator?: EmulatorUser }): ChatRecord {
    if (!Number.isSafeInteger(chat.id) || chat.id === 0) throw new Error(`addChat: bad chat id ${chat.id}`);
    const existing = this.chats.get(chat.id);
    if (existing !== undefined) {
      if (existing.type !== 'private' || chat.type !== 'private') throw new Error(`addChat: chat ${chat.id} exists already`);
      existing.startedBot = true;
      return existing;
    }
    if ((chat.type === 'private') !== chat.id > 0) {
      throw new Error(`addChat: a ${chat.type} chat id must be ${chat.type === 'private' ? 'positive' : 'negative'}`);
    }
    const record: ChatRecord = {
      id: chat.id,
      type: chat.type,
      botRights: chat.botRights ?? 'admin',
      startedBot: chat.type === 'private',
      members: new Membership(),
      links: [],
      joinRequests: new JoinRequests(),
      messages: new Map(),
      nextMessageId: 1,
      ...(chat.title === undefined ? {} : { title: chat.title }),
      ...(chat.username === undefined ? {} : { username: chat.username.replace(/^@/, '') }),
    };
    if (chat.type !== 'private') {
      // Every group has an owner; without one named, the other administrator owns it.
      const owner = this.rememberUser(chat.creator ?? OTHER_ADMIN);
      record.members.set(owner.id, { status: 'creator' });
    } else {
      const user = this.users.get(chat.id) ?? {
        id: chat.id,
        is_bot: false,
        first_name: chat.title ?? `User ${chat.id}`,
        ...(record.username === undefined ? {} : { username: record.username }),
      };
      this.users.set(user.id, user);
      record.user = user;
    }
    this.chats.set(chat.id, record);
    return record;
  }

  /** The chat with that id; throws (a test set-up mistake) when there is none. */
  mustChat(chatId: number): ChatRecord {
    const chat = this.chats.get(chatId);
    if (chat === undefined) throw new Error(`no chat ${chatId}: call addChat first`);
    return chat;
  }

  /** The chat a `chat_id` names, or undefined. */
  resolve(ref: ChatRef): ChatRecord | undefined {
    if (typeof ref === 'number') return this.chats.get(ref);
    const name = ref.slice(1).toLowerCase();
    for (const chat of this.chats.values()) if (chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  /** Remembers a user the bot has seen (newest details win). */
  rememberUser(user: EmulatorUser): EmulatorUser {
    const stored = { is_bot: false, ...user };
    this.users.set(user.id, stored);
    return stored;
  }

  /** The private chat with a user, created when missing. */
  privateChat(user: EmulatorUser): ChatRecord {
    const stored = this.rememberUser(user);
    const existing = this.chats.get(user.id);
    if (existing !== undefined) {
      existing.user = stored;
      return existing;
    }
    const chat = this.addChat({ id: user.id, type: 'private' });
    chat.user = stored;
    chat.startedBot = false;
    return chat;
  }

  /** A new, unique invite link URL and its hash (16 characters, as Telegram's are). */
  newLinkUrl(): { url: string; hash: string } {
    for (;;) {
      const hash = randomToken(16);
      const url = `https://t.me/+${hash}`;
      if (!this.linkUrls.has(url)) {
        this.linkUrls.add(url);
        return { url, hash };
      }
    }
  }

  /** The link of a chat with that full URL (also accepts the `t.me/joinchat/` form). */
  findLink(chat: ChatRecord, url: string): LinkRecord | undefined {
    const wanted = url.trim();
    const hash = /(?:\/\+|\/joinchat\/)([\w-]+)\/?$/.exec(wanted)?.[1];
    const index = this.linkIndex(chat);
    return index.byUrl.get(wanted) ?? (hash === undefined ? undefined : index.byHash.get(hash));
  }

  /**
   * The chat's links by URL and by hash, for lookups that stay quick with thousands of links. Links
   * are only ever appended and their URL never changes, so the index only has to take in new ones.
   */
  private linkIndex(chat: ChatRecord): LinkIndex {
    let index = this.linkIndexes.get(chat);
    if (index === undefined) this.linkIndexes.set(chat, (index = { seen: 0, byUrl: new Map(), byHash: new Map() }));
    for (; index.seen < chat.links.length; index.seen++) {
      const link = chat.links[index.seen]!;
      if (!index.byUrl.has(link.url)) index.byUrl.set(link.url, link);
      if (!index.byHash.has(link.hash)) index.byHash.set(link.hash, link);
    }
    return index;
  }

  /** Assigns the next message id of a chat. */
  nextMessageId(chat: ChatRecord): number {
    return chat.nextMessageId++;
  }

  /** Stores a file so that it can be sent again by `file_id`. */
  storeFile(file: RecordedFile, prefix: string): StoredFile {
    const stored: StoredFile = { fileId: `${prefix}${randomToken(60)}`, uniqueId: randomToken(15), file };
    this.files.set(stored.fileId, stored);
    return stored;
  }

  /** A new callback query id (a long decimal number, as Telegram's are). */
  newCallbackQueryId(): string {
    let id = String(1 + (randomBytes(1)[0] ?? 0) % 9);
    for (const b of randomBytes(18)) id += String(b % 10);
    this.callbackQueries.set(id, { answered: false });
    return id;
  }
}
