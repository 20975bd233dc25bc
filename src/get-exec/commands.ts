/**
 * What each tg-get command does once commander has read its options: `tg-get [links|qr|posts]` (the
 * idle check, the configuration, the steps, the summary line), `tg-get members` and `tg-get report`. They throw what
 * fails; `main` prints it and decides the exit code (shared/cli/exit.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loggerFor, logLevelOf, secretsOf, type Io } from '../shared/cli/cli.js';
import type { RunResult } from '../shared/cli/exit.js';
import { editCheck, editNote, membersStep, pendingModule, reportModule } from '../shared/cli/lazy.js';
import { createLogger } from '../shared/cli/log.js';
import { loadConfig, readRawSettings, type Env } from '../shared/config/load.js';
import { pathsOf, resolveDirs } from '../shared/config/paths.js';
import type { Config } from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';
import type { RetryPolicy } from '../shared/telegram/client.js';
import { createContext } from './context.js';
import { noteIdle, nothingCanHaveChanged, startIdleCheck } from './idle-skip.js';
import { abortableSleep } from './sleep.js';
import { parseMembersOptions, parseReportScope, parseStepOptions, type GetOptions, type MembersCliOptions, type PendingCliOptions, type ReportCliOptions } from './step-options.js';
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
  /** Told when an every-minute run took a shortcut: nothing changed (idle-skip.ts), or only lines that leave nothing to do (edit-check.ts). */
  onShortcut?: (which: 'idle' | 'edit') => void;
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
  // Not "2 rows failed" (one per missing file), nor every setting's problem: the folder itself is wrong, in one line.
  if (!existsSync(paths.dataDir)) throw new ConfigError([`--data-dir: ${path.relative(io.cwd, paths.dataDir) || paths.dataDir} does not exist; run tg-get from the folder that holds data/, or pass --data-dir`]);
  const stepOptions = await attempt(() => parseStepOptions(options));
  const raw = readRawSettings(env, options, io.cwd);
  // Known before the settings are checked, so that a failure to check them cannot print the token either.
  known.secrets.push(...[raw.env.BOT_TOKEN, raw.tokenFromFile].flatMap((token) => (token?.trim() ? [token.trim()] : [])));
  // The every-minute run: skipped, before even the configuration schema is loaded, when neither the
  // settings nor the files changed since a full run that had nothing to do.
  const everyMinute = steps.length === ALL_STEPS.length && !dryRun && options.retryUncertain !== true && stepOptions.ok;
  const idle = everyMinute ? startIdleCheck(argv, io.cwd, raw, paths) : null;
  if (idle !== null && nothingCanHaveChanged(idle, paths, now())) {
    const log = createLogger({ level: logLevelOf(options), out: io.out, err: io.err, env, zone: options.tz });
    // Cron runs this every minute: silent unless --verbose, or the journal fills with it.
    log.debug('nothing changed since the last run that had nothing to do, and no post is due yet');
    log.debug(summary({ linksMade: 0, linksChanged: 0, linksRevoked: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 }, false, false));
    deps.onShortcut?.('idle');
    return { rowsFailed: 0, stopped: false, unusable: [] };
  }
  // Right after an edit: only the changed lines are read, against what the last such run learnt of
  // every line (edit-check.ts); anything it cannot be sure of takes the full path below.
  const edited = idle === null ? null : await editCheck().then(({ checkEdits }) => checkEdits(idle, paths, now())).catch(() => null);
  if (idle !== null && edited !== null) {
    const log = createLogger({ level: logLevelOf(options), secrets: known.secrets, out: io.out, err: io.err, env, zone: edited.zone });
    for (const warning of edited.warnings) log.warn(warning);
    await noteIdle(idle, paths, edited.nextDueMs).catch((error: unknown) => log.debug(`idle state not written: ${(error as Error).message}`));
    log.debug(`${edited.changed ? 'read only the lines changed' : 'the files have the same content'} since the last run that had nothing to do: nothing to do, and no post is due yet`);
    log.debug(summary({ linksMade: 0, linksChanged: 0, linksRevoked: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 }, false, false));
    deps.onShortcut?.('edit');
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
  const sheet = stepOptions.value.sheet === null ? null : path.resolve(io.cwd, stepOptions.value.sheet);
  const { nextDueMs, unusable, checked } = await runSteps(ctx, steps, { ...stepOptions.value, sheet });
  const stopped = ctx.stopping();
  if (idle !== null && nextDueMs !== undefined && !stopped && nothingDone(ctx.tally)) {
    await noteIdle(idle, paths, nextDueMs).catch((error: unknown) => log.debug(`idle state not written: ${(error as Error).message}`));
    if (checked !== undefined) {
      await editNote()
        .then(({ noteLines }) => noteLines(idle, paths, config.zone, checked))
        .catch((error: unknown) => log.debug(`after-an-edit cache not written: ${(error as Error).message}`));
    }
  }
  // A run that did nothing says so only with --verbose; a dry run, a stop, an outage always tell.
  const line = summary(ctx.tally, dryRun, stopped, ctx.outage);
  if (dryRun || stopped || ctx.outage !== null || !nothingDone(ctx.tally)) log.info(line);
  else log.debug(line);
  return { rowsFailed: ctx.tally.rowsFailed, stopped, unusable };
}

