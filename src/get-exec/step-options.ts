/**
 * tg-get's own options, as commander hands them over, and read into numbers: every problem at once,
 * as `--option: message`.
 */
import type { CommonOptions } from '../shared/config/schema.js';
import { DATE_HINT, parseDateTime, parseDuration } from '../shared/dates.js';
import { ConfigError } from '../shared/errors.js';
import { quote } from '../shared/quote.js';

/**
 * --max-late when none is given: a post more than a day overdue (a months-old sample row, a schedule
 * copied from last year) is marked missed rather than sent to the group out of the blue.
 */
export const DEFAULT_MAX_LATE = '1d';

/** What `tg-get`, `links`, `qr` and `posts` take (commander's camelCase names). */
export interface GetOptions extends CommonOptions {
  dryRun?: boolean;
  expireDays?: string;
  maxLate?: string;
  retryUncertain?: boolean;
  sendsPerMinute?: string;
  /** `tg-get qr --sheet FILE`. */
  sheet?: string;
}

/** What `tg-get members` takes. */
export interface MembersCliOptions extends GetOptions {
  checksPerSecond?: string;
}

/** Reads `tg-get members`' own option. Pure. Throws ConfigError. */
export function parseMembersOptions(options: MembersCliOptions): { checksPerSecond: number } {
  const checksPerSecond = Number(options.checksPerSecond ?? '20');
  if (!Number.isFinite(checksPerSecond) || checksPerSecond <= 0 || checksPerSecond > 1000) {
    throw new ConfigError([`--checks-per-second: "${options.checksPerSecond}" must be a number above 0 (Telegram allows about 30 calls a second)`]);
  }
  return { checksPerSecond };
}

/** What `tg-get report` takes. */
export interface ReportCliOptions extends CommonOptions {
  csv?: string;
  html?: string;
  dailyCsv?: string;
  since?: string;
  until?: string;
  chat?: string;
}

/** What `tg-get report` counts: the window of events and the group. */
export interface ReportScopeOptions {
  since?: Date;
  until?: Date;
  chat?: string;
}

/**
 * Reads --since, --until (dates or date-times in `zone`; a date alone is its midnight) and --chat.
 * Throws ConfigError naming every bad option at once.
 */
export function parseReportScope(options: Pick<ReportCliOptions, 'since' | 'until' | 'chat'>, zone: string): ReportScopeOptions {
  const problems: string[] = [];
  const when = (name: string, text: string | undefined): Date | undefined => {
    if (text === undefined) return undefined;
    const date = parseDateTime(text, zone);
    if (date === null) problems.push(`--${name}: ${quote(text)} is not a date; ${DATE_HINT}, e.g. 2026-01-31`);
    return date ?? undefined;
  };
  const since = when('since', options.since);
  const until = when('until', options.until);
  if (since !== undefined && until !== undefined && until <= since) problems.push(`--until: ${quote(options.until ?? '')} is not after --since ${quote(options.since ?? '')}; the report would count nothing`);
  const chat = options.chat?.trim();
  if (chat !== undefined && !/^(-?\d{1,20}|@\w{4,})$/.test(chat)) problems.push(`--chat: ${quote(options.chat ?? '')} is not a group id; give the group's numeric id (e.g. -1001234567890) as in the registry's chat_id column`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(since ? { since } : {}), ...(until ? { until } : {}), ...(chat !== undefined ? { chat } : {}) };
}

/** What `tg-get pending [approve|decline USER_ID]` takes. */
export interface PendingCliOptions extends CommonOptions {
  chat?: string;
}

export interface StepOptions {
  expireDays: number | null;
  maxLateMs: number | null;
  sendsPerMinute: number;
  retryUncertain: boolean;
  /** Where `tg-get qr --sheet` writes the page of all codes, as given; null for no page. */
  sheet: string | null;
}

/** Reads tg-get's own options. Pure. Throws ConfigError listing every problem. */
export function parseStepOptions(options: GetOptions): StepOptions {
  const problems: string[] = [];
  let expireDays: number | null = null;
  if (options.expireDays !== undefined) {
    expireDays = Number(options.expireDays);
    if (!/^\d+$/.test(options.expireDays.trim()) || expireDays < 1 || expireDays > 36_500) problems.push(`--expire-days: ${quote(options.expireDays)} must be a whole number of days, 1 or more`);
  }
  let maxLateMs: number | null = null;
  const maxLate = options.maxLate ?? DEFAULT_MAX_LATE;
  if (maxLate.trim().toLowerCase() !== 'off') {
    maxLateMs = parseDuration(maxLate);
    if (maxLateMs === null) problems.push(`--max-late: ${quote(maxLate)} is not a duration; write e.g. 90s, 30m, 2h or 1d, or "off" to send posts however late`);
  }
  const sendsPerMinute = Number(options.sendsPerMinute ?? '20');
  if (!Number.isInteger(sendsPerMinute) || sendsPerMinute < 1) problems.push(`--sends-per-minute: ${quote(String(options.sendsPerMinute))} must be a whole number, 1 or more`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { expireDays, maxLateMs, sendsPerMinute, retryUncertain: options.retryUncertain === true, sheet: options.sheet ?? null };
}
