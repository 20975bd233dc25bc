/**
 * What each tg-get step is handed: settings, the log, the clock, a Telegram client made on first use
 * (so a run with nothing to send never loads telegraf), and the tally the summary line is made of.
 */
import type { Telegram } from 'telegraf';
import { telegramClient } from '../shared/cli/lazy.js';
import type { Paths } from '../shared/config/paths.js';
import type { Config } from '../shared/config/schema.js';
import type { DataFileError } from '../shared/errors.js';
import type { Logger } from '../shared/cli/log.js';
import type { RetryPolicy } from '../shared/telegram/client.js';

export interface Tally {
  linksMade: number;
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
  /** The client, made on first call. */
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
  const tally: Tally = { linksMade: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 };
  return {
    config: options.config,
    paths: options.paths,
    log: options.log,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    dryRun: options.dryRun,
    telegram: () => {
      client ??= telegramClient().then(({ createBot }) =>
        createBot({ token: options.config.token, apiRoot: options.config.apiRoot, log: options.log, ...(options.retry ? { retry: options.retry } : {}) }).telegram,
      );
      return client;
    },
    stopping: options.stopping ?? (() => false),
    lockWaitMs: options.lockWaitMs ?? 30_000,
    lockStaleMs: options.lockStaleMs,
    tally,
    failRow: (file, line) => {
      const key = `${file}\0${line}`;
      if (failed.has(key)) return;
      failed.add(key);
      tally.rowsFailed++;
    },
  };
}

/** Logs each problem of a data file as an error and counts its row as failed. */
export function reportProblems(ctx: StepContext, problems: readonly DataFileError[]): void {
  for (const problem of problems) {
    ctx.log.error(problem.message);
    ctx.failRow(problem.position.file, problem.position.line);
  }
}
