/**
 * Who came through which link: the registry rows and the join log reduced to counts per row, totals,
 * the rows nobody joined through yet, joins per calendar day, and the members now by the membership
 * ledger. Pure; the formats and the command around it do the I/O.
 */
import { dayNumber } from '../../shared/dates.js';
import type { Invite } from '../../shared/registry/registry.js';
import { LinkIndex } from '../../shared/registry/match.js';
import { Ledger } from '../../shared/join-log/ledger.js';
import type { Response, ResponseStatus } from '../../shared/join-log/schema.js';
import { APPROVED, counted, DECLINED, emptyCounts, FIRST, JOINED, LAST, LEFT, merge, MISSING, PENDING, REMOVED, STRIDE, type Counts } from './counts.js';
import { DayTally, type DailyLinks, type DayCount, type MembersDay } from './daily.js';
import { countMembers, memberKey, UNATTRIBUTED_KEY } from './members.js';

export { emptyCounts, type Counts } from './counts.js';
export { daysBetween, DailyLinks, type DailyLink, type DayCount, type MembersDay } from './daily.js';

/** What the report needs of a registry row; `line` is its line in invite_data.txt, when known. */
export type RegistryRow = Pick<Invite, 'id' | 'id_adress' | 'id_link' | 'link'> & Partial<Pick<Invite, 'max_members' | 'chat_id'>> & { line?: number };

/** What the report needs of a join-log row (`id_tg` and `chat_id` blank when not given: the legacy log had neither). */
export type JoinRow = Pick<Response, 'id_link' | 'link' | 'tg_responde_status' | 'dt_tg_responde' | 'tg_request_date'> & Partial<Pick<Response, 'id_tg' | 'chat_id'>>;

/** A join-log row as the report's quick reader hands it on (plain-line.ts): the dates as numbers. */
export interface JoinFacts extends Required<Pick<Response, 'id_link' | 'link' | 'id_tg' | 'chat_id'>> {
  status: ResponseStatus;
  /** dt_tg_responde in ms since 1970, NaN when blank. */
  respondedMs: number;
  /** tg_request_date in Unix seconds, NaN when blank. */
  requestS: number;
  /** The registry line THE link rule gives the row (`ReportAccumulator.ownerOf`), -1 when not looked up. */
  owner: number;
}

/** One registry row and what came through its link. */
export interface LinkStats extends Counts {
  id: string;
  id_adress: string;
  link: string;
  /** Line in invite_data.txt (0 when not known). */
  line: number;
  /** The row's max_members, when it has one. */
  maxMembers?: number;
  /** Distinct people its link brought in over the whole log (approve and joined), counted up to maxMembers + 1. */
  broughtIn: number;
  /** It brought in more people than its max_members ("approved by hand" past the limit). */
  overLimit: boolean;
}

export interface Report {
  /** One entry per registry row, in registry order. */
  rows: LinkStats[];
  /** Requests and events whose link or name matches no registry row (another admin's link, no link at all, a row since deleted). */
  unattributed: Counts;
  /** Everything: the rows plus the unattributed line. */
  totals: Counts;
  /** Registry rows nobody joined through yet (no approve, no joined), in registry order. */
  noJoins: LinkStats[];
  /** Every day from the first approved join to the last one (or to `now`'s day, if later); days without joins count 0. */
  perDay: DayCount[];
  /** Members over time: joins minus leaves per day, from the first event counted. */
  membersPerDay: MembersDay[];
  /** Joins and leaves per day and link (only when asked for: `daily`), by day then registry order. */
  daily: DailyLinks;
  /** Approved joins with neither dt_tg_responde nor tg_request_date: counted, but on no day. */
  undated: number;
  zone: string;
}

/** Which events the report counts. */
export interface ReportScope {
  /** Count events at or after this moment only (members now are always now). */
  since?: Date;
  /** Count events before this moment only. */
  until?: Date;
  /** Only this group: join-log rows whose chat_id (else `defaultChat`) is this one. */
  chat?: string;
  /** The group of rows with a blank chat_id (CHAT_ID): legacy rows served one group. */
  defaultChat?: string;
  /** Keep joins and leaves per day and link for `Report.daily` (memory per day and link). */
  daily?: boolean;
}

/** When a join happened: the bot's decision time, else the request's own date (Unix seconds). */
export function joinTime(row: Pick<JoinRow, 'dt_tg_responde' | 'tg_request_date'>): Date | null {
  if (row.dt_tg_responde !== null) return row.dt_tg_responde;
  const seconds = row.tg_request_date.trim();
  return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : null;
}

/** A cell without the spaces around it; most cells have none (the schema's patterns forbid them), so most cost no new string. */
function cell(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  return text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32 ? text : text.trim();
}

