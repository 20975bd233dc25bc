/**
 * The join-request decisions whose Telegram call is under way (each holds a seat of the log gate
 * until its row is handed over), and the join log's flush that waits for their rows (LogGate.gather):
 * a batch of requests is flushed once, after its last answer, instead of a few rows at a time.
 */
export class CallsUnderWay {
  private calling = 0;
  private gathering: { done: Promise<void>; end: () => void } | undefined;

  /** `maxMs`: how long a wait lasts at most, so a call that takes long (a retry, a 429) does not hold the other rows. */
  constructor(private readonly maxMs: number) {}

  /** Counts a call under way; `over` ends it (once a call: the caller sees to that, see LogGate's seats). */
  begin(): void {
    this.calling += 1;
  }

  /** A call counted by `begin` is over; the wait settles when it was the last. */
  over(): void {
    this.calling -= 1;
    if (this.calling === 0) this.end();
  }

  /** While a call is under way, a promise that settles when the last one ends, or after `maxMs`; else undefined. */
  wait(): Promise<void> | undefined {
    if (this.calling === 0) return undefined;
    if (this.gathering === undefined) {
      let settle = () => {};
      const done = new Promise<void>((resolve) => (settle = resolve));
      const timer = setTimeout(() => this.end(), this.maxMs);
      this.gathering = { done, end: () => { clearTimeout(timer); settle(); } };
    }
    return this.gathering.done;
  }

  /** Settles the wait in progress, if any. */
  end(): void {
    const gathering = this.gathering;
    this.gathering = undefined;
    gathering?.end();
  }
}
