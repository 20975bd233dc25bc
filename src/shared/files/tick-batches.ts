/**
 * Work handed over in the same tick, done as one batch, one batch after another: the group commit
 * under the join log's appends (one write and one fsync for many rows) and under its membership
 * decisions (one lock for many). `TickBatches` settles each entry with a result of its own;
 * `SharedTickBatches` gives every entry of a batch the batch's one promise (all written or none),
 * while its owner keeps what the entries hold.
 */

/** One piece of work waiting for its batch, and how to tell its caller the outcome. */
export interface Batched<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** The turns both kinds take: a tick for the work of this one to come, then batch after batch until none waits. */
abstract class TickTurns {
  private running: Promise<void> | null = null;
  /**
   * Asked before each batch is taken: a promise to wait for while more work is on its way (see
   * AppendLog.gatherWhile), or undefined to go on at once. A hint for the batch's size only: the
   * work is done whatever it answers, so it must settle by itself, soon.
   */
  gather: (() => Promise<void> | undefined) | undefined;

  /** Whether work waits for a batch. */
  protected abstract get waiting(): boolean;
  /** Takes what waits as the next batch and runs it; settles every entry of it, never rejects. */
  protected abstract runNext(): Promise<void>;

  /** Starts the turns unless they are running. */
  protected wake(): void {
    this.running ??= this.drain();
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let everything handed over in this tick join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting) {
      const more = this.gather?.();
      if (more !== undefined) await more;
      await this.runNext();
    }
    this.running = null;
  }
}

export class TickBatches<T, R> extends TickTurns {
  private queue: Batched<T, R>[] = [];

  /** `run` settles every entry of the batch it is given; if it throws, the entries it left are rejected with that error. */
  constructor(private readonly run: (batch: Batched<T, R>[]) => Promise<void>) {
    super();
  }

  /** Queues `item` for the next batch; settles as `run` decides. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.wake();
    });
  }

  protected get waiting(): boolean {
    return this.queue.length > 0;
  }

  protected async runNext(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      await this.run(batch);
    } catch (error) {
      // A promise settles once: entries `run` already settled keep their outcome.
      for (const entry of batch) entry.reject(error);
    }
  }
}

/**
 * Batches whose entries share one outcome, and whose owner keeps what they hold: `join` answers the
 * promise of the batch about to run, which settles when `run` has done it, or rejects with what it
 * threw. `run` takes what its owner gathered before its first await: whatever joins after that is
 * the next batch's. No promise, closure or object per entry: the join log's flush takes a burst's
 * rows this way, thousands a second (BENCHMARKS.md, issue 15).
 */
export class SharedTickBatches extends TickTurns {
  private outcome: { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(private readonly run: () => Promise<void>) {
    super();
  }

  /** Joins the next batch; settles, as every entry of that batch, once `run` has done it. */
  join(): Promise<void> {
    this.outcome ??= settledLater();
    this.wake();
    return this.outcome.done;
  }

  protected get waiting(): boolean {
    return this.outcome !== undefined;
  }

  protected async runNext(): Promise<void> {
    const outcome = this.outcome!;
    this.outcome = undefined;
    try {
      await this.run();
      outcome.resolve();
    } catch (error) {
      outcome.reject(error);
    }
  }
}

function settledLater(): { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { done, resolve, reject };
}
