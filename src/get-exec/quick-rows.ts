/**
 * The after-an-edit check's row tests, without zod: for a registry or schedule row (column name ->
 * cell, as `rowObject` makes it), what tg-get needs of it when its schema accepts it and its cells
 * carry no warning; undefined otherwise, and the run then takes the full path, where the schema
 * words the problem. tests/get-exec/quick-rows.test.ts holds these equal to the schemas in
 * shared/registry/registry.ts and shared/schedule/schedule.ts: a row either test accepts, both do.
 */
import { toUnixSeconds } from '../shared/dates.js';
import { quickDate, quickInviteCells } from '../shared/registry/row-rules.js';
import { POST_STATUSES } from '../shared/schedule/post-status.js';

const DONE_STATUSES: ReadonlySet<string> = new Set(['posted', 'missed']);
const ALL_STATUSES: ReadonlySet<string> = new Set(POST_STATUSES);

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
  const checked = quickInviteCells((column) => values[column] ?? '', zone);
  if (checked === undefined) return undefined;
  return { id: values.id ?? '', link: (values.link ?? '').trim(), expire: checked.dtExpire === null ? null : toUnixSeconds(checked.dtExpire), revoked: checked.status === 'revoked' };
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
  const due = quickDate(time, zone);
  if (due === undefined || due === null) return undefined;
  if (quickDate(values.dt_posted ?? '', zone) === undefined) return undefined;
  if (text.trim() === '' && file.trim() === '') return undefined;
  if (DONE_STATUSES.has(status)) return { kind: 'done' };
  // `sending` and `uncertain` rows are for the full run to report and mark.
  return status === '' ? { kind: 'waiting', dueMs: due.getTime() } : { kind: 'other' };
}
