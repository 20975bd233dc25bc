/**
 * What each tg-get step is handed: settings, the log, the clock, a Telegram client made on first use
 * (so a run with nothing to send never loads telegraf), and the tally the summary line is made of.
 */
import type { Telegram } from 'telegraf';
import { telegramClient } from '../shared/cli/lazy.js';
import type { Paths } from '../shared/config/paths.js';
import type { Config } from '../shared/config/schema.js';
import type { DataFileError } from '../shared/errors.js';
import type { DataFileWarning } from '../shared/files/data-file.js';
import type { Logger } from '../shared/cli/log.js';
import { formatDateTime } from '../shared/dates.js';
import type { RetryPolicy } from '../shared/telegram/client.js';
import type { Outage } from './failures.js';

/**
 * The longest 429 retry_after tg-get waits out within a run: cron starts the next run within a
 * minute, so a longer wait is left to it rather than holding this one (and the file locks) idle.
 */
export const MAX_WAIT_IN_RUN_S = 60;

export interface Tally {
  linksMade: number;
  /** Links whose expiry was changed, or that were revoked, because their row said so (link-control.ts). */
  linksChanged: number;
  linksRevoked: number;
  qrWritten: number;
  postsSent: number;
  /** Rows that could not be done (bad cells, a refused call, an uncertain send), counted once each. */
  rowsFailed: number;
}

export interface StepContext {
  config: Config;
  /** The folders and the data files in them, resolved once per run. */
  paths: Paths;
  log: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** Print what would happen; call no Telegram method and write no file. */
  dryRun: boolean;
  /** The client, made on first call, once getMe has answered (it rejects with what getMe threw). */
  telegram: () => Promise<Telegram>;
  /** True once SIGINT/SIGTERM asked us to finish: steps stop before their next row. */
  stopping: () => boolean;
  /** How long to wait for another process's lock on a data file before skipping the step. */
  lockWaitMs: number;
  /** How old another process's lock must be before it is taken over; undefined: the lock's default. */
  lockStaleMs: number | undefined;
  tally: Tally;
  /** Marks a row failed; a row with several problems counts once. */
  failRow: (file: string, line: number) => void;
  /** Set when Telegram cannot be used for the rest of the run: every step stops calling it. */
  outage: Outage | null;
}

export interface ContextOptions {
  config: Config;
  paths: Paths;
  log: Logger;
  dryRun: boolean;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  stopping?: () => boolean;
  lockWaitMs?: number;
  lockStaleMs?: number;
}

/** Builds a step context; nothing is started. */
export function createContext(options: ContextOptions): StepContext {
  let client: Promise<Telegram> | undefined;
  const failed = new Set<string>();
  const tally: Tally = { linksMade: 0, linksChanged: 0, linksRevoked: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 };
  return {
    config: options.config,
    paths: options.paths,
    log: options.log,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    dryRun: options.dryRun,
    telegram: () => {
      client ??= telegramClient().then(async ({ createBot, DEFAULT_RETRY }) => {
        const retry = options.retry ?? { ...DEFAULT_RETRY, maxRetryAfterS: MAX_WAIT_IN_RUN_S };
        const { telegram } = createBot({ token: options.config.token, apiRoot: options.config.apiRoot, log: options.log, retry });
        // Telegram is reached (and the token accepted) before a step marks any row, so a run that
        // cannot reach it changes no file: the posts step saves a row as `sending` before sending it.
        await telegram.getMe();
        return telegram;
      });
      return client;
    },
    stopping: options.stopping ?? (() => false),
    lockWaitMs: options.lockWaitMs ?? 30_000,
    lockStaleMs: options.lockStaleMs,
    tally,
    outage: null,
    failRow: (file, line) => {
      const key = `${file}\0${line}`;
      if (failed.has(key)) return;
      failed.add(key);
      tally.rowsFailed++;
    },
  };
}

/** Logs each warning about a data file's usable rows (the row is used as the warning says). */
export function reportWarnings(ctx: StepContext, warnings: readonly DataFileWarning[]): void {
  for (const warning of warnings) ctx.log.warn(warning.message);
}

/** Logs each problem of a data file as an error and counts its row as failed. */
export function reportProblems(ctx: StepContext, problems: readonly DataFileError[]): void {
  for (const problem of problems) {
    ctx.log.error(problem.message);
    ctx.failRow(problem.position.file, problem.position.line);
  }
}

/**
 * Notes that Telegram cannot be used for the rest of the run, and says so in one line: `where` and
 * `failure` name the row that met it, `left` what is left undone ("this row and 299 more").
 */
export function stopForOutage(ctx: StepContext, outage: Outage, where: string, failure: string, left: string): void {
  ctx.outage = outage;
  const when = outage.retryAt === null ? 'the next run tries again' : `try again after ${formatDateTime(outage.retryAt, ctx.config.zone)}`;
  ctx.log.error(`${where}: ${failure}; ${outage.what}, so this run stops calling Telegram: ${left} left for the next run; ${when}`);
}
