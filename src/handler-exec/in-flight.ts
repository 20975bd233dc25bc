/**
 * Which updates are being handled right now, so a stop can wait for them and, when they take too
 * long, say which ones Telegram will deliver again after the restart.
 */
import type { Context, MiddlewareFn } from 'telegraf';
import type { Update } from 'telegraf/types';
import { Slots } from '../shared/slots.js';

/** The type of an update: its first key besides update_id, or undefined. Pure. */
export function updateTypeOf(update: object): string | undefined {
  return Object.keys(update).find((key) => key !== 'update_id');
}

/** A field read without trusting the update's shape: undefined when any step is missing or not an object. */
function field(value: unknown, ...path: string[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

/** A number or short string from an update, for a log line; '?' for anything else. */
function shown(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.length <= 64) return JSON.stringify(value);
  return '?';
}

/**
 * `update 12 (join request of user 42)`: enough to find the update in the log. Pure and total: it
 * runs on the error path too (bot.catch), where an update of an unexpected shape must not throw again.
 */
export function describeUpdate(update: unknown): string {
  const head = `update ${shown(field(update, 'update_id'))}`;
  if (typeof update !== 'object' || update === null) return head;
  const type = updateTypeOf(update);
  if (type === 'chat_join_request') return `${head} (join request of user ${shown(field(update, type, 'from', 'id'))})`;
  if (type === 'callback_query') return `${head} (button press of user ${shown(field(update, type, 'from', 'id'))})`;
  if (type === 'message') {
    const from = field(update, type, 'from', 'id');
    return `${head} (message from ${from === undefined ? 'a channel' : shown(from)})`;
  }
  return `${head} (${type ?? 'unknown'})`;
}

export class InFlight {
  /** The updates being handled (a Map would make a burst promote them: slots.ts); described only when a stop has to say which. */
  private readonly active = new Slots<Update>();
  private waiters: Array<() => void> = [];

  /** The first middleware: marks the update busy until every later middleware has finished. */
  middleware(): MiddlewareFn<Context> {
    return (ctx, next) => this.track(ctx.update, next);
  }

  /**
   * Marks `update` busy until `run`'s promise settles (or `run` throws). A failure rejects, or with
   * `failed` is handed to it (before the update is marked done) and resolves. One promise after
   * `run`'s: a burst tracks thousands of updates at once.
   */
  track(update: Update, run: () => Promise<void>, failed?: (error: unknown) => void): Promise<void> {
    const slot = this.active.put(update);
    let running: Promise<void>;
    try {
      running = run();
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.then(
      () => this.leave(slot),
      (error: unknown) => {
        try {
          if (failed === undefined) throw error;
          failed(error);
        } finally {
          this.leave(slot);
        }
      },
    );
  }

  /** Marks the update in `slot` done; wakes those waiting for `idle` when it was the last. */
  private leave(slot: number): void {
    this.active.take(slot);
    if (this.active.size === 0) this.wake();
  }

  get size(): number {
    return this.active.size;
  }

  /** The busy updates, for a log line. */
  describe(): string {
    return [...this.active].map(describeUpdate).join(', ');
  }

  /** Resolves when no update is being handled. */
  idle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
