import { CallLog } from './call-log.js';
import { LongPollGate, type MethodContext } from './context.js';
import { invoke } from './dispatch.js';
import { callbackQueryEvent, joinRequestEvent, privateTextEvent } from './events.js';
import { FaultQueue } from './faults.js';
import { METHODS, canonicalMethod } from './methods/index.js';
import { parseBody } from './body.js';
import { emulatedMessage, linkObject } from './objects.js';
import { GroupSendLimiter } from './rate-limit.js';
import { ApiServer } from './server.js';
import { OTHER_ADMIN, World, type ChatRecord, type StoredMessage } from './state.js';
import { callbackDataOf } from './reply-markup.js';
import type {
  BotRights,
  ChatInviteLink,
  ChatType,
  EmulatedMessage,
  EmulatorOptions,
  EmulatorUser,
  Fault,
  RecordedCall,
  RecordedFile,
} from './types.js';
import { UpdateQueue } from './updates.js';
import { WebhookConfig, WebhookDelivery } from './webhook.js';

/** The token the emulator accepts unless told otherwise. */
export const DEFAULT_TOKEN = '123456:TEST-token-for-the-emulator_0123456789';

/** The shared pieces an emulator is made of. */
interface Core {
  token: string;
  botUser: EmulatorUser;
  now: () => number;
  world: World;
  updates: UpdateQueue;
  webhook: WebhookConfig;
  polls: LongPollGate;
  calls: CallLog;
  faults: FaultQueue;
  limiter: GroupSendLimiter | undefined;
}

/**
 * A Telegram Bot API server on loopback that telegraf (or any HTTP client) talks real HTTP to.
 * Set up a world (chats, links, users), let the bot run against `apiRoot`, then look at what it
 * did (`calls`, `messages`, `isMember`…). Nothing happens at import time; `start` listens.
 */
