/**
 * The wait between paced sends and retries: it ends early when the run is asked to stop, so a
 * SIGTERM never waits out a back-off.
 */

/** Waits `ms`, or less when `signal` aborts (resolves at once if it already has). */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
