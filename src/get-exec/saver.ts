/**
 * Saves a file after every change without making each change wait for a disk flush: a save asked for
 * while one is being written is folded into one more save after it. Each `request` resolves once a
 * save that began after it has finished, so a resolved request is on disk.
 */
export class CoalescingSaver {
  private current: Promise<void> | null = null;
  private dirty = false;
  private failure: unknown = null;

  constructor(private readonly write: () => Promise<void>) {}

  /** Asks for a save of the state as it is now. */
  request(): Promise<void> {
    if (this.current !== null) {
      this.dirty = true;
      return this.current;
    }
    this.current = this.loop();
    // Callers may not await every request; a failure is kept for `check` and `flush`.
    this.current.catch((error: unknown) => {
      this.failure ??= error;
    });
    return this.current;
  }

  /** Throws the error of a save that failed since the last flush. */
  check(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** Waits for every requested save; throws if one failed. */
  async flush(): Promise<void> {
    while (this.current !== null) await this.current.catch(() => {});
    this.check();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.dirty = false;
        await this.write();
      } while (this.dirty);
    } finally {
      this.current = null;
    }
  }
}
