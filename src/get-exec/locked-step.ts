/**
 * How a step changes a data file beside other tg-get runs (cron may start one every minute while the
 * last is still sending). A first read without the lock decides whether there is anything to do, so
 * an idle run takes no lock. Otherwise the step holds the file's lock from a fresh read to its last
 * write: two runs never work on the same rows. When another run holds the lock for longer than we
 * wait, this run leaves the step to it.
 */
import { LockBusyError } from '../shared/errors.js';
import { displayPath } from '../shared/files/store.js';
import { withFileLock } from '../shared/files/lock.js';
import type { StepContext } from './context.js';

export interface LockedStep<L> {
  /** The data file the step writes. */
  file: string;
  /** Reads and checks it. */
  load: () => Promise<L>;
  /** True when `loaded` asks for a change. */
  hasWork: (loaded: L) => boolean;
  /** Does the change holding the lock. `held()` turns false if the lock was lost: stop writing then. */
  work: (loaded: L, held: () => boolean) => Promise<void>;
  /** What the step does, for the message when it is skipped: "making links". */
  what: string;
}

/**
 * Runs a step: `work` gets a fresh read taken under the lock. Returns what was last read, or null when
 * the lock stayed busy and the step was left to the other run. With nothing to do, or in a dry run, no
 * lock is taken and `work` is not called.
 */
export async function runLockedStep<L>(ctx: StepContext, step: LockedStep<L>): Promise<L | null> {
  const first = await step.load();
  if (ctx.dryRun || !step.hasWork(first)) return first;
  let lost = false;
  try {
    return await withFileLock(
      step.file,
      async () => {
        const fresh = await step.load();
        await step.work(fresh, () => !lost);
        return fresh;
      },
      {
        waitMs: ctx.lockWaitMs,
        ...(ctx.lockStaleMs !== undefined ? { staleMs: ctx.lockStaleMs } : {}),
        onCompromised: (error) => {
          lost = true;
          ctx.log.error(`${displayPath(step.file)}: lost the lock (${error.message}); stopping ${step.what} so that two runs never write it at once`);
        },
      },
    );
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    ctx.log.warn(`${error.file} stayed locked by another run for over ${Math.round(ctx.lockWaitMs / 1000)} s; leaving ${step.what} to it`);
    return null;
  }
}
