/**
 * tg-get: the one-shot job cron runs every minute. With no sub-command it makes the missing invite
 * links, draws their QR codes and sends the posts that are due; `links`, `qr` and `posts` do one part.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { addCommonOptions, EXIT_CONFIG, EXIT_OK, EXIT_ROWS_FAILED, loadConfig, loggerFor, packageVersion, processIo, readRawSettings, reportFailure, type Io, type RawSettings } from '../shared/cli/cli.js';
import type { CommonOptions, Config } from '../shared/config/schema.js';
import { parseDuration } from '../shared/dates.js';
import { ConfigError, DataFileError, DataFileMissingError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/cli/log.js';
import type { RetryPolicy } from '../shared/telegram/client.js';
import { createContext, reportProblems, type StepContext, type Tally } from './context.js';
import { INVITE_FILE, SCHEDULE_FILE } from '../shared/files/names.js';
import { canSkip, readState, sameFingerprints, takeFingerprints, writeState, type Fingerprints } from './idle-state.js';

type Step = 'links' | 'qr' | 'posts';

interface GetOptions extends CommonOptions {
  dryRun?: boolean;
  expireDays?: string;
  maxLate?: string;
  retryUncertain?: boolean;
  sendsPerMinute?: string;
}

/** What main takes from outside besides argv and the environment; tests replace any of it. */
export interface MainDeps {
  io?: Io;
  now?: () => Date;
  /** Aborted on SIGINT/SIGTERM: finish the current row, then stop. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  lockWaitMs?: number;
}

interface ReportCliOptions extends CommonOptions {
  csv?: string;
  html?: string;
}

function buildProgram(io: Io, choose: (steps: Step[], options: GetOptions) => void, chooseReport: (options: ReportCliOptions) => void): Command {
  const program = new Command('tg-get')
    .description('Makes invite links and their QR codes, and sends the scheduled posts, each exactly once. Run it from cron every minute.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run tg-get --help for the options)');
  addCommonOptions(program)
    .option('-n, --dry-run', 'print what would be done; call no Telegram method and change no file')
    .option('--expire-days <n>', 'new links expire after N days (a row\'s own dt_expire wins)')
    .option('--max-late <duration>', 'mark posts overdue by more than this (e.g. 30m, 2h, 1d) missed instead of sending them')
    .option('--sends-per-minute <n>', 'most messages sent to the group in any rolling minute (Telegram allows about 20)', '20');
  program.action(() => choose(['links', 'qr', 'posts'], program.opts()));
  program
    .command('links')
    .description('make the missing invite links, and their QR codes')
    .action(() => choose(['links', 'qr'], program.opts()));
  program
    .command('qr')
    .description('draw the missing or outdated QR codes only (needs no token)')
    .action(() => choose(['qr'], program.opts()));
  program
    .command('posts')
    .description('send the posts that are due')
    .option('--retry-uncertain', 'send again the posts marked uncertain (a send that got no answer)')
    .action((options: { retryUncertain?: boolean }) => choose(['posts'], { ...program.opts(), ...options }));
  program
    .command('report')
    .description('who came through which link: a table here, an HTML page with charts (default ./report.html beside LINKS/), and CSV on request (needs no token)')
    .option('--csv <file>', 'also write the table as CSV to this file')
    .option('--html <file>', 'write the HTML page here instead')
    .action((options: { csv?: string; html?: string }) => chooseReport({ ...program.opts(), ...options }));
  return program;
}

interface StepOptions {
  expireDays: number | null;
  maxLateMs: number | null;
  sendsPerMinute: number;
}

/** Reads tg-get's own options; every problem at once, as `--option: message`. */
function parseStepOptions(options: GetOptions): StepOptions {
  const problems: string[] = [];
  let expireDays: number | null = null;
  if (options.expireDays !== undefined) {
    expireDays = Number(options.expireDays);
    if (!/^\d+$/.test(options.expireDays.trim()) || expireDays < 1 || expireDays > 36_500) problems.push(`--expire-days: "${options.expireDays}" must be a whole number of days, 1 or more`);
  }
  let maxLateMs: number | null = null;
  if (options.maxLate !== undefined) {
    maxLateMs = parseDuration(options.maxLate);
    if (maxLateMs === null) problems.push(`--max-late: "${options.maxLate}" is not a duration; write e.g. 90s, 30m, 2h or 1d`);
  }
  const sendsPerMinute = Number(options.sendsPerMinute ?? '20');
  if (!Number.isInteger(sendsPerMinute) || sendsPerMinute < 1) problems.push(`--sends-per-minute: "${options.sendsPerMinute}" must be a whole number, 1 or more`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { expireDays, maxLateMs, sendsPerMinute };
}

type Attempt<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** Runs a step; a data file that is missing or unreadable fails that step only. */
async function guarded<T>(ctx: StepContext, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof DataFileMissingError || error instanceof DataFileError)) throw error;
    ctx.log.error(error.message);
    ctx.failRow(error instanceof DataFileError ? error.position.file : error.file, 0);
    return undefined;
  }
}

