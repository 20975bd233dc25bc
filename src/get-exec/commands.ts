/**
 * What each tg-get command does once commander has read its options: `tg-get [links|qr|posts]` (the
 * idle check, the configuration, the steps, the summary line) and `tg-get report`. They throw what
 * fails; `main` prints it and decides the exit code (shared/cli/exit.ts).
 */
import { loggerFor, logLevelOf, secretsOf, type Io } from '../shared/cli/cli.js';
import type { RunResult } from '../shared/cli/exit.js';
import { reportModule } from '../shared/cli/lazy.js';
import { createLogger } from '../shared/cli/log.js';
import { loadConfig, readRawSettings, type Env } from '../shared/config/load.js';
import { pathsOf, resolveDirs } from '../shared/config/paths.js';
import type { Config } from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';
import type { RetryPolicy } from '../shared/telegram/client.js';
import { createContext } from './context.js';
import { noteIdle, nothingCanHaveChanged, startIdleCheck } from './idle-skip.js';
import { abortableSleep } from './sleep.js';
import { parseStepOptions, type GetOptions, type ReportCliOptions } from './step-options.js';
import { ALL_STEPS, nothingDone, runSteps, summary, type Step } from './steps.js';

/** What main takes from outside besides argv and the environment; tests replace any of it. */
export interface MainDeps {
  io?: Io;
  now?: () => Date;
  /** Aborted on SIGINT/SIGTERM: finish the current row, then stop. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  lockWaitMs?: number;
  /** The age after which a killed run's lock on a data file is taken over (shared/files/lock.ts). */
  lockStaleMs?: number;
}

/** Secrets learnt while a command runs, for `main` to keep out of a failure's message. */
export interface Secrets {
  secrets: string[];
}

type Attempt<T> = { ok: true; value: T } | { ok: false; problems: string[] };

async function attempt<T>(fn: () => T | Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** `tg-get`, `tg-get links`, `qr`, `posts`: runs `steps` and prints the summary line. */
export async function stepsCommand(
  steps: readonly Step[],
  options: GetOptions,
  argv: readonly string[],
  env: Env,
  io: Io,
  deps: MainDeps,
  known: Secrets,
): Promise<RunResult> {
  const dryRun = options.dryRun === true;
  const now = deps.now ?? (() => new Date());
  const paths = pathsOf(resolveDirs(options, io.cwd));
  const stepOptions = await attempt(() => parseStepOptions(options));
  const raw = readRawSettings(env, options, io.cwd);
  // The every-minute run: skipped, before even the configuration schema is loaded, when neither the
  // settings nor the files changed since a full run that had nothing to do.
  const everyMinute = steps.length === ALL_STEPS.length && !dryRun && options.retryUncertain !== true && stepOptions.ok;
  const idle = everyMinute ? startIdleCheck(argv, io.cwd, raw, paths) : null;
  if (idle !== null && nothingCanHaveChanged(idle, paths, now())) {
    const log = createLogger({ level: logLevelOf(options), out: io.out, err: io.err, env, zone: options.tz });
    log.info('nothing changed since the last run that had nothing to do, and no post is due yet');
    log.info(summary({ linksMade: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 }, false, false));
    return { rowsFailed: 0, stopped: false, unusable: [] };
  }
  // Both are checked before either is reported, so one run names every problem.
  const sends = steps.includes('links') || steps.includes('posts');
  const loaded = await attempt(() => loadConfig(env, options, { token: sends && !dryRun, chat: steps.includes('posts') }, io.cwd, raw));
  if (!stepOptions.ok || !loaded.ok) throw new ConfigError([stepOptions, loaded].flatMap((r) => (r.ok ? [] : r.problems)));
  const config: Config = loaded.value;
  known.secrets.push(...secretsOf(config));
  const log = loggerFor(config, io, env);
  const signal = deps.signal;
  const ctx = createContext({
    config,
    paths,
    log,
    dryRun,
    now,
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
    ...(deps.lockStaleMs !== undefined ? { lockStaleMs: deps.lockStaleMs } : {}),
    stopping: () => signal?.aborted === true,
    sleep: (ms) => abortableSleep(ms, signal),
  });
  if (dryRun) log.info('dry run: nothing is sent to Telegram and no file is changed');
  const { nextDueMs, unusable } = await runSteps(ctx, steps, stepOptions.value);
  const stopped = ctx.stopping();
  if (idle !== null && nextDueMs !== undefined && !stopped && nothingDone(ctx.tally)) {
    await noteIdle(idle, paths, nextDueMs).catch((error: unknown) => log.debug(`idle state not written: ${(error as Error).message}`));
  }
  log.info(summary(ctx.tally, dryRun, stopped));
  return { rowsFailed: ctx.tally.rowsFailed, stopped, unusable };
}

/** `tg-get report`: reads the registry and the join log, needs neither token nor group. Returns the report's exit code. */
export async function reportCommand(options: ReportCliOptions, env: Env, io: Io, deps: MainDeps): Promise<number> {
  const config = await loadConfig(env, options, { token: false, chat: false }, io.cwd);
  const { runReport } = await reportModule();
  const reportRun = { now: deps.now?.() ?? new Date(), cwd: io.cwd, ...(options.csv ? { csv: options.csv } : {}), ...(options.html ? { html: options.html } : {}) };
  const result = await runReport(config, reportRun, loggerFor(config, io, env), io.out);
  return result.exitCode;
}
