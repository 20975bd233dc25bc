/**
 * IANA zones: is a name one, the machine's own, and a zone's UTC offset at a moment. Apart from
 * dates.ts so that its readers and writers stay one module of their own size.
 *
 * The first Intl.DateTimeFormat of a process loads ICU's locale data: about 8 MB of RSS, 6 MB of
 * tg-handler's start (BENCHMARKS.md, issue 15). So a formatter is made only when nothing cheaper
 * answers: the zone the process itself runs in (TZ) takes its offsets from the Date's own local
 * fields, and a name the runtime lists (`Intl.supportedValuesOf`, about 0.5 MB) is a zone without a
 * formatter. Both ways are held equal by tests/shared/zone.test.ts in real processes.
 */

/** Names `Intl.supportedValuesOf('timeZone')` lists (canonical names only), made on first use. */
let listed: Set<string> | undefined;

/** True when `zone` is an IANA zone name this Node knows (e.g. "Europe/Berlin", "UTC"). */
export function isValidZone(zone: string): boolean {
  if (zone.length === 0) return false;
  if (zone === 'UTC') return true;
  listed ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (listed.has(zone)) return true;
  // Aliases (Asia/Calcutta, Etc/UTC), other spellings (europe/berlin) and names newer than the list
  // (Europe/Kyiv) are zones too, as the formatter takes them.
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let system: string | undefined;

/** The machine's own zone, used when neither TZ nor --tz names one (Intl: its first use costs its data). */
export function systemZone(): string {
  system ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return system;
}

/**
 * True when `zone` is the zone this process's Dates run in, so that their local fields give its wall
 * clock: TZ names it, or TZ is unset and it is the system's zone as already looked up (looking it up
 * here would cost the formatter this avoids). Read at each call: the offsets are cached by zone, and
 * this runs only on a cache miss.
 */
export function isProcessZone(zone: string): boolean {
  const tz = process.env.TZ;
  if (tz !== undefined && tz !== '') return zone === tz;
  return system !== undefined && zone === system;
}

/** Milliseconds in a day (UTC days: no leap seconds in Unix time). */
export const DAY_MS = 86_400_000;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

/** Days (UTC) in which the zone's offset is the same at its start and at the next day's start. */
const dayOffsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset in ms at `utcMs`. A file's times are often an hour or more apart (an hourly
 * schedule), so caching by quarter hour alone asked Intl for nearly every cell: the offset is also
 * remembered per UTC day when it is the same at both ends of the day (no zone changes its offset
 * twice within a day), and only a day with a change is looked at by the quarter hour.
 */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const day = Math.floor(utcMs / DAY_MS);
  let days = dayOffsetCache.get(zone);
  if (days === undefined) dayOffsetCache.set(zone, (days = new Map()));
  const whole = days.get(day);
  if (whole !== undefined) return whole;
  const start = quarterOffsetMs(zone, day * 96);
  if (quarterOffsetMs(zone, (day + 1) * 96) === start) {
    if (days.size > 100_000) days.clear();
    days.set(day, start);
    return start;
  }
  return quarterOffsetMs(zone, Math.floor(utcMs / 900_000));
}

/** The zone's offset at the start of quarter hour `quarter` (since 1970), cached: offsets change only on a quarter hour. */
function quarterOffsetMs(zone: string, quarter: number): number {
  let cache = offsetCache.get(zone);
  if (cache === undefined) offsetCache.set(zone, (cache = new Map()));
  const cached = cache.get(quarter);
  if (cached !== undefined) return cached;
  const at = quarter * 900_000;
  const offset = (isProcessZone(zone) ? localWallMs(at) : formattedWallMs(zone, at)) - at;
  if (cache.size > 100_000) cache.clear();
  cache.set(quarter, offset);
  return offset;
}

/** The wall clock of the process's own zone at `at`, written as if it were UTC: from the Date's local fields. */
function localWallMs(at: number): number {
  const d = new Date(at);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds());
}

/** The wall clock of `zone` at `at`, written as if it were UTC: through an Intl formatter of the zone. */
function formattedWallMs(zone: string, at: number): number {
  let format = offsetFormatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(at))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}
