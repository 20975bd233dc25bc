/**
 * Who came through which link: the registry rows and the join log reduced to counts per row, totals,
 * the rows nobody joined through yet, and joins per calendar day. Pure; the formats and the command
 * around it do the I/O.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import type { Invite } from '../../shared/registry/registry.js';
import { LinkIndex } from '../../shared/registry/match.js';
import type { Response, ResponseStatus } from '../../shared/join-log/schema.js';

dayjs.extend(utc);
dayjs.extend(timezone);

/** What the report needs of a registry row; `line` is its line in invite_data.txt, when known. */
export type RegistryRow = Pick<Invite, 'id' | 'id_adress' | 'id_link' | 'link'> & { line?: number };

/** What the report needs of a join-log row. */
export type JoinRow = Pick<Response, 'id_link' | 'link' | 'tg_responde_status' | 'dt_tg_responde' | 'tg_request_date'>;

/** Requests by outcome, and the first and last approved join. */
export interface Counts {
  approved: number;
  declined: number;
  pending: number;
  missing: number;
  firstJoin: Date | null;
  lastJoin: Date | null;
}

/** One registry row and the requests that came through its link. */
export interface LinkStats extends Counts {
  id: string;
  id_adress: string;
  link: string;
  /** Line in invite_data.txt (0 when not known). */
  line: number;
}

/** Approved joins on one calendar day (`YYYY-MM-DD` in the report's zone). */
export interface DayCount {
  day: string;
  joins: number;
}

export interface Report {
  /** One entry per registry row, in registry order. */
  rows: LinkStats[];
  /** Requests whose link or name matches no registry row (another admin's link, no link at all, a row since deleted). */
  unattributed: Counts;
  /** Every request: the rows plus the unattributed ones. */
  totals: Counts;
  /** Registry rows with no approved join yet, in registry order. */
  noJoins: LinkStats[];
  /** Every day from the first approved join to the last one (or to `now`'s day, if later); days without joins count 0. */
  perDay: DayCount[];
  /** Approved joins with neither dt_tg_responde nor tg_request_date: counted, but on no day. */
  undated: number;
  zone: string;
}

/** Counts with nothing counted yet. */
export const emptyCounts = (): Counts => ({ approved: 0, declined: 0, pending: 0, missing: 0, firstJoin: null, lastJoin: null });

const FIELD: Partial<Record<ResponseStatus, 'approved' | 'declined' | 'pending' | 'missing'>> = {
  approve: 'approved',
  decline: 'declined',
  pending: 'pending',
  missing: 'missing',
};

/** When a join happened: the bot's decision time, else the request's own date (Unix seconds). */
export function joinTime(row: Pick<JoinRow, 'dt_tg_responde' | 'tg_request_date'>): Date | null {
  if (row.dt_tg_responde !== null) return row.dt_tg_responde;
  const seconds = row.tg_request_date.trim();
  return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : null;
}

function add(counts: Counts, row: JoinRow): void {
  const field = FIELD[row.tg_responde_status];
  // Membership events (joined, left, removed) are not requests.
  if (field === undefined) return;
  counts[field] += 1;
  if (row.tg_responde_status !== 'approve') return;
  const at = joinTime(row);
  if (at === null) return;
  if (counts.firstJoin === null || at < counts.firstJoin) counts.firstJoin = at;
  if (counts.lastJoin === null || at > counts.lastJoin) counts.lastJoin = at;
}

function merge(into: Counts, from: Counts): void {
  into.approved += from.approved;
  into.declined += from.declined;
  into.pending += from.pending;
  into.missing += from.missing;
  if (from.firstJoin !== null && (into.firstJoin === null || from.firstJoin < into.firstJoin)) into.firstJoin = from.firstJoin;
  if (from.lastJoin !== null && (into.lastJoin === null || from.lastJoin > into.lastJoin)) into.lastJoin = from.lastJoin;
}

/** `YYYY-MM-DD` of a moment in `zone`. */
export function calendarDay(date: Date, zone: string): string {
  return dayjs(date).tz(zone).format('YYYY-MM-DD');
}

/** Every day from `first` to `last` inclusive (calendar arithmetic, so DST changes do not skip or repeat a day). */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = dayjs.utc(first); !d.isAfter(dayjs.utc(last)); d = d.add(1, 'day')) days.push(d.format('YYYY-MM-DD'));
  return days;
}

/**
 * Reduces the registry and the join log to the report. Pure. Every join-log row is counted once:
 * against its registry row, or as unattributed. Joins per day count approved requests by the calendar
 * day of `zone`.
 */
export function aggregate(registry: readonly RegistryRow[], joins: readonly JoinRow[], zone: string, now?: Date): Report {
  const rows: LinkStats[] = registry.map((r) => ({ id: r.id, id_adress: r.id_adress, link: r.link.trim(), line: r.line ?? 0, ...emptyCounts() }));
  const statsOf = new Map<RegistryRow, LinkStats>(registry.map((r, i) => [r, rows[i]!]));
  const links = new LinkIndex(registry);
  const unattributed = emptyCounts();
  const byDay = new Map<string, number>();
  let undated = 0;
  for (const join of joins) {
    const owner = links.find(join.link, join.id_link);
    add(owner === undefined ? unattributed : statsOf.get(owner)!, join);
    if (join.tg_responde_status !== 'approve') continue;
    const at = joinTime(join);
    if (at === null) undated += 1;
    else {
      const day = calendarDay(at, zone);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
    }
  }
  const totals = emptyCounts();
  for (const row of rows) merge(totals, row);
  merge(totals, unattributed);

  const dayKeys = [...byDay.keys()].sort();
  let perDay: DayCount[] = [];
  if (dayKeys.length > 0) {
    const first = dayKeys[0]!;
    let last = dayKeys[dayKeys.length - 1]!;
    if (now !== undefined) {
      const today = calendarDay(now, zone);
      if (today > last) last = today;
    }
    perDay = daysBetween(first, last).map((day) => ({ day, joins: byDay.get(day) ?? 0 }));
  }
  return { rows, unattributed, totals, noJoins: rows.filter((r) => r.approved === 0), perDay, undated, zone };
}
