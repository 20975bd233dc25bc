/**
 * The after-an-edit check's row tests, without zod: for a registry or schedule row (column name ->
 * cell, as `rowObject` makes it), what tg-get needs of it when its schema accepts it and its cells
 * carry no warning; undefined otherwise, and the run then takes the full path, where the schema
 * words the problem. tests/get-exec/quick-rows.test.ts holds these equal to the schemas in
 * shared/registry/registry.ts and shared/schedule/schedule.ts: a row either test accepts, both do.
 */
import { parseDateTimeFit, toUnixSeconds } from '../shared/dates.js';
import { characterCount } from '../shared/quote.js';

// The schemas' own rules (registry.ts: LINK_NAME_MAX, linkPattern, LINK_STATUSES; schedule.ts: POST_STATUSES).
const LINK_NAME_MAX = 32;
const LINK_PATTERN = /^(https?:\/\/|tg:\/\/)\S+$/;
const DONE_STATUSES: ReadonlySet<string> = new Set(['posted', 'missed']);
const ALL_STATUSES: ReadonlySet<string> = new Set(['', 'sending', 'posted', 'uncertain', 'missed']);

/** A date cell that reads without a warning: blank is null; undefined when the schema fails or warns. */
function exactDate(text: string, zone: string): Date | null | undefined {
  if (text.trim() === '') return null;
  const parsed = parseDateTimeFit(text, zone);
  return parsed === null || parsed.fit.kind !== 'exact' ? undefined : parsed.date;
}

/** What the after-an-edit check needs of a registry row. */
export interface QuickInvite {
  id: string;
  /** The link, trimmed ('' when blank). */
  link: string;
  /** dt_expire in Unix seconds, as link-control.ts compares it; null for none. */
  expire: number | null;
  revoked: boolean;
}

/** A registry row's fields when `inviteSchema` accepts it with no warning, else undefined. Pure. */
export function quickInvite(values: Readonly<Record<string, string | undefined>>, zone: string): QuickInvite | undefined {
  const id = values.id ?? '';
  if (id.trim() === '' || characterCount(id) > LINK_NAME_MAX) return undefined;
  const link = (values.link ?? '').trim();
  if (link !== '' && !LINK_PATTERN.test(link)) return undefined;
  if (exactDate(values.dt_create ?? '', zone) === undefined) return undefined;
  const expire = exactDate(values.dt_expire ?? '', zone);
  if (expire === undefined) return undefined;
  const members = values.max_members;
  if (members !== undefined && members.trim() !== '' && !(/^\d{1,9}$/.test(members.trim()) && Number(members) >= 1)) return undefined;
  const status = (values.link_status ?? '').trim().toLowerCase();
  if (status !== '' && status !== 'revoked') return undefined;
  return { id, link, expire: expire === null ? null : toUnixSeconds(expire), revoked: status === 'revoked' };
}

/** What the after-an-edit check needs of a schedule row: done (posted, missed), or waiting for its time. */
export type QuickPost = { kind: 'done' } | { kind: 'waiting'; dueMs: number } | { kind: 'other' };

/** A schedule row's state when `scheduleSchema` accepts it with no warning, else undefined. Pure. */
export function quickPost(values: Readonly<Record<string, string | undefined>>, zone: string): QuickPost | undefined {
  const text = values.text ?? '';
  const file = values.file_path ?? '';
  const status = values.post_status ?? '';
  if (!ALL_STATUSES.has(status)) return undefined;
  const time = values.dt_time ?? '';
  if (time.trim() === '') return undefined;
  const due = exactDate(time, zone);
  if (due === undefined || due === null) return undefined;
  if (exactDate(values.dt_posted ?? '', zone) === undefined) return undefined;
  if (text.trim() === '' && file.trim() === '') return undefined;
  if (DONE_STATUSES.has(status)) return { kind: 'done' };
  // `sending` and `uncertain` rows are for the full run to report and mark.
  return status === '' ? { kind: 'waiting', dueMs: due.getTime() } : { kind: 'other' };
}
