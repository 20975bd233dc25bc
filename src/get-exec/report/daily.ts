/**
 * The report's days: approved joins per calendar day (the joins chart), joins minus leaves per day
 * (the members chart), and, when asked for, joins and leaves per day and link (`--daily-csv`).
 * Memory per day, and per day and link for the last; never per row. Pure.
 */
import { dayFromNumber, dayNumber } from '../../shared/dates.js';
import { DAY_MS } from '../../shared/zone.js';

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
  /**
   * The current day's joins + leaves * LEAVE per link index, and the links touched that day (in
   * typed arrays: a Map of a day's 2,000 links grew its table all day long, long enough for the old
   * heap, and left about 50 MB there over 428 days); put in `pairs` when the day changes.
   */
  private readonly dayLinks: Float64Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;
  /** Every (day, link) so far as key = day * (links + 1) + link and its packed counts: 16 bytes a pair, off the heap. */
  private pairs = new PairList();
  /** False once a day came back after a later one (a log out of order): `finish` then sorts and merges the pairs. */
  private ordered = true;
  private lastDay = -Infinity;
  /** Joins minus leaves before --since: where the members chart starts. */
  private before = 0;
  private day = Number.NaN;
  private dayApproved = 0;
  private dayJoins = 0;
  private dayLeaves = 0;
  /** One Date for `dayNumber`, set to each event's time: no Date per row. */
  private readonly moment = new Date(0);

  constructor(
    private readonly zone: string,
    private readonly links: number,
    private readonly perLink: boolean,
  ) {
    this.dayLinks = new Float64Array(perLink ? links + 1 : 0);
    this.touched = new Int32Array(perLink ? links + 1 : 0);
  }

  /** One dated row (ms since 1970): a join (approve, joined) or a leave; `approved` when it is an approval counted in the window. */
  event(ms: number, link: number, isJoin: boolean, inWindow: boolean, beforeWindow: boolean, approved: boolean): void {
    if (beforeWindow) {
      this.before += isJoin ? 1 : -1;
      return;
    }
    if (!inWindow) return;
    this.moment.setTime(ms);
    const day = dayNumber(this.moment, this.zone);
    if (day !== this.day) {
      this.flush();
      this.day = day;
    }
    if (approved) this.dayApproved += 1;
    if (isJoin) this.dayJoins += 1;
    else this.dayLeaves += 1;
    if (this.perLink) {
      if (this.dayLinks[link] === 0) this.touched[this.touchedCount++] = link;
      this.dayLinks[link]! += isJoin ? 1 : LEAVE;
    }
  }

  private flush(): void {
    if (this.touchedCount > 0) {
      if (this.day < this.lastDay) this.ordered = false;
      this.lastDay = Math.max(this.lastDay, this.day);
      const base = this.day * (this.links + 1);
      for (const link of this.touched.subarray(0, this.touchedCount).sort()) {
        this.pairs.push(base + link, this.dayLinks[link]!);
        this.dayLinks[link] = 0;
      }
      this.touchedCount = 0;
    }
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
  finish(now: Date | undefined, lastDay: number | undefined, ids: readonly string[]): { perDay: DayCount[]; membersPerDay: MembersDay[]; daily: DailyLinks } {
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
    if (!this.ordered) {
      this.pairs = this.pairs.merged();
      this.ordered = true;
    }
    const daily = new DailyLinks(this.pairs, this.links + 1, ids);
    return { perDay, membersPerDay, daily };
  }
}

const BLOCK = 1 << 16;

/**
 * (key, packed counts) pairs in blocks of 65,536 (1 MB): a list that doubled held up to twice what it
 * needed, and both copies while it grew (24 MB at once for 800,000 pairs).
 */
class PairList {
  private readonly keyBlocks: Float64Array[] = [];
  private readonly countBlocks: Float64Array[] = [];
  size = 0;

  push(key: number, packed: number): void {
    const at = this.size & (BLOCK - 1);
    if (at === 0) {
      this.keyBlocks.push(new Float64Array(BLOCK));
      this.countBlocks.push(new Float64Array(BLOCK));
    }
    this.keyBlocks[this.keyBlocks.length - 1]![at] = key;
    this.countBlocks[this.countBlocks.length - 1]![at] = packed;
    this.size++;
  }

  key(i: number): number {
    return this.keyBlocks[Math.floor(i / BLOCK)]![i & (BLOCK - 1)]!;
  }

  count(i: number): number {
    return this.countBlocks[Math.floor(i / BLOCK)]![i & (BLOCK - 1)]!;
  }

  /** The pairs sorted by key, each key once with its counts added up. */
  merged(): PairList {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.key(a) - this.key(b));
    const out = new PairList();
    let last = Number.NaN;
    let sum = 0;
    for (const i of order) {
      const key = this.key(i);
      if (key !== last) {
        if (!Number.isNaN(last)) out.push(last, sum);
        last = key;
        sum = 0;
      }
      sum += this.count(i);
    }
    if (!Number.isNaN(last)) out.push(last, sum);
    return out;
  }
}

/**
 * Joins and leaves per day and link, by day then registry order, read one line at a time: a million
 * pairs as objects would be a hundred megabytes, kept as numbers they are sixteen.
 */
export class DailyLinks implements Iterable<DailyLink> {
  constructor(
    private readonly pairs: PairList,
    private readonly stride: number,
    private readonly ids: readonly string[],
  ) {}

  get size(): number {
    return this.pairs.size;
  }

  *[Symbol.iterator](): IterableIterator<DailyLink> {
    // The pairs come by day: each day's text is made once, not once per link.
    let dayNumber = Number.NaN;
    let day = '';
    for (let i = 0; i < this.pairs.size; i++) {
      const key = this.pairs.key(i);
      const packed = this.pairs.count(i);
      const leaves = Math.floor(packed / LEAVE);
      const number = Math.floor(key / this.stride);
      if (number !== dayNumber) day = dayFromNumber((dayNumber = number));
      yield { day, id: this.ids[key % this.stride] ?? '', joins: packed - leaves * LEAVE, leaves };
    }
  }
}

/** No pairs: the report of a run without --daily-csv. */
export const NO_DAILY = (): DailyLinks => new DailyLinks(new PairList(), 1, []);
