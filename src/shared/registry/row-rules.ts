/**
 * The registry row's rules, without zod: the schema in registry.ts words a broken cell with them, and
 * the quick checks (tg-handler's registry read, tg-get's after-an-edit check) accept a row with them
 * without loading zod. One place for each rule, so the two cannot drift apart.
 */
import { parseDateTimeFit } from '../dates.js';
import { characterCount } from '../quote.js';

/**
 * Telegram's limit for an invite link's name, which is the row's `id`: 32 characters as Telegram
 * counts them (Unicode code points: TDLib cuts a name to 32 of them), so 32 emoji are 32, not 64.
 */
export const LINK_NAME_MAX = 32;

/** A row's `link_status`: blank for a working link, `revoked` to have tg-get revoke it. */
export const LINK_STATUSES = ['', 'revoked'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

const LINK_PATTERN = /^(https?:\/\/|tg:\/\/)\S+$/;

/** An `id` no longer than Telegram lets a link's name be. */
export const fitsLinkName = (id: string): boolean => characterCount(id) <= LINK_NAME_MAX;

/** An `id` cell the schema takes: not blank, and fits (`fitsLinkName`). */
export const isLinkName = (id: string): boolean => id.trim() !== '' && fitsLinkName(id);

/** A `link` cell the schema takes: blank (tg-get makes one) or an invite link. */
export const isLinkCell = (link: string): boolean => link.trim() === '' || LINK_PATTERN.test(link.trim());

/** A `max_members` cell the schema takes: blank (no limit) or a whole number of 1 or more. */
export const isMaxMembersCell = (cell: string): boolean => cell.trim() === '' || (/^\d{1,9}$/.test(cell.trim()) && Number(cell) >= 1);

/** A `max_members` cell's value, as the schema gives it: undefined when blank. Only for a cell `isMaxMembersCell` takes. */
export const maxMembersOf = (cell: string): number | undefined => (cell.trim() === '' ? undefined : Number(cell.trim()));

/** A `link_status` cell as the schema reads it (trimmed, lower case), or undefined when it is not one of LINK_STATUSES. */
export function linkStatusOf(cell: string): LinkStatus | undefined {
  const status = cell.trim().toLowerCase();
  return (LINK_STATUSES as readonly string[]).includes(status) ? (status as LinkStatus) : undefined;
}

/**
 * A date cell as the schema's `dateCell` reads it when it needs no word to the admin: null when
 * blank, undefined when the schema must decide (not a date, or a time a daylight-saving change skips
 * or repeats, about which the schema warns).
 */
export function quickDate(text: string, zone: string): Date | null | undefined {
  if (text.trim() === '') return null;
  const parsed = parseDateTimeFit(text, zone);
  return parsed === null || parsed.fit.kind !== 'exact' ? undefined : parsed.date;
}

/** What a quick check reads of a registry row that the schema takes with no warning. */
export interface QuickInviteCells {
  dtCreate: Date | null;
  dtExpire: Date | null;
  status: LinkStatus;
}

/**
 * The checked cells of a registry row (`cell` gives a column's text, '' when the header lacks it)
 * when the schema would take every one as it is with no warning, else undefined. Pure.
 */
export function quickInviteCells(cell: (column: string) => string, zone: string): QuickInviteCells | undefined {
  if (!isLinkName(cell('id')) || !isLinkCell(cell('link')) || !isMaxMembersCell(cell('max_members'))) return undefined;
  const status = linkStatusOf(cell('link_status'));
  if (status === undefined) return undefined;
  const dtCreate = quickDate(cell('dt_create'), zone);
  const dtExpire = quickDate(cell('dt_expire'), zone);
  if (dtCreate === undefined || dtExpire === undefined) return undefined;
  return { dtCreate, dtExpire, status };
}
