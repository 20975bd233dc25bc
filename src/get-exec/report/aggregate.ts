/**
 * Who came through which link: the registry rows and the join log reduced to counts per row, totals,
 * the rows nobody joined through yet, and joins per calendar day. Pure; the formats and the command
 * around it do the I/O.
 */
import { dayFromNumber, dayNumber } from '../../shared/dates.js';
import type { Invite } from '../../shared/registry/registry.js';
import { LinkIndex } from '../../shared/registry/match.js';
import type { Response } from '../../shared/join-log/schema.js';

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


/** When a join happened: the bot's decision time, else the request's own date (Unix seconds). */
export function joinTime(row: Pick<JoinRow, 'dt_tg_responde' | 'tg_request_date'>): Date | null {
  if (row.dt_tg_responde !== null) return row.dt_tg_responde;
  const seconds = row.tg_request_date.trim();
  return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : null;
}

function merge(into: Counts, from: Counts): void {
  into.approved += from.approved;
  into.declined += from.declined;
  into.pending += from.pending;
  into.missing += from.missing;
  if (from.firstJoin !== null && (into.firstJoin === null || from.firstJoin < into.firstJoin)) into.firstJoin = from.firstJoin;
  if (from.lastJoin !== null && (into.lastJoin === null || from.lastJoin > into.lastJoin)) into.lastJoin = from.lastJoin;
}

const DAY_MS = 86_400_000;

/** Every day from `first` to `last` inclusive (calendar arithmetic, so DST changes do not skip or repeat a day). */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`) / DAY_MS;
  for (let d = Date.parse(`${first}T00:00:00Z`) / DAY_MS; d <= end; d++) days.push(dayFromNumber(d));
  return days;
}

/**
 * Counts of one link while rows are added. Join times are kept as numbers, not Dates: a Date held as
 * a link's latest join lives until that link's next join, long enough to be moved to the old heap,
 * and a million of those was most of the report's memory.
 */
interface Tally {
  approved: number;
  declined: number;
  pending: number;
  missing: number;
  firstMs: number;
  lastMs: number;
}

const emptyTally = (): Tally => ({ approved: 0, declined: 0, pending: 0, missing: 0, firstMs: Infinity, lastMs: -Infinity });

function counted(t: Tally): Counts {
  return {
    approved: t.approved,
    declined: t.declined,
    pending: t.pending,
    missing: t.missing,
    firstJoin: t.firstMs === Infinity ? null : new Date(t.firstMs),
    lastJoin: t.lastMs === -Infinity ? null : new Date(t.lastMs),
  };
}

/**
 * The report built one join-log row at a time, so a log of any length costs memory for its links and
 * days only: `add` each row as it is read, then `finish`. Every row is counted once: against its
 * registry row, or as unattributed. Joins per day count approved requests by the calendar day of `zone`.
 */
export class ReportAccumulator {
  private readonly registry: readonly RegistryRow[];
  private readonly tallies: Tally[];
  private readonly tallyOf: Map<RegistryRow, Tally>;
  private readonly links: LinkIndex<RegistryRow>;
  private readonly unattributed = emptyTally();
  /** Approved joins per day number (days since 1970-01-01 in the zone): no string per row. */
  private readonly byDay = new Map<number, number>();
  private undated = 0;
  private day = Number.NaN;
  private dayJoins = 0;

  constructor(
    registry: readonly RegistryRow[],
    private readonly zone: string,
  ) {
    this.registry = registry;
    this.tallies = registry.map(emptyTally);
    this.tallyOf = new Map(registry.map((r, i) => [r, this.tallies[i]!]));
    this.links = new LinkIndex(registry);
  }

  /** Counts one join-log row. */
  add(join: JoinRow): void {
    const owner = this.links.find(join.link, join.id_link);
    const tally = owner === undefined ? this.unattributed : this.tallyOf.get(owner)!;
    // A switch, not a table by status: the cell is a fresh string, and a property lookup by it costs a hash.
    switch (join.tg_responde_status) {
      case 'approve':
        tally.approved += 1;
        break;
      case 'decline':
        tally.declined += 1;
        return;
      case 'pending':
        tally.pending += 1;
        return;
      case 'missing':
        tally.missing += 1;
        return;
      default:
        // Membership events (joined, left, removed) are not requests.
        return;
    }
    const at = joinTime(join);
    if (at === null) {
      this.undated += 1;
      return;
    }
    const ms = at.getTime();
    if (ms < tally.firstMs) tally.firstMs = ms;
    if (ms > tally.lastMs) tally.lastMs = ms;
    // The log is in time order: count the current day aside and put it in the map when the day changes.
    const day = dayNumber(at, this.zone);
    if (day !== this.day) {
      this.flushDay();
      this.day = day;
    }
    this.dayJoins += 1;
  }

  private flushDay(): void {
    if (this.dayJoins > 0) this.byDay.set(this.day, (this.byDay.get(this.day) ?? 0) + this.dayJoins);
    this.dayJoins = 0;
  }

  /** The report of the rows added so far; `now` extends the joins per day to today. */
  finish(now?: Date): Report {
    this.flushDay();
    const rows: LinkStats[] = this.registry.map((r, i) => ({ id: r.id, id_adress: r.id_adress, link: r.link.trim(), line: r.line ?? 0, ...counted(this.tallies[i]!) }));
    const unattributed = counted(this.unattributed);
    const totals = emptyCounts();
    for (const row of rows) merge(totals, row);
    merge(totals, unattributed);
    const perDay: DayCount[] = [];
    if (this.byDay.size > 0) {
      let first = Infinity;
      let last = -Infinity;
      for (const day of this.byDay.keys()) {
        if (day < first) first = day;
        if (day > last) last = day;
      }
      if (now !== undefined) last = Math.max(last, dayNumber(now, this.zone));
      for (let day = first; day <= last; day++) perDay.push({ day: dayFromNumber(day), joins: this.byDay.get(day) ?? 0 });
    }
    return { rows, unattributed, totals, noJoins: rows.filter((r) => r.approved === 0), perDay, undated: this.undated, zone: this.zone };
  }
}

/** `ReportAccumulator` over rows already in memory. Pure. */
export function aggregate(registry: readonly RegistryRow[], joins: Iterable<JoinRow>, zone: string, now?: Date): Report {
  const acc = new ReportAccumulator(registry, zone);
  for (const join of joins) acc.add(join);
  return acc.finish(now);
}
