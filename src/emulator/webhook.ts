import http from 'node:http';
import https from 'node:https';
import type { Update } from './types.js';
import type { UpdateQueue } from './updates.js';

/** How long a failed delivery waits before the next try. */
export const WEBHOOK_RETRY_MS = 200;

/** The webhook the bot set, and how its deliveries went. */
export class WebhookConfig {
  url: string | undefined;
  secret: string | undefined;
  maxConnections = 40;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
  private readonly listeners = new Set<() => void>();

  set(url: string, secret: string | undefined, maxConnections: number): void {
    this.url = url;
    this.secret = secret;
    this.maxConnections = maxConnections;
    this.lastErrorDate = undefined;
    this.lastErrorMessage = undefined;
    this.changed();
  }

  clear(): void {
    this.url = undefined;
    this.secret = undefined;
    this.lastErrorDate = undefined;
    this.lastErrorMessage = undefined;
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** An HTTP answer from the bot's webhook. */
interface WebhookAnswer {
  status: number;
  statusText: string;
  contentType: string | undefined;
  body: Buffer;
}

/** What the delivery loop needs from the emulator. */
export interface WebhookDeliveryDeps {
  webhook: WebhookConfig;
  updates: UpdateQueue;
  now: () => number;
  /** Runs a method the webhook answered with (`{"method": ..., ...}` in the response body). */
  runReply: (contentType: string | undefined, body: Buffer) => Promise<void>;
}

/**
 * Posts queued updates, one at a time and oldest first, to the webhook while one is set. A 2xx
 * answer confirms the update; anything else keeps it queued and retries after
 * {@link WEBHOOK_RETRY_MS}.
 */
export class WebhookDelivery {
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: Array<() => void>;
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly loop: Promise<void>;

  constructor(private readonly deps: WebhookDeliveryDeps) {
    const poke = (): void => this.wake?.();
    this.unsubscribe = [deps.updates.subscribe(poke), deps.webhook.subscribe(poke)];
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const request of this.inFlight) request.destroy();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const url = this.deps.webhook.url;
      const next = url === undefined ? undefined : this.deps.updates.take(1)[0];
      if (url === undefined || next === undefined) {
        await this.pause(undefined);
        continue;
      }
      if (await this.deliver(url, next)) this.deps.updates.confirmOne(next.update_id);
      else await this.pause(WEBHOOK_RETRY_MS);
    }
  }

  /** Waits for a queue or webhook change (`ms` undefined) or for `ms`; stop ends either wait. */
  private pause(ms: number | undefined): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.wake = ms === undefined ? done : () => (this.stopped ? done() : undefined);
    });
  }

  private async deliver(url: string, update: Update): Promise<boolean> {
    const { webhook } = this.deps;
    try {
      const answer = await this.post(url, JSON.stringify(update), webhook.secret);
      if (answer.status >= 200 && answer.status < 300) {
        await this.deps.runReply(answer.contentType, answer.body).catch(() => undefined);
        return true;
      }
      this.fail(`Wrong response from the webhook: ${answer.status} ${answer.statusText}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      this.fail(code === 'ECONNREFUSED' ? 'Connection refused' : `Connection failed: ${(error as Error).message}`);
    }
    return false;
  }

  private fail(message: string): void {
    this.deps.webhook.lastErrorDate = Math.floor(this.deps.now() / 1000);
    this.deps.webhook.lastErrorMessage = message;
  }

  private post(url: string, body: string, secret: string | undefined): Promise<WebhookAnswer> {
    return new Promise((resolve, reject) => {
      const client = url.startsWith('https:') ? https : http;
      const request = client.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secret === undefined ? {} : { 'X-Telegram-Bot-Api-Secret-Token': secret }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? '',
              contentType: response.headers['content-type'],
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      this.inFlight.add(request);
      request.on('close', () => this.inFlight.delete(request));
      request.on('error', reject);
      request.setTimeout(60_000, () => request.destroy(new Error('timeout')));
      request.end(body);
    });
  }
}
