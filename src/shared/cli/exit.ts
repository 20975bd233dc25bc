/**
 * The one table from what a program threw to its exit code and message, for tg-get and tg-handler
 * alike. Only a program's `main` prints a failure and decides the code, through this module. The
 * README's "Exit codes" section is this table in words; keep the two together.
 *
 * The codes say whose move it is: 1, look at the messages, the next run (or a restart) may do
 * better; 2, an admin must fix something first, so systemd must not restart (RestartPreventExitStatus
 * in deploy/tg-handler.service); 70, a bug in our code (sysexits' EX_SOFTWARE), with its stack.
 */
import { BugError, ConfigError, DataFileError, DataFileMissingError, ExitError, InstanceBusyError, LockBusyError, messageOf } from '../errors.js';
import { fatalHint, isTelegramError, NetworkError, refusedMethod, type TelegramError } from '../telegram/errors.js';
import type { Io } from './cli.js';
import { redact } from './log.js';

/** Every row done (tg-get), or stopped when asked to (tg-handler). */
export const EXIT_OK = 0;
/** A row failed while the others went on, the network failed, another run held a file, or a signal stopped tg-get early. */
export const EXIT_FAILED = 1;
/** An admin must fix something first: a setting, a data file the program cannot work without, the token. */
export const EXIT_ADMIN = 2;
/** Another tg-handler already runs on the bot or data folder (sysexits' EX_TEMPFAIL: a restart later may start). */
export const EXIT_RUNNING = 75;
/** Our own code threw: a bug (EX_SOFTWARE). */
export const EXIT_BUG = 70;

/** The table in one line, for the end of `--help`. */
export const EXIT_HELP = 'Exit codes: 0 done; 1 a row, Telegram or the network failed (the next run may do better); 2 an admin must fix what the message names; 75 another tg-handler already runs; 70 a bug. See "Exit codes" in README.md.';

/** What `main` does with a failure: the code, the lines to print after `error: `, and a stack for a bug. */
export interface Verdict {
  code: number;
  lines: string[];
  stack?: string;
}

interface Rule {
  /** `Class, Class: when`, as the README's table names it. */
  what: string;
  matches: (error: unknown) => boolean;
  verdict: (error: unknown) => Verdict;
}

const one = (code: number, line: string): Verdict => ({ code, lines: [line] });

/** The table, first match wins; anything that matches no row is a bug. */
export const EXIT_TABLE: readonly Rule[] = [
  {
    what: 'ConfigError: a setting, an option, .env, --token-file, menu.json',
    matches: (e) => e instanceof ConfigError,
    verdict: (e) => ({ code: EXIT_ADMIN, lines: (e as ConfigError).problems }),
  },
  {
    what: 'DataFileError, DataFileMissingError: a data file the program cannot work without (missing, not UTF-8, a header without the columns)',
    matches: (e) => e instanceof DataFileError || e instanceof DataFileMissingError,
    verdict: (e) => one(EXIT_ADMIN, (e as Error).message),
  },
  {
    what: 'TelegramError: 401 (the token), 409 (another process polls), 404 to getMe (TELEGRAM_API_ROOT); NetworkError: the API host name does not exist (ENOTFOUND: TELEGRAM_API_ROOT)',
    matches: (e) => fatalHint(e) !== undefined,
    verdict: (e) => one(EXIT_ADMIN, fatalHint(e) ?? ''),
  },
  {
    what: 'TelegramError: any other refusal of a call',
    matches: isTelegramError,
    verdict: (e) => {
      const refusal = e as TelegramError;
      return one(EXIT_FAILED, `Telegram refused ${refusedMethod(refusal) ?? 'a call'} (${refusal.code}: ${refusal.description})`);
    },
  },
  {
    what: 'NetworkError: Telegram could not be reached (connection refused, network down), or did not answer',
    matches: (e) => e instanceof NetworkError,
    verdict: (e) => one(EXIT_FAILED, `${(e as Error).message}; check the network and TELEGRAM_API_ROOT, then start again`),
  },
  {
    what: 'LockBusyError: another tg-get or tg-handler held a data file too long',
    matches: (e) => e instanceof LockBusyError,
    verdict: (e) => one(EXIT_FAILED, (e as Error).message),
  },
  {
    what: 'InstanceBusyError: another tg-handler already runs on this bot or data folder',
    matches: (e) => e instanceof InstanceBusyError,
    verdict: (e) => one(EXIT_RUNNING, (e as Error).message),
  },
  {
    what: 'ExitError: a command ends with the code it carries (tg-get report cannot write its page: 1)',
    matches: (e) => e instanceof ExitError,
    verdict: (e) => one((e as ExitError).exitCode, (e as Error).message),
  },
];

function bug(error: unknown): Verdict {
  const cause = error instanceof BugError ? error.cause : error;
  const stack = cause instanceof Error && cause.stack ? cause.stack : undefined;
  return { code: EXIT_BUG, lines: [`bug: ${messageOf(error)} (please report it, with the lines below)`], ...(stack === undefined ? {} : { stack }) };
}

/** The code and message for anything thrown. A BugError, or anything the table does not name, is a bug. */
export function verdictOf(error: unknown): Verdict {
  if (error instanceof BugError) return bug(error);
  const rule = EXIT_TABLE.find((r) => r.matches(error));
  return rule === undefined ? bug(error) : rule.verdict(error);
}

/** True when `error` is our own bug rather than a failure the table names. */
export function isBug(error: unknown): boolean {
  return verdictOf(error).code === EXIT_BUG;
}

/** The most serious of several exit codes (a bug over an admin's fix over a failed row over success). */
export function worstCode(...codes: number[]): number {
  return Math.max(EXIT_OK, ...codes);
}

/**
 * Prints a failure as `error: ...` lines on stderr (a bug's stack once, after them), with `secrets`
 * and any `/bot<token>/` redacted, and returns its exit code.
 */
export function reportFailure(error: unknown, io: Pick<Io, 'err'>, secrets: readonly string[]): number {
  const verdict = verdictOf(error);
  for (const line of verdict.lines) io.err(redact(`error: ${line}`, secrets));
  if (verdict.stack !== undefined) io.err(redact(verdict.stack, secrets));
  return verdict.code;
}

/** What a run that goes on past failures (tg-get) ends with. */
export interface RunResult {
  /** Rows that could not be done while the others went on. */
  rowsFailed: number;
  /** A signal asked the run to stop before it was done. */
  stopped: boolean;
  /** What ended a step without ending the run (a data file it could not use). */
  unusable: readonly unknown[];
}

/** The exit code of such a run: the worst of "a row failed or it was stopped" (1) and each unusable thing's code in the table. */
export function runCode(run: RunResult): number {
  return worstCode(run.rowsFailed > 0 || run.stopped ? EXIT_FAILED : EXIT_OK, ...run.unusable.map((error) => verdictOf(error).code));
}
