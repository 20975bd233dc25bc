const WINDOW_MS = 60_000;

/** Telegram's per-group send limit: at most `perMinute` sends to one group in a rolling minute. */
export class GroupSendLimiter {
  private readonly sends = new Map<number, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Seconds to wait before the next send to `chatId` is allowed (at least 1), or 0 if allowed now. */
  retryAfter(chatId: number): number {
    const now = this.now();
    const recent = (this.sends.get(chatId) ?? []).filter((at) => at > now - WINDOW_MS);
    this.sends.set(chatId, recent);
    const oldest = recent[0];
    if (recent.length < this.perMinute || oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
  }

  /** Counts a send that went through. */
  note(chatId: number): void {
    const list = this.sends.get(chatId) ?? [];
    list.push(this.now());
    this.sends.set(chatId, list);
  }
}
