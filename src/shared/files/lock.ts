/**
 * A cross-process lock on a data file, so that two runs never work on the same rows.
 */
import lockfile from 'proper-lockfile';
import { LockBusyError } from '../errors.js';
import { displayPath } from './store.js';

/** How long a lock may go without a heartbeat before another process may take it over. */
export const LOCK_STALE_MS = 10_000;

/** The shortest stale age proper-lockfile accepts: a shorter one is raised to this. */
export const MIN_LOCK_STALE_MS = 2_000;

export interface LockOptions {
  /** How long to wait for another holder; default 30 s (a crashed holder's lock goes stale after 10 s). */
  waitMs?: number;
  /** Told when the lock could not be kept (the folder vanished, the clock jumped). */
  onCompromised?: (error: Error) => void;
  /**
   * How old another holder's lock must be (no heartbeat) before it is taken over; default
   * LOCK_STALE_MS, at least MIN_LOCK_STALE_MS. Our own heartbeat refreshes the lock every quarter of
   * it, and no more often than once a second.
   */
  staleMs?: number;
}

/**
 * Runs `fn` holding a cross-process lock on `file` (a `<file>.lock` folder kept fresh while held).
 * Another tg-get or tg-handler waits for it; a lock left by a killed process goes stale and is taken
 * over. Throws LockBusyError when the wait runs out.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 30_000;
  const retryEveryMs = 100;
  const staleMs = Math.max(options.staleMs ?? LOCK_STALE_MS, MIN_LOCK_STALE_MS);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath: `${file}.lock`,
      stale: staleMs,
      update: staleMs / 4,
      retries: { retries: Math.max(0, Math.ceil(waitMs / retryEveryMs)), factor: 1, minTimeout: retryEveryMs, maxTimeout: retryEveryMs },
      onCompromised: options.onCompromised ?? (() => {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new LockBusyError(displayPath(file), { cause: error });
    throw error;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

