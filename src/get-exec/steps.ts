/**
 * The order of tg-get's work: links, then their QR codes, then the posts. A data file a step cannot
 * use (missing, not UTF-8) ends that step only; the others still run, and the file is handed back
 * so that `main` can give the exit code the table in shared/cli/exit.ts gives it. The steps' code,
 * and the parsers with it, is loaded here on first use (shared/cli/lazy.ts).
 */
import { verdictOf } from '../shared/cli/exit.js';
import { linkControlStep, linksStep, postsStep, qrStep } from '../shared/cli/lazy.js';
import { DataFileError, DataFileMissingError } from '../shared/errors.js';
import { reportProblems, reportWarnings, type StepContext, type Tally } from './context.js';
import type { Outage } from './failures.js';
import type { CheckedFiles } from './edit-note.js';
import type { StepOptions } from './step-options.js';

export type Step = 'links' | 'qr' | 'posts';

/** Every step, as tg-get with no command runs them. */
export const ALL_STEPS: readonly Step[] = ['links', 'qr', 'posts'];

export interface StepsResult {
  /** When the next post falls due (ms, null for none) if the posts step found nothing to do; else undefined. */
  nextDueMs: number | null | undefined;
  /** The data files a step could not use at all (DataFileError, DataFileMissingError). */
  unusable: Error[];
  /** The registry and the schedule as the steps last read them, when both were read and nothing was done to them. */
  checked?: CheckedFiles;
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
  let registryRead: CheckedFiles['registry'] | undefined;
  let scheduleRead: CheckedFiles['schedule'] | undefined;
  if (steps.includes('links') || steps.includes('qr')) {
    const { loadRegistry, makeLinks, plan } = await linksStep();
    const { writeQrCodes, writeSheet } = await qrStep();
    await guarded(ctx, unusable, async () => {
      const registry = steps.includes('links') ? await makeLinks(ctx, options) : await loadRegistry(ctx);
      if (registry === null) return;
      registryRead = registry;
      if (registry.entries.length === 0 && registry.problems.length === 0) {
        ctx.log.info(`${registry.table.file} has no invitees yet: add one row per invitee (id, then their address), and tg-get makes their links`);
      }
      // Read again after making links: the rows' values do not show a dt_expire that --expire-days wrote.
      if (steps.includes('links')) await (await linkControlStep()).controlLinks(ctx, ctx.tally.linksMade > 0 && !ctx.dryRun ? await loadRegistry(ctx) : registry);
      else {
        reportWarnings(ctx, registry.warnings);
        reportProblems(ctx, registry.problems);
      }
      // A dry run makes no link, but counts the QR codes of the links it would make, as the real run then draws them.
      const coming = ctx.dryRun && steps.includes('links') ? plan(ctx, registry, options).jobs.map((job) => job.entry) : [];
      if (steps.includes('qr')) await writeQrCodes(ctx, registry, coming);
      if (options.sheet !== null) await writeSheet(ctx, registry, options.sheet);
    });
  }
  let nextDueMs: number | null | undefined;
  if (steps.includes('posts') && !ctx.stopping()) {
    const { sendPosts } = await postsStep();
    nextDueMs = await guarded(ctx, unusable, () => sendPosts(ctx, options, (loaded) => (scheduleRead = loaded)));
  }
  return { nextDueMs, unusable, ...(registryRead && scheduleRead ? { checked: { registry: registryRead, schedule: scheduleRead } } : {}) };
}

/** True when a run made, changed, wrote, sent and failed nothing. */
export const nothingDone = (tally: Tally): boolean =>
  tally.linksMade + tally.linksChanged + tally.linksRevoked + tally.qrWritten + tally.postsSent + tally.rowsFailed === 0;

/** `1 link`, `3 links`. */
export const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The last line of a run: `3 links made, 3 QR codes written, 2 posts sent, 0 rows failed`, with
 * `1 link changed` and `1 link revoked` after the first part when the registry asked for them, and
 * why it stopped early, if it did (a signal, or Telegram could not be used).
 */
export function summary(tally: Tally, dryRun: boolean, stopped: boolean, outage: Outage | null = null): string {
  const control = [
    ...(tally.linksChanged > 0 ? [`${count(tally.linksChanged, 'link')} ${dryRun ? 'to change' : 'changed'}`] : []),
    ...(tally.linksRevoked > 0 ? [`${count(tally.linksRevoked, 'link')} ${dryRun ? 'to revoke' : 'revoked'}`] : []),
  ];
  const counts = [
    `${count(tally.linksMade, 'link')} ${dryRun ? 'to make' : 'made'}`,
    ...control,
    `${count(tally.qrWritten, 'QR code')} ${dryRun ? 'to write' : 'written'}`,
    `${count(tally.postsSent, 'post')} ${dryRun ? 'to send' : 'sent'}`,
    `${count(tally.rowsFailed, 'row')} failed`,
  ].join(', ');
  const early = [stopped ? 'stopped early by a signal' : '', outage === null ? '' : `stopped calling Telegram: ${outage.what}`].filter((s) => s !== '');
  return `${dryRun ? 'dry run: ' : ''}${counts}${early.length > 0 ? ` (${early.join('; ')})` : ''}`;
}
