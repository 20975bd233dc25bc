/**
 * Keeps our sends to the group under Telegram's limit of about 20 messages a minute. The window is a
 * rolling minute, and it remembers the sends of the previous run too (from the schedule's dt_posted),
 * since cron starts us again every minute.
 */

export const WINDOW_MS = 60_000;
/** Telegram's observed limit for one group. */
export const GROUP_SENDS_PER_MINUTE = 20;

export class Pacer {
  private readonly sends: number[];

  /**
   * @param perWindow sends allowed in any rolling `WINDOW_MS`
   * @param earlier times (ms) of sends already made, e.g. by the previous run
   */
  constructor(
    private readonly perWindow: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    earlier: readonly number[] = [],
  ) {
    this.sends = [...earlier].sort((a, b) => a - b);
  }

  /** How long the next send must wait, in ms (0: it may go now). */
  delay(): number {
    const now = this.now();
    while (this.sends.length > 0 && this.sends[0]! <= now - WINDOW_MS) this.sends.shift();
    if (this.sends.length < this.perWindow) return 0;
    // The send that must leave the window before ours may go.
    const blocking = this.sends[this.sends.length - this.perWindow]!;
    return Math.max(0, blocking + WINDOW_MS - now);
  }

  /**
   * Waits until one more send fits, or until `cancelled()`; `onWait` hears about a wait before it
   * starts. Returns false when cancelled.
   */
  async ready(onWait?: (ms: number) => void, cancelled: () => boolean = () => false): Promise<boolean> {
    for (let wait = this.delay(); wait > 0; wait = this.delay()) {
      if (cancelled()) return false;
      onWait?.(wait);
      await this.sleep(wait);
    }
    return !cancelled();
  }

  /** Records a send made now. */
  sent(): void {
    this.sends.push(this.now());
  }
}
