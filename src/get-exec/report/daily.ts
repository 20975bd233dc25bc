/**
 * The report's days: approved joins per calendar day (the joins chart), joins minus leaves per day
 * (the members chart), and, when asked for, joins and leaves per day and link (`--daily-csv`).
 * Memory per day, and per day and link for the last; never per row. Pure.
 */
import { dayFromNumber, dayNumber } from '../../shared/dates.js';

/** Approved joins on one calendar day (`YYYY-MM-DD` in the report's zone). */
export interface DayCount {
  day: string;
  joins: number;
}

/** Members over time: joins (approve, joined) and leaves (left, removed) of a day, and the members at its end. */
export interface MembersDay {
  day: string;
  joins: number;
  leaves: number;
  /** Joins minus leaves of every counted event up to this day's end (with --since, from the events before it too). */
  members: number;
}

/** One line of the daily CSV: a day and a link (a registry row's id, or the unattributed line's). */
export interface DailyLink {
  day: string;
  id: string;
  joins: number;
  leaves: number;
}

const DAY_MS = 86_400_000;
/** Leaves are packed above the joins in one number per day and link (a Map of numbers costs far less than one of objects). */
const LEAVE = 2 ** 26;

/** Every day from `first` to `last` inclusive (calendar arithmetic, so DST changes do not skip or repeat a day). */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`) / DAY_MS;
  for (let d = Date.parse(`${first}T00:00:00Z`) / DAY_MS; d <= end; d++) days.push(dayFromNumber(d));
  return days;
}

function range(days: Iterable<number>): [number, number] {
  let first = Infinity;
  let last = -Infinity;
  for (const day of days) {
    if (day < first) first = day;
    if (day > last) last = day;
  }
  return [first, last];
}

/**
 * Counts by day while rows are added. The log is in time order: the current day's counts are kept
 * aside and put in the maps when the day changes (a log out of order only costs more map updates).
 */
export class DayTally {
  private readonly approvedByDay = new Map<number, number>();
  private readonly joinsByDay = new Map<number, number>();
  private readonly leavesByDay = new Map<number, number>();
  /** (day * (links + 1) + link index) -> joins + leaves * LEAVE. */
  private readonly byDayLink = new Map<number, number>();
  /** Joins minus leaves before --since: where the members chart starts. */
  private before = 0;
  private day = Number.NaN;
  private dayApproved = 0;
  private dayJoins = 0;
  private dayLeaves = 0;

  constructor(
    private readonly zone: string,
    private readonly links: number,
    private readonly perLink: boolean,
  ) {}

  /** One dated row: a join (approve, joined) or a leave; `approved` when it is an approval counted in the window. */
  event(ms: number, link: number, isJoin: boolean, inWindow: boolean, beforeWindow: boolean, approved: boolean): void {
    if (beforeWindow) {
      this.before += isJoin ? 1 : -1;
      return;
    }
    if (!inWindow) return;
    const day = dayNumber(new Date(ms), this.zone);
    if (day !== this.day) {
      this.flush();
      this.day = day;
    }
    if (approved) this.dayApproved += 1;
    if (isJoin) this.dayJoins += 1;
    else this.dayLeaves += 1;
    if (this.perLink) {
      const key = day * (this.links + 1) + link;
      this.byDayLink.set(key, (this.byDayLink.get(key) ?? 0) + (isJoin ? 1 : LEAVE));
    }
  }

  private flush(): void {
    const add = (map: Map<number, number>, n: number) => n > 0 && map.set(this.day, (map.get(this.day) ?? 0) + n);
    add(this.approvedByDay, this.dayApproved);
    add(this.joinsByDay, this.dayJoins);
    add(this.leavesByDay, this.dayLeaves);
    this.dayApproved = this.dayJoins = this.dayLeaves = 0;
  }

  /**
   * The days: each series runs from its first day to its last, or on to `lastDay` (default `now`'s
   * day) when that is later. `ids` names the links by index (the unattributed line last).
   */
  finish(now: Date | undefined, lastDay: number | undefined, ids: readonly string[]): { perDay: DayCount[]; membersPerDay: MembersDay[]; daily: DailyLink[] } {
    this.flush();
    const end = lastDay ?? (now === undefined ? -Infinity : dayNumber(now, this.zone));
    const perDay: DayCount[] = [];
    if (this.approvedByDay.size > 0) {
      const [first, last] = range(this.approvedByDay.keys());
      for (let day = first; day <= Math.max(last, end); day++) perDay.push({ day: dayFromNumber(day), joins: this.approvedByDay.get(day) ?? 0 });
    }
    const membersPerDay: MembersDay[] = [];
    if (this.joinsByDay.size + this.leavesByDay.size > 0) {
      const [first, last] = range([...this.joinsByDay.keys(), ...this.leavesByDay.keys()]);
      let members = this.before;
      for (let day = first; day <= Math.max(last, end); day++) {
        const joins = this.joinsByDay.get(day) ?? 0;
        const leaves = this.leavesByDay.get(day) ?? 0;
        members += joins - leaves;
        membersPerDay.push({ day: dayFromNumber(day), joins, leaves, members });
      }
    }
    const daily: DailyLink[] = [];
    const stride = this.links + 1;
    for (const key of [...this.byDayLink.keys()].sort((a, b) => a - b)) {
      const packed = this.byDayLink.get(key)!;
      const leaves = Math.floor(packed / LEAVE);
      daily.push({ day: dayFromNumber(Math.floor(key / stride)), id: ids[key % stride] ?? '', joins: packed - leaves * LEAVE, leaves });
    }
    return { perDay, membersPerDay, daily };
  }
}
