/**
 * Personal links: how many distinct people each limited registry link (`max_members`, or
 * --max-members) has brought in, counted from the join log's `approve` and `joined` rows (the same
 * person coming back counts once) with the one link -> row rule. Only limited links are counted, and
 * each at most up to its limit, so memory follows the limits, not the log; the log is read row by
 * row, once at start for the links the registry limits then, and once more for a link that gets a
 * limit (or a higher one) later.
 */
import type { TableRow } from '../shared/files/tsv.js';
import type { SavedFold } from '../shared/join-log/ledger-cache.js';
import { logRows } from '../shared/join-log/pending.js';
import { LinkIndex, type LinkRow } from '../shared/registry/match.js';
import type { IndexedInvite } from '../shared/registry/registry.js';
import type { LogRow } from '../shared/join-log/pending.js';

/** The statuses that mean a person came in through the row's link. */
const CAME_IN = new Set(['approve', 'joined']);

/** Reads the join log row by row (the handler's: eachLogRow over its file). */
export type LogScan = (onRow: (row: LogRow) => void) => Promise<void>;

interface Count {
  /** The limit this count was made for: it holds at most that many people. */
  cap: number;
  /** The invite as counted: a row whose link changed is counted again. */
  link: string;
  people: Set<string>;
}

/** A count as a snapshot keeps it: the registry row's link fields, the limit it was made for, the people. */
export interface SavedCount {
  id: string;
  id_link: string;
  link: string;
  cap: number;
  people: string[];
}

/** The limit of a registry row: its own max_members, else the default (--max-members), else none. Pure. */
export function limitOf(invite: Pick<IndexedInvite, 'max_members'>, fallback: number | undefined): number | undefined {
  return invite.max_members ?? fallback;
}

/** Whether a person may come in through a link, and how to take that back (see LinkUsage.admit). */
export interface Admission {
  readonly admitted: boolean;
  readonly release: () => void;
}

/** The admission of a link without a limit: shared, nothing to release. */
const UNLIMITED: Admission = Object.freeze({ admitted: true, release: () => {} });

/** Counts people per limited registry link; see the module comment. */
export class LinkUsage {
  private readonly counts = new Map<string, Count>();
  /** Counts being made: a second request through the same link waits for the first count. */
  private readonly counting = new Map<string, Promise<void>>();
  /** The counted invites, to match rows written later to their link. */
  private readonly counted = new Map<string, LinkRow>();
  private matcher = new LinkIndex<LinkRow>([]);
  /** The limited invites of `expect`, and those of them a restored state did not count as they are now. */
  private expected: IndexedInvite[] = [];
  private stale: IndexedInvite[] = [];

  constructor(
    private readonly scan: LogScan,
    private readonly fallback: number | undefined,
  ) {}

  /** Counts, in one pass over the log, the people of every limited invite of `invites` (at start). */
  async prime(invites: Iterable<IndexedInvite>): Promise<void> {
    const limited = [...invites].filter((invite) => limitOf(invite, this.fallback) !== undefined);
    if (limited.length > 0) await this.count(limited);
  }

  /**
   * Before the one read of the log at start: the limited invites of `invites` are counted from the
   * rows `noted` hears from now on (the whole log, or the snapshot's counts restored plus what follows).
   */
  expect(invites: Iterable<IndexedInvite>): void {
    this.expected = [...invites].filter((invite) => limitOf(invite, this.fallback) !== undefined);
    for (const invite of this.expected) {
      this.counts.set(invite.id, { cap: limitOf(invite, this.fallback)!, link: invite.link.trim(), people: new Set() });
      this.counted.set(invite.id, invite);
    }
    this.matcher = new LinkIndex([...this.counted.values()]);
  }

  /**
   * Takes the counts of `state` (a snapshot's, true of the log up to its offset) in place of every
   * count; an expected invite they do not count for its limit and URL now is left to `settle`.
   */
  restore(state: readonly SavedCount[]): void {
    this.counts.clear();
    this.counted.clear();
    for (const { id, id_link, link, cap, people } of state) {
      this.counts.set(id, { cap, link, people: new Set(people) });
      this.counted.set(id, { id, id_link, link });
    }
    this.stale = [];
    for (const invite of this.expected) {
      const limit = limitOf(invite, this.fallback)!;
      const count = this.counts.get(invite.id);
      if (count !== undefined && this.covers(invite, limit)) {
        // Counted in file order for a higher limit: its first `limit` people are the count for this one.
        if (count.cap > limit) this.counts.set(invite.id, { cap: limit, link: count.link, people: new Set([...count.people].slice(0, limit)) });
        continue;
      }
      this.stale.push(invite);
      this.counts.delete(invite.id);
      this.counted.delete(invite.id);
    }
    this.matcher = new LinkIndex([...this.counted.values()]);
  }

  /** Counts, in one read of the log, the expected invites `restore` could not take from the snapshot. */
  async settle(): Promise<void> {
    const stale = this.stale;
    this.stale = [];
    if (stale.length > 0) await this.count(stale);
  }

