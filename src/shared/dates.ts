/**
 * Dates in the data files. Wall-clock times (no offset written) are read in one IANA zone, strictly:
 * "2025.02.30 10:00" is an error, never March 2nd.
 */
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(customParseFormat);
dayjs.extend(utc);
dayjs.extend(timezone);

/** The formats a wall-clock cell may use: the legacy dotted one, the dashed one we write, ISO without offset. */
const WALL_FORMATS = [
  'YYYY-MM-DD HH:mm:ss',
  'YYYY-MM-DD HH:mm',
  'YYYY.MM.DD HH:mm:ss',
  'YYYY.MM.DD HH:mm',
  'YYYY-MM-DDTHH:mm:ss',
  'YYYY-MM-DDTHH:mm',
  'YYYY-MM-DD',
  'YYYY.MM.DD',
] as const;

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/;

/** What `formatDateTime` writes and the error messages suggest. */
export const WRITE_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** The hint appended to "is not a date" messages. */
export const DATE_HINT = 'use YYYY-MM-DD HH:mm (or YYYY.MM.DD HH:mm, or ISO 8601)';

/** True when `zone` is an IANA zone name this Node knows (e.g. "Europe/Berlin", "UTC"). */
export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The machine's own zone, used when neither TZ nor --tz names one. */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Parses a date cell. Returns null when the text is not one of the accepted forms or names a day
 * that does not exist. Times without an offset are wall-clock times in `zone`.
 */
export function parseDateTime(text: string, zone: string): Date | null {
  const s = text.trim();
  if (s === '') return null;
  const iso = ISO_WITH_OFFSET.exec(s);
  if (iso) {
    if (!dayjs(iso[1], 'YYYY-MM-DD', true).isValid()) return null;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  for (const format of WALL_FORMATS) {
    const wall = dayjs(s, format, true);
    if (wall.isValid()) {
      return dayjs.tz(wall.format('YYYY-MM-DD HH:mm:ss'), zone).toDate();
    }
  }
  return null;
}

/** Writes a moment as a wall-clock time in `zone`, `YYYY-MM-DD HH:mm:ss`. */
export function formatDateTime(date: Date, zone: string): string {
  return dayjs(date).tz(zone).format(WRITE_FORMAT);
}

/** Unix seconds (Telegram's `date` fields). */
export function toUnixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?$/i;
const UNIT_MS: Record<string, number> = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses "90s", "15m", "2h", "1d", "1w" (a bare number is minutes) into milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'm').toLowerCase();
  const factor = UNIT_MS[unit];
  return factor === undefined ? null : Math.round(Number(m[1]) * factor);
}
