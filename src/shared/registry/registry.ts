/**
 * The invite registry, data/invite_data.txt: one row per invitee (left columns, the admin's) and the
 * invite link made for them (right columns, ours). Its columns, their checks and the row type come
 * from the one shape in `inviteColumns`.
 */
import type { z } from 'zod';
import { zodNow } from '../cli/lazy.js';
import { DataFileError } from '../errors.js';
import { cellStart } from '../files/table.js';
import { dateCell } from '../files/cells.js';
import { loadFile, scanFile, type DataFileWarning, type Entry, type FileSpec, type LoadOptions, type Loaded } from '../files/data-file.js';
import type { TableRow } from '../files/tsv.js';
import { characterCount, quote } from '../quote.js';
import { LinkIndex } from './match.js';
import { PackedInvites } from './packed-invites.js';
import { LINK_NAME_MAX, LINK_STATUSES, fitsLinkName, isLinkCell, isMaxMembersCell, maxMembersOf, quickInviteCells } from './row-rules.js';

export { LINK_NAME_MAX, LINK_STATUSES } from './row-rules.js';

/** The legacy columns, in the legacy order (the registry has no columns of ours). */
const inviteColumns = (zone: string, { z } = zodNow()) => ({
  id: z
    .string()
    .refine((s) => s.trim() !== '', { error: 'is empty; give each row a unique name of 1-32 characters (it becomes the invite link name)' })
    .refine(fitsLinkName, {
      error: (issue) => `${quote(String(issue.input))} is ${characterCount(String(issue.input))} characters; Telegram allows at most ${LINK_NAME_MAX} for a link name: shorten it`,
    }),
  id_adress: z.string(),
  link_path: z.string(),
  chat_id: z.string(),
  id_link: z.string(),
  link: z.string().refine(isLinkCell, { error: 'is not an invite link (https://t.me/+...); leave it blank and tg-get makes one' }),
  dt_create: dateCell(zone),
  dt_expire: dateCell(zone),
});

/**
 * Columns an admin adds at the end of the header when needed: a file without them reads as blank
 * cells, and no program adds them itself (the legacy file's header stays as it is).
 * `max_members`: how many distinct people the row's link may bring in (a personal link: 1); blank =
 * no limit (or tg-handler's --max-members). `link_status`: `revoked` has tg-get revoke the link.
 */
const optionalColumns = ({ z } = zodNow()) => ({
  max_members: z
    .string()
    .refine(isMaxMembersCell, {
      error: (issue) => `"${String(issue.input)}" is not a number of people; write a whole number, 1 or more (1 for a personal link), or leave it blank for no limit`,
    })
    .transform(maxMembersOf)
    .optional(),
  link_status: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim().toLowerCase())
    .pipe(z.enum(LINK_STATUSES, { error: (issue) => `"${String(issue.input)}" is not a link status; write revoked to have tg-get revoke the row's link, or leave it blank` })),
});

export const inviteSchema = (zone: string) => zodNow().z.object({ ...inviteColumns(zone), ...optionalColumns() });

/**
 * The legacy columns, which every registry header has (tg-get adds any that are missing when it
 * writes): the shape's keys, written out so that naming them loads no zod (a test holds them equal).
 */
export const INVITE_COLUMNS: readonly (keyof Invite)[] = ['id', 'id_adress', 'link_path', 'chat_id', 'id_link', 'link', 'dt_create', 'dt_expire'];

/** True when the row asks for its link to be revoked: tg-get revokes it, tg-handler and its QR code treat it as gone. */
export const isRevoked = (row: Pick<Invite, 'link_status'>): boolean => row.link_status === 'revoked';

export type Invite = z.output<ReturnType<typeof inviteSchema>>;

/** The registry's spec; its schema (and zod) is made when a row first needs it. */
export function inviteSpec(zone: string): FileSpec<Invite> {
  let schema: ReturnType<typeof inviteSchema> | undefined;
  return {
    expected: `the registry of invitees: a tab-separated header "${INVITE_COLUMNS.join(' ')}", then one row per invitee (leave link blank and tg-get makes it)`,
    columns: INVITE_COLUMNS,
    required: ['id', 'link'],
    appended: [],
    get schema() {
      return (schema ??= inviteSchema(zone));
    },
  };
}

/**
 * A link name must name one row only: the problem of a row whose id an earlier row took (naming that
 * row's line), or undefined after noting this row as the first with its id.
 */
function claimId(firstLine: Map<string, number>, file: string, entry: Entry<Invite>): DataFileError | undefined {
  const seen = firstLine.get(entry.value.id);
  if (seen === undefined) {
    firstLine.set(entry.value.id, entry.row.line);
    return undefined;
  }
  return new DataFileError(
    { file, line: entry.row.line, column: cellStart(entry.row, 0), field: 'id' },
    `${quote(entry.value.id)} is already the id on line ${seen}; ids name invite links and must be unique`,
  );
}

