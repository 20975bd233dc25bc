/**
 * Dates in the data files. Wall-clock times (no offset written) are read in one IANA zone, strictly:
 * "2025.02.30 10:00" is an error, never March 2nd.
 */
import { DAY_MS, zoneOffsetMs } from './zone.js';

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/;

/** The hint appended to "is not a date" messages. */
export const DATE_HINT = 'use YYYY-MM-DD HH:mm (or YYYY.MM.DD HH:mm, or ISO 8601)';

export { isValidZone, systemZone } from './zone.js';

const WALL = /^(\d{4})([-.])(\d{2})\2(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/**
 * True when the ISO form's date part names a day, as dayjs's strict `YYYY-MM-DD` read says (a year
 * before 100 is refused: dayjs reads it as 19xx); written out because dayjs and its parse plugin
 * cost tg-handler 1.9 MB at start for this one check (tests/shared/dates.test.ts holds them equal).
 */
function isDayOf(year: number, month: number, day: number): boolean {
  return year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}


/**
 * The moment a wall-clock time in `zone` names. In a gap (clocks jump forward) it lands after the
 * gap; in an overlap (clocks go back) on the earlier of the two moments, as dayjs and Temporal do.
 */
function fromWallClock(wallAsUtc: number, zone: string): number {
  // Gaps and overlaps start and end on a quarter hour, so every wall time of one quarter gets the same
  // offset: the cells of a file mostly share the row before's quarter, and skip the three lookups.
  const quarter = Math.floor(wallAsUtc / 900_000);
  if (quarter === lastWallQuarter && zone === lastWallZone) return wallAsUtc - lastWallOffset;
  const moment = wallClockUncached(wallAsUtc, zone);
  lastWallQuarter = quarter;
  lastWallZone = zone;
  lastWallOffset = wallAsUtc - moment;
  return moment;
}

let lastWallZone = '';
let lastWallQuarter = Number.NaN;
let lastWallOffset = 0;

function wallClockUncached(wallAsUtc: number, zone: string): number {
  let guess = wallAsUtc - zoneOffsetMs(zone, wallAsUtc);
  const second = wallAsUtc - zoneOffsetMs(zone, guess);
  if (second !== guess) {
    guess = second;
  }
  // Overlap: the earlier moment is the one with the larger offset.
  const earlier = wallAsUtc - zoneOffsetMs(zone, guess - 3_600_000);
  if (earlier !== guess && earlier + zoneOffsetMs(zone, earlier) === wallAsUtc) return earlier;
  return guess;
}

/** How a wall-clock time maps to moments in its zone. */
export type WallClockFit =
  /** One moment, the usual case. */
  | { kind: 'exact' }
  /** No moment: the clocks jumped over it (spring forward); taken as the moment just after the gap. */
  | { kind: 'gap' }
  /** Two moments: the hour the clocks repeat (fall back); taken as the earlier, `later` is the other. */
  | { kind: 'overlap'; later: Date };

/** A date cell as read: the moment, and how its wall-clock time fitted the zone. */
export interface ParsedDateTime {
  date: Date;
  fit: WallClockFit;
}

const EXACT: WallClockFit = { kind: 'exact' };

/** How `wallAsUtc` (a wall-clock time written as if UTC) fits `zone`, given the moment `chosen` it was taken as. */
function fitOf(wallAsUtc: number, zone: string, chosen: number): WallClockFit {
  if (chosen + zoneOffsetMs(zone, chosen) !== wallAsUtc) return { kind: 'gap' };
  // Zones change their offset at most once a day, so the offsets a day either side name every
  // candidate; when they agree (nearly every cell), there is no other.
  const before = zoneOffsetMs(zone, wallAsUtc - DAY_MS);
  const after = zoneOffsetMs(zone, wallAsUtc + DAY_MS);
  if (before === after) return EXACT;
  for (const offset of [before, after]) {
    const other = wallAsUtc - offset;
    if (other !== chosen && other + zoneOffsetMs(zone, other) === wallAsUtc) return { kind: 'overlap', later: new Date(Math.max(other, chosen)) };
  }
  return EXACT;
}

/**
 * Parses a date cell, telling how its wall-clock time fitted the zone: a time the clocks skip (a
 * daylight-saving gap) is taken as the moment just after the gap, a time they repeat as the earlier
 * of its two moments; `fit` says which, so that the reader can warn. Returns null when the text is
 * not one of the accepted forms or names a day that does not exist. Times with an offset are exact.
 */
export function parseDateTimeFit(text: string, zone: string): ParsedDateTime | null {
  const s = text.trim();
  if (s === '') return null;
  const iso = ISO_WITH_OFFSET.exec(s);
  if (iso) {
    if (!isDayOf(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return null;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : { date: d, fit: EXACT };
  }
  // The hot path (every row of every file): a hand-written strict reader instead of trying each
  // dayjs format in turn, which costs about 40 µs a cell.
  const m = WALL.exec(s);
  if (m === null) return null;
  const [, y, sep, mo, d, t, h, mi, sec] = m;
  if (sep === '.' && t === 'T') return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const secs = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || secs > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, secs);
  const ms = fromWallClock(wall, zone);
  return { date: new Date(ms), fit: fitOf(wall, zone, ms) };
}


/**
 * Parses a date cell. Returns null when the text is not one of the accepted forms or names a day
 * that does not exist. Times without an offset are wall-clock times in `zone` (see parseDateTimeFit
 * for the times a daylight-saving change skips or repeats).
 */
export function parseDateTime(text: string, zone: string): Date | null {
  return parseDateTimeFit(text, zone)?.date ?? null;
}

/** `+02:00`: the zone's offset from UTC at `date`. */
export function formatOffset(date: Date, zone: string): string {
  const minutes = Math.round(zoneOffsetMs(zone, date.getTime()) / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/**
 * Writes a moment for a data file: `formatDateTime`, except in the hour the clocks repeat, where a
 * bare wall-clock time would read back as the earlier moment; there it is ISO 8601 with its offset
 * (`2026-10-25T02:30:00+01:00`), which every reader takes exactly.
 */
export function formatDateTimeCell(date: Date, zone: string): string {
  const text = formatDateTime(date, zone);
  const read = parseDateTimeFit(text, zone);
  if (read === null || read.fit.kind !== 'overlap') return text;
  return `${text.replace(' ', 'T')}${formatOffset(date, zone)}`;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Writes a moment as a wall-clock time in `zone`, `YYYY-MM-DD HH:mm:ss`. tg-handler writes one per
 * join request: this adds the zone's (cached) offset instead of dayjs's `.tz()`, which builds a new
 * Intl formatter on every call (about 200 µs, a fifth of the handler's time per request).
 */
export function formatDateTime(date: Date, zone: string): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return 'Invalid Date';
  const wall = new Date(ms + zoneOffsetMs(zone, ms));
  const year = String(wall.getUTCFullYear()).padStart(4, '0');
  return `${year}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())} ${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:${pad2(wall.getUTCSeconds())}`;
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

/**
 * The calendar day of a moment in `zone`, as whole days since 1970-01-01 (that day is 0): a number
 * the report can count by without making a string per join. Uses the zone's cached offset, so a
 * million calls cost milliseconds where dayjs's `.tz()` costs a minute. NaN for an invalid date.
 */
export function dayNumber(date: Date, zone: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return Number.NaN;
  // Rows come in time order: most fall in the quarter hour of the row before, so remember its offset.
  const quarter = Math.floor(ms / 900_000);
  if (quarter !== lastDayQuarter || zone !== lastDayZone) {
    lastDayOffset = zoneOffsetMs(zone, ms);
    lastDayQuarter = quarter;
    lastDayZone = zone;
  }
  return Math.floor((ms + lastDayOffset) / DAY_MS);
}

let lastDayZone = '';
let lastDayQuarter = Number.NaN;
let lastDayOffset = 0;

/** `YYYY-MM-DD` of a day number from `dayNumber` (day 0 is 1970-01-01). */
export function dayFromNumber(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `YYYY-MM-DD` of a moment in `zone`; "Invalid Date" for an invalid date. */
export function calendarDay(date: Date, zone: string): string {
  const day = dayNumber(date, zone);
  return Number.isNaN(day) ? 'Invalid Date' : dayFromNumber(day);
}

/**
 * A moment as ISO 8601 with the offset `zone` has then, to the second: `2025-03-30T03:00:00+02:00`
 * (`Z` while the offset is zero), as dayjs's `.tz(zone).format()` writes it; for HTML `datetime`
 * attributes. "Invalid Date" for an invalid date.
 */
export function formatIsoWithOffset(date: Date, zone: string): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return 'Invalid Date';
  const offset = zoneOffsetMs(zone, ms);
  const wall = formatDateTime(date, zone).replace(' ', 'T');
  if (offset === 0) return `${wall}Z`;
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}