/**
 * Runs the chosen steps. Returns when the next post falls due (ms, null for none) when the posts
 * step found nothing to do; undefined otherwise. The steps' code (and the parsers it needs) is loaded
 * only here, so a run that skips them starts fast.
 */
async function runSteps(ctx: StepContext, steps: readonly Step[], options: StepOptions & { retryUncertain: boolean }): Promise<number | null | undefined> {
  if (steps.includes('links') || steps.includes('qr')) {
    const { loadRegistry, makeLinks } = await import('./links.js');
    const { writeQrCodes } = await import('./qr.js');
    await guarded(ctx, async () => {
      const registry = steps.includes('links') ? await makeLinks(ctx, options) : await loadRegistry(ctx);
      if (registry === null) return;
      if (!steps.includes('links')) reportProblems(ctx, registry.problems);
      if (steps.includes('qr')) await writeQrCodes(ctx, registry);
    });
  }
  if (steps.includes('posts') && !ctx.stopping()) {
    const { sendPosts } = await import('./posts.js');
    return guarded(ctx, () => sendPosts(ctx, { maxLateMs: options.maxLateMs, retryUncertain: options.retryUncertain, sendsPerMinute: options.sendsPerMinute }));
  }
  return undefined;
}

/**
 * Everything besides the files that a run's decisions depend on, as they were given: the arguments,
 * the folder, the settings from the environment, .env and --token-file, and this version of tg-get.
 * A hash, so the token is not in the file.
 */