/** Sets aside, as a problem, every row whose id an earlier row took; the first keeps working. Pure. */
export function rejectDuplicateIds(loaded: Pick<Loaded<Invite>, 'table' | 'entries' | 'problems'>): void {
  const firstLine = new Map<string, number>();
  const kept: Entry<Invite>[] = [];
  for (const entry of loaded.entries) {
    const problem = claimId(firstLine, loaded.table.file, entry);
    if (problem === undefined) kept.push(entry);
    else loaded.problems.push(problem);
  }
  loaded.entries = kept;
}

/** Reads the registry (tg-get, the report), with every row whose id is already taken set aside as a problem. */
export async function readRegistry(file: string, zone: string, options: LoadOptions = {}): Promise<Loaded<Invite>> {
  const loaded = await loadFile(file, inviteSpec(zone), options);
  rejectDuplicateIds(loaded);
  return loaded;
}

/** Where the schema's columns are in a header: -1 when missing, the first of two same-named ones (as `rowObject` takes). */
type ColumnsAt = Record<keyof Invite, number>;

const SCHEMA_COLUMNS = [...INVITE_COLUMNS, 'max_members', 'link_status'] as const;

const columnsAt = (header: readonly string[]): ColumnsAt => Object.fromEntries(SCHEMA_COLUMNS.map((name) => [name, header.indexOf(name)])) as ColumnsAt;

const cellAt = (row: TableRow, index: number): string => (index < 0 ? '' : (row.cells[index] ?? ''));

/**
 * A registry row's value when every cell passes `inviteSchema` as it is (the same value, keys and
 * all), else undefined: the schema then decides, with its messages and warnings. Pure. Reading
 * 10,000 rows through zod made most of tg-handler's start-up garbage (BENCHMARKS.md, issue 15).
 */
export function quickInvite(row: TableRow, at: ColumnsAt, zone: string): Invite | undefined {
  const cell = (column: string): string => cellAt(row, at[column as keyof ColumnsAt] ?? -1);
  const checked = quickInviteCells(cell, zone);
  if (checked === undefined) return undefined;
  const value: Invite = {
    id: cell('id'),
    id_adress: cell('id_adress'),
    link_path: cell('link_path'),
    chat_id: cell('chat_id'),
    id_link: cell('id_link'),
    link: cell('link'),
    dt_create: checked.dtCreate,
    dt_expire: checked.dtExpire,
    link_status: checked.status,
  };
  // The column is optional: the schema gives the key only when the header has it.
  if (at.max_members < 0) return value;
  const { link_status, ...rest } = value;
  return { ...rest, max_members: maxMembersOf(cell('max_members')), link_status };
}

/**
 * `scanFile(file, name, inviteSpec(zone), onEntry, onWarning)` with `quickInvite` in front of the
 * schema: the same entries, problems and warnings, and zod runs only for a row that needs its
 * message (or warning). Throws as `scanFile` does.
 */
export function scanRegistry(
  file: string,
  name: string,
  zone: string,
  onEntry: (entry: Entry<Invite>) => DataFileError | undefined,
  onWarning: (warning: DataFileWarning) => void = () => {},
): Promise<DataFileError[]> {
  return scanFile(file, name, inviteSpec(zone), onEntry, onWarning, (header) => {
    const at = columnsAt(header);
    return (row) => quickInvite(row, at, zone);
  });
}

/** What tg-handler keeps of a registry row: what its decisions, rows, log lines and review cards use. */
export type IndexedInvite = Pick<Invite, 'id' | 'id_adress' | 'id_link' | 'link' | 'dt_expire' | 'max_members' | 'link_status'>;

/**
 * The registry as tg-handler needs it: an index of its usable rows, read row by row with no table
 * kept (the same rows and problems as `readRegistry`), each row packed (`PackedInvites`) with what
 * the handler uses of it and no more. Rows whose `link_status` is `revoked` are left out:
 * tg-handler treats their links as unknown.
 */
export async function indexRegistry(
  file: string,
  name: string,
  zone: string,
): Promise<{ index: LinkIndex<IndexedInvite>; problems: DataFileError[]; warnings: DataFileWarning[] }> {
  const firstLine = new Map<string, number>();
  const invites = new PackedInvites();
  const warnings: DataFileWarning[] = [];
  const problems = await scanRegistry(
    file,
    name,
    zone,
    (entry) => {
      const problem = claimId(firstLine, name, entry);
      // A revoked row keeps its id, but its link is no longer the registry's: requests through it are unknown.
      if (problem === undefined && !isRevoked(entry.value)) invites.push(entry.value);
      return problem;
    },
    (warning) => warnings.push(warning),
  );
  return { index: new LinkIndex(invites.seal()), problems, warnings };
}
