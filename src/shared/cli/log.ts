/**
 * One line per action: info and debug on stdout, warnings and errors on stderr. Two layouts:
 * - for the journal (systemd): no time of our own (journald stamps each entry) and a `<N>` syslog
 *   priority in front of every line, which journald turns into the entry's priority, so
 *   `journalctl -p warning` shows only warnings and errors;
 * - for a terminal or a cron log: the local time in the configured zone, written like the times in
 *   the data files (`2026-01-05 10:00:00`), so a log line and a data row can be matched by eye.
 * Every line passes through `redact`, so a secret registered in `secrets` never reaches output.
 */
import { fstatSync } from 'node:fs';

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
  /**
   * The program's environment. With `JOURNAL_STREAM` naming this process's stdout or stderr (see
   * `writesToJournal`), lines take the journal layout.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Journal layout (`<N>` priority, no time) or not; default: what `env` says. */
  journal?: boolean;
  /** IANA zone of the times in terminal lines; default the system's (TZ). */
  zone?: string;
  /** Terminal layout only: prefix lines with the local time; default true. */
  timestamps?: boolean;
  now?: () => Date;
}

/** Syslog priorities (RFC 5424) journald reads from a `<N>` line prefix. */
const PRIORITY = { error: 3, warning: 4, info: 6, debug: 7 } as const;

/** A bot token's colon, as typed or URL-encoded (`%3A`, `%3a`, and `%253A` once more encoded). */
const COLON = String.raw`(?::|%3A|%253A)`;
/** A token in a URL, `/bot<id>:<secret>`, whatever the secret's length. */
const TOKEN_IN_URL = new RegExp(String.raw`/bot\d+${COLON}[A-Za-z0-9_-]+`, 'gi');
/** A token anywhere: digits, a colon, 20 or more of the secret's alphabet (as config/schema.ts checks BOT_TOKEN). */
const TOKEN_ANYWHERE = new RegExp(String.raw`\d{3,20}${COLON}[A-Za-z0-9_-]{20,}`, 'gi');

/**
 * What every token pattern above holds: a digit, then the colon as typed or URL-encoded. Most lines
 * have none, and this one pass spares them the two patterns, whose `\d{3,20}` tries each run of
 * digits (a user id in every join request's line) at each of its digits.
 */
const DIGIT_COLON = new RegExp(String.raw`\d${COLON}`, 'i');

/** True when `text` holds something shaped like a bot token, as typed or URL-encoded. */
export function looksLikeToken(text: string): boolean {
  TOKEN_ANYWHERE.lastIndex = 0;
  return TOKEN_ANYWHERE.test(text);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The forms of a secret that must not be printed: as typed, URL-encoded (any case of the escapes),
 * and for a bot token its secret half alone (the part after the colon), which is the key itself.
 * Forms shorter than 4 characters are left out: they would redact ordinary words.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret))]);
  const half = /^\d+:(.+)$/.exec(secret)?.[1];
  if (half !== undefined && half.length >= 8) forms.add(half);
  return [...forms].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
}

/**
 * Replaces each secret in `text` by `<redacted>`, in each of its forms (see `secretForms`). A bot
 * token is also caught by its shape, in its URL form `/bot<token>/` and anywhere as digits, a colon
 * (or `%3A`) and 20 or more secret characters, so a token we were never told about (pasted into
 * the wrong setting, or the token of another bot) does not leak either.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  return redactorFor(secrets)(text);
}

/**
 * `redact` with `secrets` fixed: their forms and patterns are made once, not for every line (a
 * logger redacts each line it prints; tg-handler prints one per join request).
 */
export function redactorFor(secrets: readonly string[]): (text: string) => string {
  const steps: Array<(text: string) => string> = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      if (/%[0-9A-F]{2}/i.test(form)) {
        const pattern = new RegExp(escapeRegExp(form), 'gi');
        // Only a text with a % can hold it: most lines are passed without a scan.
        steps.push((text) => (text.includes('%') ? text.replace(pattern, '<redacted>') : text));
      } else {
        steps.push((text) => (text.includes(form) ? text.split(form).join('<redacted>') : text));
      }
    }
  }
  return (text) => {
    let out = DIGIT_COLON.test(text) ? text.replace(TOKEN_IN_URL, '/bot<redacted>').replace(TOKEN_ANYWHERE, '<redacted>') : text;
    for (const step of steps) out = step(out);
    return out;
  };
}