  /** Every count as it stands (copies), for a snapshot or another LinkUsage's `restore`. */
  state(): SavedCount[] {
    return [...this.counts].map(([id, count]) => {
      const row = this.counted.get(id)!;
      return { id, id_link: row.id_link, link: row.link, cap: count.cap, people: [...count.people] };
    });
  }

  /** True when some link is counted (else `noted` changes nothing). */
  get countsAny(): boolean {
    return this.counted.size > 0;
  }

  /** The log is read again from its start: every count starts empty (the links stay counted). */
  forget(): void {
    for (const count of this.counts.values()) count.people.clear();
  }

  /**
   * Whether `userId` may come in through `invite`: yes when the link has no limit, when they are
   * one of the people it already brought in, or when it brought in fewer than its limit; then they
   * count at once (a second request in the same batch sees the link full). `release` undoes that
   * when the approval did not go through. A link without a limit (most of them) is answered as it
   * is, without a promise, an object or a closure of its own (a burst admits every request); a
   * counted one as a promise.
   */
  admit(invite: IndexedInvite, userId: string): Admission | Promise<Admission> {
    const limit = limitOf(invite, this.fallback);
    if (limit === undefined) return UNLIMITED;
    return this.admitCounted(invite, userId, limit);
  }

  private async admitCounted(invite: IndexedInvite, userId: string, limit: number): Promise<Admission> {
    const nothing = () => {};
    const count = await this.ensure(invite, limit);
    if (count.people.has(userId)) return { admitted: true, release: nothing };
    if (count.people.size >= limit) return { admitted: false, release: nothing };
    count.people.add(userId);
    return { admitted: true, release: () => count.people.delete(userId) };
  }

  /** Notes a row just written (ResponseLog.onRecord): a person who came in through a counted link. */
  noted(row: LogRow): void {
    // Most registries limit no link: then a row (every one tg-handler writes) is not even looked at.
    if (this.counted.size === 0 || !CAME_IN.has(row.tg_responde_status.trim())) return;
    const invite = this.matcher.find(row.link, row.id_link);
    const count = invite === undefined ? undefined : this.counts.get(invite.id);
    if (count !== undefined && count.people.size < count.cap) count.people.add(row.id_tg.trim());
  }

  /** The count of `invite` made for `limit` or a higher one, counting it now when there is none. */
  private async ensure(invite: IndexedInvite, limit: number): Promise<Count> {
    for (;;) {
      const count = this.counts.get(invite.id);
      if (count !== undefined && this.covers(invite, limit)) return count;
      let running = this.counting.get(invite.id);
      if (running === undefined) {
        running = this.count([invite]).finally(() => this.counting.delete(invite.id));
        this.counting.set(invite.id, running);
      }
      await running;
    }
  }

  /** There is a count of `invite` as its URL is now, made for `limit` or a higher one. */
  private covers(invite: IndexedInvite, limit: number): boolean {
    const count = this.counts.get(invite.id);
    return count !== undefined && count.cap >= limit && count.link === invite.link.trim();
  }

  private async count(invites: IndexedInvite[]): Promise<void> {
    const index = new LinkIndex(invites);
    const fresh = new Map<string, Count>(invites.map((invite) => [invite.id, { cap: limitOf(invite, this.fallback) ?? 0, link: invite.link.trim(), people: new Set<string>() }]));
    await this.scan((row) => {
      if (!CAME_IN.has(row.tg_responde_status.trim())) return;
      const hit = index.find(row.link, row.id_link);
      const count = hit === undefined ? undefined : fresh.get(hit.id);
      if (count !== undefined && count.people.size < count.cap) count.people.add(row.id_tg.trim());
    });
    for (const invite of invites) {
      this.counts.set(invite.id, fresh.get(invite.id)!);
      this.counted.set(invite.id, invite);
    }
    this.matcher = new LinkIndex([...this.counted.values()]);
  }
}

/** A LinkUsage kept from the rows tg-handler's LedgerFile reads, and carried by its snapshot. */
export class UsageFold implements SavedFold {
  private readonly toRow: ReturnType<typeof logRows>;

  constructor(readonly usage: LinkUsage, name: string) {
    this.toRow = logRows(name, CAME_IN);
  }

  row(row: TableRow, header: TableRow): void {
    const values = this.toRow(row, header);
    if (values !== undefined) this.usage.noted(values);
  }

  reset(): void {
    this.usage.forget();
  }

  /** Only an approve or joined row, and only while some link is counted, changes a count. */
  skips(status: string): boolean {
    return !CAME_IN.has(status) || !this.usage.countsAny;
  }

  save(): SavedCount[] {
    return this.usage.state();
  }

  restore(data: unknown): boolean {
    if (!Array.isArray(data)) return false;
    this.usage.restore(data as SavedCount[]);
    return true;
  }
}
