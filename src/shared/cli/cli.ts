/**
 * What both command lines share: the common options, the outside world a `main` is handed, and its
 * logger. Exit codes and failure messages are exit.ts's; reading the configuration is config/load.ts's.
 * Only this module and the programs' `main` touch process-wide things, and only when called.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/schema.js';
import { DEFAULT_DIRS } from '../config/paths.js';
import { writeLine } from './line-out.js';
import { createLogger, type Logger } from './log.js';

/** The version printed by --version, from package.json. */
export function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Adds the options both programs take. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'folder of the data files', DEFAULT_DIRS.dataDir)
    .option('--assets-dir <dir>', 'folder of the pictures for posts', DEFAULT_DIRS.assetsDir)
    .option('--links-dir <dir>', 'folder the QR code PNGs are written to', DEFAULT_DIRS.linksDir)
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

/** The Io of this process: its working directory, stdout and stderr (written once per turn of the event loop, see line-out.ts). */
export const processIo = (): Io => ({
  cwd: process.cwd(),
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
});

/** The log level the options ask for, known before the configuration is checked. */
export function logLevelOf(options: { quiet?: boolean | undefined; verbose?: boolean | undefined }): Config['logLevel'] {
  return options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal';
}

/** What must never be printed: the token and the webhook secret, when set. */
export function secretsOf(config: Pick<Config, 'token' | 'webhook'> | null): string[] {
  if (config === null) return [];
  return [config.token, config.webhook?.secret ?? ''].filter((secret) => secret !== '');
}

/** The logger a program uses once its configuration is known; it never prints secretsOf(config). */
export function loggerFor(config: Pick<Config, 'token' | 'webhook' | 'logLevel' | 'zone'>, io: Io, env?: Readonly<Record<string, string | undefined>>): Logger {
  return createLogger({ level: config.logLevel, secrets: secretsOf(config), out: io.out, err: io.err, env, zone: config.zone });
}
