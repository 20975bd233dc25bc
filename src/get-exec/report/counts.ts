/**
 * What the report counts per link: requests by their latest outcome, membership events, and the
 * members now with their retention. Kept as plain numbers while rows are added (see Tally in
 * aggregate.ts: a Date held per link until its next join lived long enough to reach the old heap).
 */

/** The counted numbers of one link (or of the unattributed line, or of the totals). */
export interface Numbers {
  /** Requests the bot approved (`approve` rows). */
  approved: number;
  declined: number;
  /** Requests still waiting: a pending row later decided counts as its decision only. */
  pending: number;
  missing: number;
  /** Joins by any other path (`joined` rows: approved by an admin in the app, a link without requests, an add). */
  joined: number;
  left: number;
  removed: number;
  /** In the group now, by the ledger: each person once, under the link of their latest join. */
  members: number;
  /** People whose latest join through this link was at least 7 days before `now`, and of them those still in. */
  cohort7d: number;
  kept7d: number;
  /** The same for 30 days. */
  cohort30d: number;
  kept30d: number;
}

/** Counts of one line of the report, with the first and last approved join. */
export interface Counts extends Numbers {
  firstJoin: Date | null;
  lastJoin: Date | null;
}

/** The names of the numbers, in the CSV's order. */
export const NUMBER_FIELDS = ['approved', 'declined', 'pending', 'missing', 'joined', 'left', 'removed', 'members', 'cohort7d', 'kept7d', 'cohort30d', 'kept30d'] as const satisfies readonly (keyof Numbers)[];

export const emptyNumbers = (): Numbers => ({ approved: 0, declined: 0, pending: 0, missing: 0, joined: 0, left: 0, removed: 0, members: 0, cohort7d: 0, kept7d: 0, cohort30d: 0, kept30d: 0 });

/** Counts with nothing counted yet. */
export const emptyCounts = (): Counts => ({ ...emptyNumbers(), firstJoin: null, lastJoin: null });

/** Requests and membership events of a line: zero when the line has nothing to show. */
export const events = (c: Numbers): number => c.approved + c.declined + c.pending + c.missing + c.joined + c.left + c.removed + c.members;

/** Requests only (the legacy report's sum). */
export const requests = (c: Numbers): number => c.approved + c.declined + c.pending + c.missing;

/** The share of a cohort still in, 0..1, or null when the cohort is empty (shown blank). */
export function retention(kept: number, cohort: number): number | null {
  return cohort === 0 ? null : kept / cohort;
}

/** A share as a percentage for the table, the CSV and the page: `67%`, blank for none. */
export function percent(share: number | null): string {
  return share === null ? '' : `${Math.round(share * 100)}%`;
}

/** Adds `from` into `into`. */
export function merge(into: Counts, from: Counts): void {
  for (const field of NUMBER_FIELDS) into[field] += from[field];
  if (from.firstJoin !== null && (into.firstJoin === null || from.firstJoin < into.firstJoin)) into.firstJoin = from.firstJoin;
  if (from.lastJoin !== null && (into.lastJoin === null || from.lastJoin > into.lastJoin)) into.lastJoin = from.lastJoin;
}

/**
 * Whether the join log records membership (any joined, left or removed row counted): without one it
 * cannot know who left, so members and retention would only repeat the approvals and are not shown.
 */
export const tracksMembership = (totals: Numbers): boolean => totals.joined + totals.left + totals.removed > 0;

/**
 * Counts per link while rows are added (ReportAccumulator), the unattributed line last, in one typed array of STRIDE numbers a line:
 * an object per link (10,000 of them, each with its joins' times as boxed numbers) made the counting
 * three times slower than this over 1,000,000 rows.
 */
export const [APPROVED, DECLINED, PENDING, MISSING, JOINED, LEFT, REMOVED, FIRST, LAST, STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** A line's counts (members and retention are added later, members.ts). One literal: rows built by spreads left about 1.4 KB of garbage each. */
export function counted(t: Float64Array, line: number): Counts {
  const at = line * STRIDE;
  const first = t[at + FIRST]!;
  const last = t[at + LAST]!;
  return {
    approved: t[at + APPROVED]!,
    declined: t[at + DECLINED]!,
    pending: t[at + PENDING]!,
    missing: t[at + MISSING]!,
    joined: t[at + JOINED]!,
    left: t[at + LEFT]!,
    removed: t[at + REMOVED]!,
    members: 0,
    cohort7d: 0,
    kept7d: 0,
    cohort30d: 0,
    kept30d: 0,
    firstJoin: first === Infinity ? null : new Date(first),
    lastJoin: last === -Infinity ? null : new Date(last),
  };
}