/** The ledger's date of a row: as ledger.ts `eventDate` (tg_request_date first, then dt_tg_responde), from the parsed cell. */
function ledgerDate(row: JoinRow): number {
  const seconds = cell(row.tg_request_date);
  if (seconds !== '' && /^\d{1,12}$/.test(seconds)) return Number(seconds);
  return row.dt_tg_responde === null ? 0 : Math.floor(row.dt_tg_responde.getTime() / 1000);
}

/**
 * The report built one join-log row at a time, so a log of any length costs memory for its links,
 * days, people (the ledger) and requests still pending only: `add` each row in file order, then
 * `finish`. Every request is counted once, by its latest row: a pending row later decided (or
 * followed by the person's join, e.g. an admin approved in the app) is not pending. Joins per day count approved requests by the calendar day of `zone`.
 */
export class ReportAccumulator {
  private readonly registry: readonly RegistryRow[];
  /** STRIDE numbers per registry line, then the unattributed line's. */
  private readonly tallies: Float64Array;
  private readonly links: LinkIndex<RegistryRow & { index: number }>;
  private readonly ledger = new Ledger();
  /** People whose latest request row is `pending`, by chat|user: where its line's counts start, -1 when outside the window. */
  private readonly pending = new Map<string, number>();
  /** People per limited link (max_members), each set kept to max_members + 1. */
  private readonly people = new Map<number, Set<string>>();
  private readonly days: DayTally;
  private readonly sinceMs: number;
  private readonly untilMs: number;
  private undated = 0;
  /** Per registry line, its link in the ledger (made once: a string per row was a tenth of the time). */
  private readonly memberKeys: string[];
  private readonly onlyChat: string | undefined;
  private readonly defaultChat: string;

  constructor(
    registry: readonly RegistryRow[],
    private readonly zone: string,
    private readonly scope: ReportScope = {},
  ) {
    this.registry = registry;
    this.tallies = new Float64Array((registry.length + 1) * STRIDE);
    for (let at = 0; at < this.tallies.length; at += STRIDE) {
      this.tallies[at + FIRST] = Infinity;
      this.tallies[at + LAST] = -Infinity;
    }
    this.links = new LinkIndex(registry.map((r, index) => ({ ...r, index })));
    registry.forEach((r, i) => r.max_members !== undefined && this.people.set(i, new Set()));
    this.memberKeys = registry.map((_, i) => memberKey(i));
    this.onlyChat = scope.chat;
    this.defaultChat = scope.defaultChat ?? '';
    this.days = new DayTally(zone, registry.length, scope.daily === true);
    this.sinceMs = scope.since?.getTime() ?? -Infinity;
    this.untilMs = scope.until?.getTime() ?? Infinity;
  }

  /** Counts one join-log row. */
  add(join: JoinRow): void {
    const at = joinTime(join);
    this.count(join.chat_id, join.link, join.id_link, -1, join.tg_responde_status, cell(join.id_tg), at === null ? Number.NaN : at.getTime(), ledgerDate(join));
  }

  /** Counts one row from the quick reader: as `add` of the same row, without a Date or a cell parsed twice. */
  addFacts(f: JoinFacts): void {
    const known = !Number.isNaN(f.requestS);
    const ms = Number.isNaN(f.respondedMs) ? (known ? f.requestS * 1000 : Number.NaN) : f.respondedMs;
    // f.id_link is made only when asked for: not when the line is known.
    this.count(f.chat_id, f.link, f.owner >= 0 ? '' : f.id_link, f.owner, f.status, f.id_tg, ms, known ? f.requestS : Number.isNaN(f.respondedMs) ? 0 : Math.floor(f.respondedMs / 1000));
  }

  /** The registry line (0-based) THE link rule gives a link and name; the registry's length for none. */
  ownerOf(link: string, idLink: string): number {
    return this.links.find(link, idLink)?.index ?? this.registry.length;
  }

