/**
 * Work handed over in the same tick, done as one batch, one batch after another: the group commit
 * under the join log's appends (one write and one fsync for many rows) and under its membership
 * decisions (one lock for many). Each entry is settled by the batch's `run`.
 */

/** One piece of work waiting for its batch, and how to tell its caller the outcome. */
export interface Batched<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class TickBatches<T, R> {
  private waiting: Batched<T, R>[] = [];
  private running: Promise<void> | null = null;
  /**
   * Asked before each batch is taken: a promise to wait for while more work is on its way (see
   * AppendLog.gatherWhile), or undefined to go on at once. A hint for the batch's size only: the
   * work is done whatever it answers, so it must settle by itself, soon.
   */
  gather: (() => Promise<void> | undefined) | undefined;

  /** `run` settles every entry of the batch it is given; if it throws, the entries it left are rejected with that error. */
  constructor(private readonly run: (batch: Batched<T, R>[]) => Promise<void>) {}

  /** Queues `item` for the next batch; settles as `run` decides. */
  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let everything handed over in this tick join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const more = this.gather?.();
      if (more !== undefined) await more;
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.run(batch);
      } catch (error) {
        // A promise settles once: entries `run` already settled keep their outcome.
        for (const entry of batch) entry.reject(error);
      }
    }
    this.running = null;
  }
}
