/**
 * Members now and retention per link, from the membership ledger (src/shared/join-log/ledger.ts,
 * the fold tg-handler and `tg-get members` use). The report feeds the ledger each row with the
 * registry line THE link rule gives it as the row's link (`memberKey`), so a person is counted
 * once, under the link of their latest join, exactly as their requests are. Pure.
 */
import type { Ledger } from '../../shared/join-log/ledger.js';
import type { Numbers } from './counts.js';

/** The ledger link of a join through a link the registry does not know (or none): not blank, so it replaces an earlier join's. */
export const UNATTRIBUTED_KEY = '-';

/** The ledger link of a join through registry line `index` (0-based, registry order). */
export const memberKey = (index: number): string => String(index);

const DAY_S = 86_400;

/**
 * Adds members now and the 7- and 30-day cohorts to `lines` (the registry rows in order, then the
 * unattributed line last). A cohort is the people whose latest join through the link was at least
 * 7 (30) days before `now`; those of them still in are kept. Without `now` there are no cohorts.
 */
export function countMembers(ledger: Ledger, now: Date | undefined, lines: readonly Numbers[]): void {
  const unattributed = lines[lines.length - 1]!;
  const nowS = now === undefined ? -Infinity : now.getTime() / 1000;
  // The ledger interns its links: a few thousand strings for a million people, each looked up once.
  const lineOf = new Map<string, Numbers>();
  ledger.forEachPerson((member, link, joined) => {
    let line = lineOf.get(link);
    if (line === undefined) {
      const index = link === UNATTRIBUTED_KEY || link === '' ? -1 : Number(link);
      line = index >= 0 && index < lines.length - 1 ? lines[index]! : unattributed;
      lineOf.set(link, line);
    }
    if (member) line.members += 1;
    if (joined <= 0) return;
    const age = nowS - joined;
    if (age >= 7 * DAY_S) {
      line.cohort7d += 1;
      if (member) line.kept7d += 1;
    }
    if (age >= 30 * DAY_S) {
      line.cohort30d += 1;
      if (member) line.kept30d += 1;
    }
  });
}