function settingsKey(argv: readonly string[], cwd: string, raw: RawSettings): string {
  const { BOT_TOKEN, CHAT_ID, TELEGRAM_API_ROOT, TZ } = raw.env;
  const inputs = [packageVersion(), argv, cwd, BOT_TOKEN, CHAT_ID, TELEGRAM_API_ROOT, TZ, raw.dotEnv, raw.tokenFromFile ?? null];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

function fingerprintsOf(dataDir: string, linksDir: string): Fingerprints {
  return takeFingerprints(path.join(dataDir, INVITE_FILE), path.join(dataDir, SCHEDULE_FILE), linksDir);
}

const nothingDone = (tally: Tally): boolean => tally.linksMade + tally.qrWritten + tally.postsSent + tally.rowsFailed === 0;

function summary(tally: Tally, dryRun: boolean, stopped: boolean): string {
  const counts = `${tally.linksMade} links ${dryRun ? 'to make' : 'made'}, ${tally.qrWritten} QR codes ${dryRun ? 'to write' : 'written'}, ${tally.postsSent} posts ${dryRun ? 'to send' : 'sent'}, ${tally.rowsFailed} rows failed`;
  return `${dryRun ? 'dry run: ' : ''}${counts}${stopped ? ' (stopped early by a signal)' : ''}`;
}

/**
 * Runs tg-get with `argv` (the arguments after the program name) and `env`. Returns the exit code:
 * 0 every row done, 1 a row failed, 2 the configuration is wrong. Prints through `deps.io`.
 */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo();
  let chosen: { steps: Step[]; options: GetOptions } | null = null;
  let reportOptions: ReportCliOptions | null = null;
  const program = buildProgram(
    io,
    (steps, options) => {
      chosen = { steps, options };
    },
    (options) => {
      reportOptions = options;
    },
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_CONFIG;
    throw error;
  }
  if (reportOptions !== null) return report(reportOptions, env, io, deps);
  if (chosen === null) return EXIT_OK;
  const { steps, options } = chosen as { steps: Step[]; options: GetOptions };
  const dryRun = options.dryRun === true;
  let config: Config | null = null;
  try {
    const sends = steps.includes('links') || steps.includes('posts');
    const stepOptions = attempt(() => parseStepOptions(options));
    const raw = readRawSettings(env, options, io.cwd);
    // The every-minute run: skipped, before even the configuration schema is loaded, when neither the
    // settings nor the files changed since a full run that had nothing to do.
    const everyMinute = steps.length === 3 && !dryRun && options.retryUncertain !== true && stepOptions.ok;
    const settings = settingsKey(argv, io.cwd, raw);
    const dataDir = path.resolve(io.cwd, options.dataDir ?? 'data');
    const before = everyMinute ? fingerprintsOf(dataDir, path.resolve(io.cwd, options.linksDir ?? 'LINKS')) : null;
    if (before !== null && canSkip(readState(dataDir), before, settings, deps.now?.() ?? new Date())) {
      const log = createLogger({ level: options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal', out: io.out, err: io.err, env, zone: options.tz });
      log.info('nothing changed since the last run that had nothing to do, and no post is due yet');
      log.info(summary({ linksMade: 0, qrWritten: 0, postsSent: 0, rowsFailed: 0 }, false, false));
      return EXIT_OK;
    }
    // Both are checked before either is reported, so one run names every problem.
    let loaded: Attempt<Config>;
    try {
      loaded = { ok: true, value: await loadConfig(env, options, { token: sends && !dryRun, chat: steps.includes('posts') }, io.cwd, raw) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      loaded = { ok: false, problems: error.problems };
    }
    const problems = [stepOptions, loaded].flatMap((r) => (r.ok ? [] : r.problems));
    if (!stepOptions.ok || !loaded.ok) throw new ConfigError(problems);
    config = loaded.value;
    const log: Logger = loggerFor(config, io, env);
    const signal = deps.signal;
    const ctx = createContext({
      config,
      log,
      dryRun,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
      stopping: () => signal?.aborted === true,
      sleep: (ms) =>
        new Promise((resolve) => {
          if (signal?.aborted) return resolve();
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
          }
          signal?.addEventListener('abort', done, { once: true });
        }),
    });
    if (dryRun) log.info('dry run: nothing is sent to Telegram and no file is changed');
    const nextDueMs = await runSteps(ctx, steps, { ...stepOptions.value, retryUncertain: options.retryUncertain === true });
    const stopped = ctx.stopping();
    if (before !== null && nextDueMs !== undefined && !stopped && nothingDone(ctx.tally) && sameFingerprints(before, fingerprintsOf(config.dataDir, config.linksDir))) {
      await writeState(config.dataDir, { settings, files: before, nextDueMs }).catch((error: unknown) => log.debug(`idle state not written: ${(error as Error).message}`));
    }
    log.info(summary(ctx.tally, dryRun, stopped));
    return ctx.tally.rowsFailed > 0 || stopped ? EXIT_ROWS_FAILED : EXIT_OK;
  } catch (error) {
    return reportFailure(error, io, config?.token ? [config.token] : []);
  }
}

/** `tg-get report`: reads the registry and the join log, needs neither token nor group. */
async function report(options: ReportCliOptions, env: Readonly<Record<string, string | undefined>>, io: Io, deps: MainDeps): Promise<number> {
  try {
    const config = await loadConfig(env, options, { token: false, chat: false }, io.cwd);
    const { runReport } = await import('./report/report.js');
    const reportRun = { now: deps.now?.() ?? new Date(), cwd: io.cwd, ...(options.csv ? { csv: options.csv } : {}), ...(options.html ? { html: options.html } : {}) };
    const result = await runReport(config, reportRun, loggerFor(config, io, env), io.out);
    return result.exitCode;
  } catch (error) {
    return reportFailure(error, io, []);
  }
}

/** The bin's entry: runs main on this process, and turns SIGINT/SIGTERM into a stop after the current row. */
export async function run(): Promise<void> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    process.stderr.write(`${signal}: finishing the current row, then stopping (send it again to stop at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    process.exitCode = await main(process.argv.slice(2), process.env, { signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
