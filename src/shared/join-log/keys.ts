/**
 * The redelivery keys of the join log: which rows count as the same request, and the keys of the
 * recent ones that tg-handler keeps so a redelivered update never gets a second row.
 */
import { keyOfRow, type ResponseCells } from './schema.js';

/**
 * The key of a row: the same request (chat, user, request date) has the same key. A membership row
 * (status joined, left, removed) adds its direction, so a join and a leave in one second differ. A
 * `pending` row (held for an admin) has a key of its own, so the decision an admin makes later (the
 * review queue, `tg-get pending`) gets one row too, and still only one.
 */
export function rowKey(row: Pick<ResponseCells, 'chat_id' | 'id_tg' | 'tg_request_date'> & { tg_responde_status?: string; reason?: string }): string {
  const status = row.tg_responde_status ?? '';
  return requestRowKey(keyOfRow(row.chat_id, row.id_tg, row.tg_request_date, status), status, row.reason);
}

/**
 * The key of a request's row with `status` and `reason`, given the request's key (requestKey): the
 * key itself for a decision, the held or check key for a `pending` row. The join-request handler
 * makes the request's key to look for it, and hands the row's on this way: the log does not make
 * and hash it a second time (a burst writes a row per request).
 */
export function requestRowKey(key: string, status: string, reason?: string): string {
  if (status !== 'pending') return key;
  // Waiting for the requester's answer (--check-requester) is a stage of its own before being held for an admin.
  return reason === CHECK_REASON ? checkKey(key) : heldKey(key);
}

/** The `reason` of the `pending` row written while tg-handler waits for the requester to answer its check. */
export const CHECK_REASON = 'check';

/** The key of a request's `pending` row, given the request's key. */
export function heldKey(key: string): string {
  return [key, 'held'].join('|');
}

/** The key of a request's `pending` row while tg-handler waits for the requester's answer, given the request's key. */
export function checkKey(key: string): string {
  return [key, 'check'].join('|');
}

/** True for the key of a `pending` row (heldKey, checkKey). Pure. */
export function isPendingKey(key: string): boolean {
  return key.endsWith('|held') || key.endsWith('|check');
}


/**
 * How long a request's key is kept, in seconds. Telegram keeps an update it could not deliver for 24
 * hours at most, so a request older than that never comes again; a week leaves room for a wrong clock.
 * Keys of older rows are neither loaded at start nor kept while running: memory follows the last
 * week's joins, not the size of the file.
 */
export const REDELIVERY_WINDOW_S = 7 * 24 * 3600;

/** The keys of recent requests (inside the redelivery window), each with its request date. */
export class RecentKeys {
  private readonly dates = new Map<string, number>();
  private lastSweepS: number;
  /** How many of the keys are a `pending` row's (isPendingKey). */
  private pendingKeys = 0;

  constructor(private readonly nowS: () => number) {
    this.lastSweepS = nowS();
  }

  /** Keeps the key when its request date (Unix seconds) is inside the window; once an hour, forgets keys that left it. */
  add(key: string, requestDateS: number): void {
    const now = this.nowS();
    if (requestDateS >= now - REDELIVERY_WINDOW_S) {
      if (isPendingKey(key) && !this.dates.has(key)) this.pendingKeys += 1;
      this.dates.set(key, requestDateS);
    }
    if (now - this.lastSweepS >= 3600) {
      this.lastSweepS = now;
      for (const [k, date] of this.dates) {
        if (date >= now - REDELIVERY_WINDOW_S) continue;
        this.dates.delete(k);
        if (isPendingKey(k)) this.pendingKeys -= 1;
      }
    }
  }

  has(key: string): boolean {
    return this.dates.has(key);
  }

  /** Whether a `pending` row's key is among them: a request's own key is then the only one worth looking for. */
  get anyPending(): boolean {
    return this.pendingKeys > 0;
  }

  get size(): number {
    return this.dates.size;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.dates.keys();
  }

  /** Each key with its request date (what a snapshot keeps). */
  entries(): IterableIterator<[string, number]> {
    return this.dates.entries();
  }
}
