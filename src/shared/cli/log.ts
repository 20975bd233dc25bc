/**
 * One line per action on stdout (journald adds the time under systemd; we add it for cron logs too).
 * Every line passes through `redact`, so a secret registered with `addSecret` never reaches output.
 */

export type Level = 'quiet' | 'normal' | 'verbose';

export interface Logger {
  /** A step the admin wants to see (a link made, a post sent, a decision). Hidden by --quiet. */
  info(message: string): void;
  /** Detail for debugging. Shown only with --verbose. */
  debug(message: string): void;
  /** Something the admin should fix or know; always shown, on stderr. */
  warn(message: string): void;
  /** A failure; always shown, on stderr. */
  error(message: string): void;
}

export interface LoggerOptions {
  level?: Level;
  /** Strings that must never be printed (the bot token). */
  secrets?: readonly string[];
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Prefix lines with an ISO timestamp; default true. */
  timestamps?: boolean;
  now?: () => Date;
}

/**
 * Replaces each secret in `text` by `<redacted>`. A bot token is also caught in its URL form
 * `/bot<token>/`, with any token shape, so a token we were never told about does not leak either.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot<redacted>');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('<redacted>');
  }
  return out;
}

/** Builds a logger. Defaults: level normal, stdout/stderr, timestamps on. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'normal';
  const secrets = options.secrets ?? [];
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timestamps = options.timestamps ?? true;
  const now = options.now ?? (() => new Date());
  const format = (tag: string, message: string): string => {
    const text = redact(message, secrets);
    const prefix = timestamps ? `${now().toISOString()} ` : '';
    return `${prefix}${tag}${text}`;
  };
  return {
    info: (m) => { if (level !== 'quiet') out(format('', m)); },
    debug: (m) => { if (level === 'verbose') out(format('debug: ', m)); },
    warn: (m) => err(format('warning: ', m)),
    error: (m) => err(format('error: ', m)),
  };
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = { info() {}, debug() {}, warn() {}, error() {} };