/** `tg-get pending [approve|decline USER_ID [--chat ID]]`: lists (no token needed) or settles one held request. */
export async function pendingCommand(
  invocation: { action?: 'approve' | 'decline'; userId?: string; options: PendingCliOptions },
  env: Env,
  io: Io,
  deps: MainDeps,
  known: Secrets,
): Promise<number> {
  const { options, action, userId } = invocation;
  const config = await loadConfig(env, options, { token: action !== undefined, chat: false }, io.cwd);
  known.secrets.push(...secretsOf(config));
  const { listPending, settlePending } = await pendingModule();
  const run = { config, paths: pathsOf(config), log: loggerFor(config, io, env), out: io.out, cwd: io.cwd, now: deps.now ?? (() => new Date()) };
  if (action === undefined || userId === undefined) await listPending(run);
  else await settlePending(run, action, userId, options.chat);
  return 0;
}

/** `tg-get report`: reads the registry and the join log, needs neither token nor group. Returns the report's exit code. */
export async function reportCommand(options: ReportCliOptions, env: Env, io: Io, deps: MainDeps): Promise<number> {
  const config = await loadConfig(env, options, { token: false, chat: false }, io.cwd);
  const { runReport } = await reportModule();
  const scope = parseReportScope(options, config.zone);
  const reportRun = { now: deps.now?.() ?? new Date(), cwd: io.cwd, ...scope, ...(options.csv ? { csv: options.csv } : {}), ...(options.html ? { html: options.html } : {}), ...(options.dailyCsv ? { dailyCsv: options.dailyCsv } : {}) };
  const result = await runReport(config, reportRun, loggerFor(config, io, env), io.out);
  return result.exitCode;
}

/** `tg-get members`: checks the ledger's people with getChatMember (a dry run too: it only reads) and records who left or came back. */
export async function membersCommand(options: MembersCliOptions, env: Env, io: Io, deps: MainDeps, known: Secrets): Promise<RunResult> {
  const membersOptions = await attempt(() => parseMembersOptions(options));
  const loaded = await attempt(() => loadConfig(env, options, { token: true, chat: false }, io.cwd));
  if (!membersOptions.ok || !loaded.ok) throw new ConfigError([membersOptions, loaded].flatMap((r) => (r.ok ? [] : r.problems)));
  const config = loaded.value;
  known.secrets.push(...secretsOf(config));
  const log = loggerFor(config, io, env);
  const signal = deps.signal;
  const dryRun = options.dryRun === true;
  const ctx = createContext({
    config,
    paths: pathsOf(resolveDirs(options, io.cwd)),
    log,
    dryRun,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
    stopping: () => signal?.aborted === true,
    sleep: (ms) => abortableSleep(ms, signal),
  });
  if (dryRun) log.info('dry run: Telegram is only asked, and the join log is not changed');
  const { checkMembers } = await membersStep();
  return checkMembers(ctx, membersOptions.value);
}
