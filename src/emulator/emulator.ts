import { CallLog } from './call-log.js';
import { LongPollGate, type MethodContext } from './context.js';
import type { Core } from './core.js';
import { invoke } from './dispatch.js';
import { EmulatorPeople } from './emulator-people.js';
import { FaultQueue } from './faults.js';
import { METHODS, canonicalMethod } from './methods/index.js';
import { parseBody } from './body.js';
import { GroupSendLimiter } from './rate-limit.js';
import { ApiServer } from './server.js';
import { World } from './state.js';
import type { EmulatorOptions, EmulatorUser, Fault, RecordedCall, RecordedFile } from './types.js';
import { UpdateQueue } from './updates.js';
import { WebhookConfig, WebhookDelivery } from './webhook.js';

/** The token the emulator accepts unless told otherwise. */
export const DEFAULT_TOKEN = '123456:TEST-token-for-the-emulator_0123456789';

/**
 * A Telegram Bot API server on loopback that telegraf (or any HTTP client) talks real HTTP to.
 * Set up a world (chats, links, users), let the bot run against `apiRoot`, then look at what it
 * did (`calls`, `messages`, `isMember`…). Nothing happens at import time; `start` listens.
 */
export class BotApiEmulator extends EmulatorPeople {
  /** What telegraf gets as `telegram.apiRoot`, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly apiRoot: string;
  /** The only accepted token. */
  readonly token: string;
  /** The bot's own user. */
  readonly botUser: EmulatorUser;
  private stopped: Promise<void> | undefined;

  private constructor(
    core: Core,
    private readonly server: ApiServer,
    private readonly delivery: WebhookDelivery,
    apiRoot: string,
  ) {
    super(core);
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

  // ---- updates ----

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
}
