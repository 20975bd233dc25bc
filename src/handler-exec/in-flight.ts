/**
 * Which updates are being handled right now, so a stop can wait for them and, when they take too
 * long, say which ones Telegram will deliver again after the restart.
 */
import type { Context, MiddlewareFn } from 'telegraf';
import type { Update } from 'telegraf/types';

/** `update 12 (join request of user 42)`: enough to find the update in the log. Pure. */
export function describeUpdate(update: Update): string {
  if ('chat_join_request' in update) return `update ${update.update_id} (join request of user ${update.chat_join_request.from.id})`;
  if ('callback_query' in update) return `update ${update.update_id} (button press of user ${update.callback_query.from.id})`;
  if ('message' in update) return `update ${update.update_id} (message from ${update.message.from?.id ?? 'a channel'})`;
  const type = Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
  return `update ${update.update_id} (${type})`;
}

export class InFlight {
  /** The updates being handled, by id; described only when a stop has to say which. */
  private readonly active = new Map<number, Update>();
  private waiters: Array<() => void> = [];

  /** The first middleware: marks the update busy until every later middleware has finished. */
  middleware(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const id = ctx.update.update_id;
      this.active.set(id, ctx.update);
      try {
        await next();
      } finally {
        this.active.delete(id);
        if (this.active.size === 0) this.wake();
      }
    };
  }

  get size(): number {
    return this.active.size;
  }

  /** The busy updates, for a log line. */
  describe(): string {
    return [...this.active.values()].map(describeUpdate).join(', ');
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
