/**
 * What both command lines share: the common options, reading .env and --token-file, and turning
 * errors into one clear message and an exit code. Only this module and the programs' `main` touch
 * process-wide things, and only when called.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CommonOptions, Config, Needs } from '../config/schema.js';
import { ConfigError, DataFileError, DataFileMissingError, ExitError, LockBusyError, messageOf } from '../errors.js';
import { createLogger, redact, type Logger } from './log.js';
import { fatalHint } from '../telegram/errors.js';

/** Exit codes: every row fine, some row failed, the configuration is wrong. */
export const EXIT_OK = 0;
export const EXIT_ROWS_FAILED = 1;
export const EXIT_CONFIG = 2;

/** The version printed by --version, from package.json. */
export function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Adds the options both programs take. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'folder of the data files', 'data')
    .option('--assets-dir <dir>', 'folder of the pictures for posts', 'assets')
    .option('--links-dir <dir>', 'folder the QR code PNGs are written to', 'LINKS')
    .option('--token-file <path>', 'read the bot token from this file (e.g. a systemd credential) instead of BOT_TOKEN')
    .option('--tz <zone>', 'time zone of the times in the data files (default: TZ, else the system zone)')
    .option('-q, --quiet', 'print only warnings and errors')
    .option('-v, --verbose', 'print debugging detail');
}

/** What a program's main gets from the outside world. */
export interface Io {
  cwd: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIo = (): Io => ({
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});

/** What the configuration is made from, read but not yet checked: the environment, .env, --token-file. */
export interface RawSettings {
  env: Readonly<Record<string, string | undefined>>;
  /** The text of .env in the working directory, or null. */
  dotEnv: string | null;
  /** The token read from --token-file, when given. */
  tokenFromFile?: string;
}

/** Reads .env and --token-file. Throws ConfigError when --token-file cannot be read. */
export function readRawSettings(env: Readonly<Record<string, string | undefined>>, options: CommonOptions, cwd: string): RawSettings {
  let dotEnv: string | null = null;
  try {
    dotEnv = readFileSync(path.join(cwd, '.env'), 'utf8');
  } catch {
    dotEnv = null;
  }
  if (options.tokenFile === undefined) return { env, dotEnv };
  const file = path.resolve(cwd, options.tokenFile);
  try {
    return { env, dotEnv, tokenFromFile: readFileSync(file, 'utf8').trim() };
  } catch (error) {
    throw new ConfigError([`--token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)}); give the path of a file holding only the token`]);
  }
}

/**
 * Resolves the configuration: the environment, then a .env in the working directory for what is
 * unset, then --token-file for the token. Throws ConfigError. The schema (and zod with it) is loaded
 * here, on first use, so a run that never needs it starts faster.
 */
export async function loadConfig(env: Readonly<Record<string, string | undefined>>, options: CommonOptions, needs: Needs, cwd: string, raw?: RawSettings): Promise<Config> {
  const settings = raw ?? readRawSettings(env, options, cwd);
  const { mergeDotEnv, parseConfig } = await import('../config/schema.js');
  const merged = mergeDotEnv(settings.env, settings.dotEnv);
  if (settings.tokenFromFile !== undefined) merged.BOT_TOKEN = settings.tokenFromFile;
  return parseConfig(merged, options, needs, cwd);
}

/** The logger a program uses once its configuration is known. */
export function loggerFor(config: Pick<Config, 'token' | 'logLevel' | 'zone'>, io: Io, env?: Readonly<Record<string, string | undefined>>): Logger {
  return createLogger({ level: config.logLevel, secrets: config.token ? [config.token] : [], out: io.out, err: io.err, env, zone: config.zone });
}

/**
 * Turns what a command threw into a message and an exit code. Known errors get their own message
 * (never a stack trace); anything else is a bug and says so.
 */
export function reportFailure(error: unknown, io: Io, secrets: readonly string[]): number {
  const say = (line: string) => io.err(redact(line, secrets));
  if (error instanceof ConfigError) {
    for (const problem of error.problems) say(`error: ${problem}`);
    return EXIT_CONFIG;
  }
  if (error instanceof ExitError) {
    say(`error: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof DataFileMissingError || error instanceof DataFileError || error instanceof LockBusyError) {
    say(`error: ${error.message}`);
    return EXIT_ROWS_FAILED;
  }
  const hint = fatalHint(error);
  if (hint !== undefined) {
    say(`error: ${hint}`);
    return EXIT_CONFIG;
  }
  say(`error: unexpected failure: ${messageOf(error)}`);
  if (error instanceof Error && error.stack) say(error.stack);
  return EXIT_ROWS_FAILED;
}
