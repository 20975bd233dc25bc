import type { Update } from './types.js';

/** Update types a bot gets when it asks for none (`allowed_updates` empty or never given). */
const NOT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The type of an update: its one key besides `update_id`. */
export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}

/**
 * The bot's update queue. Updates stay until confirmed (a getUpdates `offset` above their id, or
 * a webhook answering 2xx). `allowed_updates` is applied when updates are handed out: an update
 * of a type the bot does not want is dropped then, as if Telegram had never made it.
 */
export class UpdateQueue {
  private queue: Update[] = [];
  private nextId = 1;
  /** undefined = the default set. */
  private allowed: Set<string> | undefined;
  private allowedList: string[] | undefined;
  private readonly listeners = new Set<() => void>();

  /** Queues an update (its update_id is assigned here) and wakes whoever waits. */
  push(update: Record<string, unknown>): number {
    const id = this.nextId++;
    const { update_id: _ignored, ...rest } = update;
    this.queue.push({ update_id: id, ...rest });
    this.changed();
    return id;
  }

  /** Remembers `allowed_updates`: a non-empty list filters, `[]` restores the default set. */
  setAllowed(list: string[]): void {
    this.allowed = list.length === 0 ? undefined : new Set(list);
    this.allowedList = list.length === 0 ? undefined : [...list];
  }

  /** The explicit allowed_updates list, if the bot gave a non-empty one. */
  allowedUpdates(): string[] | undefined {
    return this.allowedList;
  }

  /**
   * Confirms by offset as getUpdates does: updates below a positive offset are forgotten; a
   * negative offset keeps only the last `-offset` updates.
   */
  confirm(offset: number): void {
    const before = this.queue.length;
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.queue = this.queue.slice(offset);
    if (this.queue.length !== before) this.changed();
  }

  /** Confirms one update (webhook delivery). */
  confirmOne(updateId: number): void {
    this.queue = this.queue.filter((u) => u.update_id !== updateId);
    this.changed();
  }

  /** Up to `limit` updates to hand out, oldest first, dropping unwanted types on the way. */
  take(limit: number): Update[] {
    const wanted = (u: Update): boolean => {
      const type = updateType(u);
      return this.allowed === undefined ? !NOT_BY_DEFAULT.has(type) : this.allowed.has(type);
    };
    const before = this.queue.length;
    this.queue = this.queue.filter(wanted);
    if (this.queue.length !== before) this.changed();
    return this.queue.slice(0, limit);
  }

  /** Forgets every queued update (drop_pending_updates). */
  clear(): void {
    if (this.queue.length === 0) return;
    this.queue = [];
    this.changed();
  }

  /** Queued updates not yet confirmed. */
  get size(): number {
    return this.queue.length;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
