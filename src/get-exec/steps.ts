/**
 * The order of tg-get's work: links, then their QR codes, then the posts. A data file a step cannot
 * use (missing, not UTF-8) ends that step only; the others still run, and the file is handed back
 * so that `main` can give the exit code the table in shared/cli/exit.ts gives it. The steps' code,
 * and the parsers with it, is loaded here on first use (shared/cli/lazy.ts).
 */
import { verdictOf } from '../shared/cli/exit.js';
import { linksStep, postsStep, qrStep } from '../shared/cli/lazy.js';
import { DataFileError, DataFileMissingError } from '../shared/errors.js';
import { reportProblems, reportWarnings, type StepContext, type Tally } from './context.js';
import type { Outage } from './failures.js';
import type { StepOptions } from './step-options.js';

export type Step = 'links' | 'qr' | 'posts';

/** Every step, as tg-get with no command runs them. */
export const ALL_STEPS: readonly Step[] = ['links', 'qr', 'posts'];

export interface StepsResult {
  /** When the next post falls due (ms, null for none) if the posts step found nothing to do; else undefined. */
  nextDueMs: number | null | undefined;
  /** The data files a step could not use at all (DataFileError, DataFileMissingError). */
  unusable: Error[];
}

/** Runs a step; a data file that is missing or unreadable fails that step only, and is noted in `unusable`. */
async function guarded<T>(ctx: StepContext, unusable: Error[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof DataFileMissingError || error instanceof DataFileError)) throw error;
    for (const line of verdictOf(error).lines) ctx.log.error(line);
    ctx.failRow(error instanceof DataFileError ? error.position.file : error.file, 0);
    unusable.push(error);
    return undefined;
  }
}

/** Runs the chosen steps in order; stops before the posts when asked to stop. */
export async function runSteps(ctx: StepContext, steps: readonly Step[], options: StepOptions): Promise<StepsResult> {
  const unusable: Error[] = [];
  if (steps.includes('links') || steps.includes('qr')) {
    const { loadRegistry, makeLinks } = await linksStep();
    const { writeQrCodes } = await qrStep();
    await guarded(ctx, unusable, async () => {
      const registry = steps.includes('links') ? await makeLinks(ctx, options) : await loadRegistry(ctx);
      if (registry === null) return;
      if (!steps.includes('links')) {
        reportWarnings(ctx, registry.warnings);
        reportProblems(ctx, registry.problems);
      }
      if (steps.includes('qr')) await writeQrCodes(ctx, registry);
    });
  }
  let nextDueMs: number | null | undefined;
  if (steps.includes('posts') && !ctx.stopping()) {
    const { sendPosts } = await postsStep();
    nextDueMs = await guarded(ctx, unusable, () => sendPosts(ctx, options));
  }
  return { nextDueMs, unusable };
}

/** True when a run made, wrote, sent and failed nothing. */
export const nothingDone = (tally: Tally): boolean => tally.linksMade + tally.qrWritten + tally.postsSent + tally.rowsFailed === 0;

/**
 * The last line of every run: `3 links made, 3 QR codes written, 2 posts sent, 0 rows failed`, and
 * why it stopped early, if it did (a signal, or Telegram could not be used).
 */
export function summary(tally: Tally, dryRun: boolean, stopped: boolean, outage: Outage | null = null): string {
  const counts = `${tally.linksMade} links ${dryRun ? 'to make' : 'made'}, ${tally.qrWritten} QR codes ${dryRun ? 'to write' : 'written'}, ${tally.postsSent} posts ${dryRun ? 'to send' : 'sent'}, ${tally.rowsFailed} rows failed`;
  const early = [stopped ? 'stopped early by a signal' : '', outage === null ? '' : `stopped calling Telegram: ${outage.what}`].filter((s) => s !== '');
  return `${dryRun ? 'dry run: ' : ''}${counts}${early.length > 0 ? ` (${early.join('; ')})` : ''}`;
}