  /** `line` is `ownerOf(link, idLink)` when known (else -1), `ms` the row's `joinTime` (NaN for none), `ledgerS` its `ledgerDate`. */
  private count(chatCell: string | undefined, link: string, idLink: string, line: number, status: ResponseStatus, user: string, ms: number, ledgerS: number): void {
    const chat = cell(chatCell) || this.defaultChat;
    if (this.onlyChat !== undefined && chat !== this.onlyChat) return;
    const index = line >= 0 ? line : this.ownerOf(link, idLink);
    const owner = index < this.registry.length;
    const tally = index * STRIDE;
    const t = this.tallies;
    const isJoin = status === 'approve' || status === 'joined';
    const isLeave = status === 'left' || status === 'removed';
    if (isJoin || isLeave) {
      // The ledger's own fold, with the row's registry line as its link: THE link rule, not the id_link cell.
      this.ledger.apply({ chat, user, status, link: owner ? this.memberKeys[index]! : isJoin ? UNATTRIBUTED_KEY : '', date: ledgerS });
      if (isJoin && owner && user !== '' && this.people.size > 0) this.notePerson(index, user);
    }
    const undated = Number.isNaN(ms);
    // Undated rows are counted only when no window is asked for: nobody can tell whether they fall in it.
    const inWindow = undated ? this.sinceMs === -Infinity && this.untilMs === Infinity : ms >= this.sinceMs && ms < this.untilMs;
    // As `tg-get pending` reads the log (join-log/pending.ts): a person's pending request is settled by
    // their next approve, decline, missing or joined row in the chat, and replaced by a newer pending one.
    const settles = status === 'pending' || (this.pending.size > 0 && (status === 'approve' || status === 'decline' || status === 'missing' || status === 'joined'));
    const key = settles && user !== '' ? `${chat}|${user}` : '';
    // A decision after --until is not known at the window's end: the request stays pending in it.
    if (key !== '' && !(ms >= this.untilMs)) this.settle(key);
    if (!undated && (isJoin || isLeave)) this.days.event(ms, index, isJoin, inWindow, ms < this.sinceMs, status === 'approve' && inWindow);
    if (!inWindow) {
      if (status === 'pending' && key !== '') this.pending.set(key, -1);
      return;
    }
    // A switch, not a table by status: the cell is a fresh string, and a property lookup by it costs a hash.
    switch (status) {
      case 'approve':
        t[tally + APPROVED]! += 1;
        break;
      case 'decline':
        t[tally + DECLINED]! += 1;
        return;
      case 'pending':
        t[tally + PENDING]! += 1;
        if (key !== '') this.pending.set(key, tally);
        return;
      case 'missing':
        t[tally + MISSING]! += 1;
        return;
      case 'joined':
        t[tally + JOINED]! += 1;
        return;
      case 'left':
        t[tally + LEFT]! += 1;
        return;
      default:
        t[tally + REMOVED]! += 1;
        return;
    }
    if (undated) {
      this.undated += 1;
      return;
    }
    if (ms < t[tally + FIRST]!) t[tally + FIRST] = ms;
    if (ms > t[tally + LAST]!) t[tally + LAST] = ms;
  }

  /** A later row of a request that was pending: it no longer counts as pending. */
  private settle(key: string): void {
    const where = this.pending.get(key);
    if (where === undefined) return;
    if (where >= 0) this.tallies[where + PENDING]! -= 1;
    this.pending.delete(key);
  }

  private notePerson(index: number, user: string): void {
    const set = this.people.get(index);
    const max = this.registry[index]!.max_members;
    if (set !== undefined && max !== undefined && set.size <= max) set.add(user);
  }

  /** The report of the rows added so far; `now` extends the days to today and dates the retention. */
  finish(now?: Date): Report {
    const rows: LinkStats[] = this.registry.map((r, i) => this.linkStats(r, i));
    const unattributed = counted(this.tallies, this.registry.length);
    countMembers(this.ledger, now, [...rows, unattributed]);
    const totals = emptyCounts();
    for (const row of rows) merge(totals, row);
    merge(totals, unattributed);
    const ids = [...rows.map((r) => r.id), UNATTRIBUTED_ID];
    const lastDay = this.scope.until !== undefined ? Math.min(dayNumber(new Date(this.untilMs - 1), this.zone), now === undefined ? Infinity : dayNumber(now, this.zone)) : undefined;
    const days = this.days.finish(now, lastDay, ids);
    return { rows, unattributed, totals, noJoins: rows.filter((r) => r.approved + r.joined === 0), ...days, undated: this.undated, zone: this.zone };
  }

  private linkStats(r: RegistryRow, index: number): LinkStats {
    const c = counted(this.tallies, index);
    const max = r.max_members;
    const broughtIn = this.people.get(index)?.size ?? 0;
    const row: LinkStats = {
      id: r.id, id_adress: r.id_adress, link: r.link.trim(), line: r.line ?? 0,
      approved: c.approved, declined: c.declined, pending: c.pending, missing: c.missing, joined: c.joined, left: c.left, removed: c.removed,
      members: 0, cohort7d: 0, kept7d: 0, cohort30d: 0, kept30d: 0, firstJoin: c.firstJoin, lastJoin: c.lastJoin,
      broughtIn, overLimit: max !== undefined && broughtIn > max,
    };
    if (max !== undefined) row.maxMembers = max;
    return row;
  }
}

/** The id of the line that counts requests through links the registry does not know. */
export const UNATTRIBUTED_ID = '(unattributed)';

/** `ReportAccumulator` over rows already in memory. Pure. */
export function aggregate(registry: readonly RegistryRow[], joins: Iterable<JoinRow>, zone: string, now?: Date, scope: ReportScope = {}): Report {
  const acc = new ReportAccumulator(registry, zone, scope);
  for (const join of joins) acc.add(join);
  return acc.finish(now);
}