export class BotApiEmulator {
  /** What telegraf gets as `telegram.apiRoot`, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly apiRoot: string;
  /** The only accepted token. */
  readonly token: string;
  /** The bot's own user. */
  readonly botUser: EmulatorUser;
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly core: Core,
    private readonly server: ApiServer,
    private readonly delivery: WebhookDelivery,
    apiRoot: string,
  ) {
    this.apiRoot = apiRoot;
    this.token = core.token;
    this.botUser = core.botUser;
  }

  /** Starts an emulator listening on `host:port` (default 127.0.0.1, an ephemeral port). */
  static async start(options: EmulatorOptions = {}): Promise<BotApiEmulator> {
    const token = options.token ?? DEFAULT_TOKEN;
    const tokenMatch = /^(\d+):[A-Za-z0-9_-]+$/.exec(token);
    if (tokenMatch === null) throw new Error('BotApiEmulator: token must look like <bot id>:<secret>');
    const now = options.now ?? Date.now;
    const botUser: EmulatorUser = {
      id: options.botUser?.id ?? Number(tokenMatch[1]),
      is_bot: true,
      first_name: options.botUser?.first_name ?? 'Tracker Test Bot',
      username: options.botUser?.username ?? 'tracker_test_bot',
    };
    const core: Core = {
      token,
      botUser,
      now,
      world: new World(),
      updates: new UpdateQueue(),
      webhook: new WebhookConfig(),
      polls: new LongPollGate(),
      calls: new CallLog(),
      faults: new FaultQueue(),
      limiter: options.groupSendsPerMinute === undefined ? undefined : new GroupSendLimiter(options.groupSendsPerMinute, now),
    };
    core.calls.setCanonicalNames(Object.keys(METHODS));
    const context = (files: RecordedFile[], signal: AbortSignal): MethodContext => ({
      world: core.world,
      updates: core.updates,
      webhook: core.webhook,
      polls: core.polls,
      botUser: core.botUser,
      limiter: core.limiter,
      now: core.now,
      files,
      signal,
    });
    const server = new ApiServer({ token, calls: core.calls, faults: core.faults, now, log: options.log, context });
    const host = options.host ?? '127.0.0.1';
    const port = await server.listen(host, options.port ?? 0);
    const delivery = new WebhookDelivery({
      webhook: core.webhook,
      updates: core.updates,
      now,
      runReply: async (contentType, body) => {
        // A webhook may answer with a method call; Telegram runs it (telegraf's webhookReply).
        const { params, files } = await parseBody(contentType, body);
        const asked = typeof params['method'] === 'string' ? params['method'] : undefined;
        const method = asked === undefined ? undefined : canonicalMethod(asked);
        const handler = method === undefined ? undefined : METHODS[method];
        if (method === undefined || handler === undefined) return;
        const { method: _method, ...rest } = params;
        const at = now();
        const outcome = await invoke(handler, context(files, new AbortController().signal), rest);
        core.calls.record({ method, params: rest, files, at, status: outcome?.status ?? 0, response: outcome?.body, via: 'webhook-reply' });
      },
    });
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return new BotApiEmulator(core, server, delivery, `http://${hostPart}:${port}`);
  }

  /** Closes the server and every open socket (pending long polls too); safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.delivery.stop();
      await this.server.close();
      this.core.calls.rejectWaits('BotApiEmulator stopped');
    })();
    return this.stopped;
  }

  // ---- world set-up ----

  /**
   * Adds a chat. `botRights` defaults to 'admin' (administrator with the invite right). A group,
   * supergroup or channel id is negative; a private chat's id is its user's id, its `title` the
   * user's first name, and the user counts as having started the bot. Throws on a duplicate id.
   */
  addChat(chat: { id: number; type: ChatType; title?: string; username?: string; botRights?: BotRights }): void {
    this.core.world.addChat(chat);
  }

  /** Makes a user a member of a chat (no update is sent). */
  addMember(chatId: number, userId: number): void {
    const chat = this.core.world.mustChat(chatId);
    if (!this.core.world.users.has(userId)) this.core.world.rememberUser({ id: userId, first_name: `User ${userId}` });
    chat.members.add(userId);
  }

  /**
   * A link made by another administrator; returns its full URL. The bot only ever sees it masked.
   * It creates join requests, so it can be used with {@link requestJoin}.
   */
  addForeignLink(chatId: number, opts: { name?: string } = {}): string {
    const chat = this.core.world.mustChat(chatId);
    const { url, hash } = this.core.world.newLinkUrl();
    chat.links.push({
      url,
      hash,
      creator: OTHER_ADMIN,
      byBot: false,
      createsJoinRequest: true,
      isPrimary: false,
      isRevoked: false,
      ...(opts.name === undefined ? {} : { name: opts.name }),
    });
    return url;
  }

  // ---- observation ----

  /** Every call received, in the order answered (failed and faulted ones included). */
  get calls(): RecordedCall[] {
    return this.core.calls.calls;
  }

  /** The calls of one method (case-insensitive), oldest first. */
  callsTo(method: string): RecordedCall[] {
    return this.core.calls.to(method);
  }

  /** How many calls of that method were received. */
  callCount(method: string): number {
    return this.core.calls.to(method).length;
  }

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

  /** Whether the user is a member of the chat. */
  isMember(chatId: number, userId: number): boolean {
    return this.core.world.mustChat(chatId).members.has(userId);
  }

  /** The join requests waiting in a chat. */
  pendingJoinRequests(chatId: number): { userId: number; inviteLink?: string; date: number }[] {
    return [...this.core.world.mustChat(chatId).joinRequests.values()].map((request) => ({
      userId: request.user.id,
      date: request.date,
      ...(request.link === undefined ? {} : { inviteLink: request.link.url }),
    }));
  }

  // ---- updates ----

  /**
   * A user asks to join through `inviteLink` (a full URL of a link of that chat) or, with none, a
   * public group's join button. Registers the pending request and queues the `chat_join_request`
   * update; returns its update_id. The update's invite_link is full for the bot's links, masked
   * for other admins' links, absent without a link. Throws when Telegram could not produce such a
   * request: unknown, revoked or expired link, or a link that does not create join requests.
   */
  requestJoin(opts: { chatId: number; user: EmulatorUser; inviteLink?: string | null; date?: number; bio?: string }): number {
    const { world } = this.core;
    const chat = world.mustChat(opts.chatId);
    if (chat.type === 'private') throw new Error('requestJoin: a private chat has no join requests');
    const date = opts.date ?? this.nowSec();
    let link;
    if (opts.inviteLink !== undefined && opts.inviteLink !== null) {
      link = world.findLink(chat, opts.inviteLink);
      if (link === undefined) throw new Error(`requestJoin: ${opts.inviteLink} is not a link of chat ${chat.id}`);
      if (link.isRevoked) throw new Error(`requestJoin: ${link.url} is revoked; Telegram would refuse it`);
      if (link.expireDate !== undefined && link.expireDate <= date) throw new Error(`requestJoin: ${link.url} has expired`);
      if (!link.createsJoinRequest) throw new Error(`requestJoin: ${link.url} does not create join requests; a user opening it joins at once`);
    }
    const user = world.privateChat(opts.user).user ?? opts.user;
    const request = { user, date, ...(link === undefined ? {} : { link }), ...(opts.bio === undefined ? {} : { bio: opts.bio }) };
    chat.joinRequests.set(user.id, request);
    return this.core.updates.push(joinRequestEvent(chat, request));
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
    const chat: ChatRecord = this.core.world.privateChat(user);
    const message = chat.messages.get(messageId);
    if (message === undefined || !message.fromBot || message.deleted === true) {
      throw new Error(`pressButton: the bot has no message ${messageId} in the chat with ${user.id}`);
    }
    if (!callbackDataOf(message.reply_markup).includes(data)) {
      throw new Error(`pressButton: message ${messageId} has no button with callback_data ${JSON.stringify(data)}`);
    }
    const id = this.core.world.newCallbackQueryId();
    return this.core.updates.push(callbackQueryEvent(id, chat.user ?? user, chat, message, data));
  }

  /** Queues a raw update (its update_id is assigned); returns the update_id. */
  queueUpdate(update: Record<string, unknown>): number {
    return this.core.updates.push(update);
  }

  /** Updates queued and not yet confirmed by a getUpdates offset (or a webhook 2xx). */
  pendingUpdateCount(): number {
    return this.core.updates.size;
  }

  /**
   * Resolves with the first call of `method` matching `predicate`: a call already recorded counts,
   * else the next one. To wait only for later calls, test `seq` in the predicate, e.g.
   * `c => c.seq > mark` with `mark = emu.calls.length`. Rejects after `timeoutMs` (default 5000).
   */
  waitForCall(method: string, predicate: (c: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    return this.core.calls.waitFor(method, predicate, timeoutMs);
  }

  /**
   * Resolves once every queued update has been confirmed (for a telegraf bot: its next getUpdates
   * came, so the handlers of the batch finished). Rejects after `timeoutMs` (default 5000).
   */
  waitForIdle(timeoutMs = 5000): Promise<void> {
    const { updates } = this.core;
    if (updates.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const unsubscribe = updates.subscribe(() => {
        if (updates.size > 0) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`waitForIdle: ${updates.size} update(s) still unconfirmed after ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  // ---- faults ----

  /** The next `times` (default 1) calls of `method` get `fault`. */
  failNext(method: string, fault: Fault, times = 1): void {
    this.core.faults.add(canonicalMethod(method) ?? method, fault, times);
  }

  private nowSec(): number {
    return Math.floor(this.core.now() / 1000);
  }
}