/**
 * True when systemd connected this process's stdout or stderr to the journal: it sets
 * `JOURNAL_STREAM` to that stream's `device:inode`. Comparing them (as sd_journal_stream_fd(3)
 * advises) keeps a program that merely inherited the variable, with its output sent elsewhere
 * (`tg-get > file` from a service's shell), on the terminal layout.
 */
export function writesToJournal(env: Readonly<Record<string, string | undefined>>, fds: readonly number[] = [1, 2]): boolean {
  const stream = env.JOURNAL_STREAM;
  if (stream === undefined || stream === '') return false;
  return fds.some((fd) => {
    try {
      const stat = fstatSync(fd, { bigint: true });
      return stream === `${stat.dev}:${stat.ino}`;
    } catch {
      return false;
    }
  });
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD HH:mm:ss` of `date` in the process's own zone (TZ), from the Date's local fields. */
const processClock = (date: Date): string =>
  `${String(date.getFullYear()).padStart(4, '0')}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;

/** `YYYY-MM-DD HH:mm:ss` of `date` in `zone` through Intl (the system's zone when `zone` is unknown). */
function zoneClock(zone: string | undefined): (date: Date) => string {
  const fields = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } as const;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { ...fields, timeZone: zone });
  } catch {
    // A bad zone is reported by the configuration check; a log line must still be written.
    format = new Intl.DateTimeFormat('en-US', fields);
  }
  return (date) => {
    const part: Record<string, string> = {};
    for (const { type, value } of format.formatToParts(date)) part[type] = value;
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
  };
}

/**
 * `YYYY-MM-DD HH:mm:ss` in `zone` (the system's when undefined or unknown). When `zone` is the
 * process's own (TZ, as the settings usually give it), the Date's local fields say the same without
 * an Intl formatter, whose first use costs a one-shot run about 12 ms and tg-handler about 6 MB of
 * RSS (ICU's data, BENCHMARKS.md); otherwise the formatter is made when the first line is written.
 */
function localClock(zone: string | undefined): (date: Date) => string {
  let clock: ((date: Date) => string) | undefined = zone === undefined || zone === process.env.TZ ? processClock : undefined;
  // Lines come in bursts (one per join request): the text of a second is made once.
  let second = Number.NaN;
  let text = '';
  return (date) => {
    const at = Math.floor(date.getTime() / 1000);
    if (at === second) return text;
    clock ??= zoneClock(zone);
    second = at;
    text = clock(date);
    return text;
  };
}

/** Every secret any logger of this process was given, for the crash guard (cli/crash.ts). */
const remembered = new Set<string>();

/** The secrets the loggers of this process were told about, to redact a crash no logger saw. */
export function rememberedSecrets(): string[] {
  return [...remembered];
}

/** Builds a logger. Defaults: level normal, stdout/stderr, the terminal layout with timestamps. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'normal';
  const secrets = options.secrets ?? [];
  for (const secret of secrets) remembered.add(secret);
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const journal = options.journal ?? (options.env !== undefined && writesToJournal(options.env));
  const timestamps = options.timestamps ?? true;
  const now = options.now ?? (() => new Date());
  const clock = journal || !timestamps ? null : localClock(options.zone);
  const redactSecrets = redactorFor(secrets);
  // journald takes each line as an entry of its own, so every line of a message gets the prefix.
  const format = (priority: keyof typeof PRIORITY, message: string): string => {
    const tag = priority === 'info' ? '' : `${priority}: `;
    const prefix = journal ? `<${PRIORITY[priority]}>` : clock === null ? '' : `${clock(now())} `;
    const text = redactSecrets(message);
    if (!text.includes('\n')) return `${prefix}${tag}${text}`;
    return text.split('\n').map((line, i) => `${prefix}${i === 0 ? tag : ''}${line}`).join('\n');
  };
  return {
    info: (m) => { if (level !== 'quiet') out(format('info', m)); },
    debug: (m) => { if (level === 'verbose') out(format('debug', m)); },
    warn: (m) => err(format('warning', m)),
    error: (m) => err(format('error', m)),
  };
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = { info() {}, debug() {}, warn() {}, error() {} };
