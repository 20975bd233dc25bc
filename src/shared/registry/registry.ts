/**
 * The invite registry, data/invite_data.txt: one row per invitee (left columns, the admin's) and the
 * invite link made for them (right columns, ours).
 */
import { z } from 'zod';
import { DataFileError } from '../errors.js';
import { cellStart } from '../files/tsv.js';
import { dateCell } from '../files/cells.js';
import { loadFile, scanFile, type Entry, type FileSpec, type LoadOptions, type Loaded } from '../files/data-file.js';

export const INVITE_COLUMNS = ['id', 'id_adress', 'link_path', 'chat_id', 'id_link', 'link', 'dt_create', 'dt_expire'] as const;

/** Telegram's limit for an invite link's name, which is the row's `id`. */
export const LINK_NAME_MAX = 32;

const linkPattern = /^(https?:\/\/|tg:\/\/)\S+$/;

export function inviteSchema(zone: string) {
  return z.object({
    id: z
      .string()
      .refine((s) => s.trim() !== '', { error: 'is empty; give each row a unique name of 1-32 characters (it becomes the invite link name)' })
      .refine((s) => s.length <= LINK_NAME_MAX, { error: (issue) => `"${String(issue.input)}" is ${String(issue.input).length} characters; Telegram allows at most ${LINK_NAME_MAX} for a link name: shorten it` }),
    id_adress: z.string(),
    link_path: z.string(),
    chat_id: z.string(),
    id_link: z.string(),
    link: z.string().refine((s) => s.trim() === '' || linkPattern.test(s.trim()), { error: 'is not an invite link (https://t.me/+...); leave it blank and tg-get makes one' }),
    dt_create: dateCell(zone),
    dt_expire: dateCell(zone),
  });
}

export type Invite = z.output<ReturnType<typeof inviteSchema>>;

export function inviteSpec(zone: string): FileSpec<Invite> {
  return {
    expected: `the registry of invitees: a tab-separated header "${INVITE_COLUMNS.join(' ')}", then one row per invitee (leave link blank and tg-get makes it)`,
    columns: INVITE_COLUMNS,
    required: ['id', 'link'],
    appended: [],
    schema: inviteSchema(zone),
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
    `"${entry.value.id}" is already the id on line ${seen}; ids name invite links and must be unique`,
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

/** Reads the registry, with every row whose id is already taken set aside as a problem. */
export async function loadRegistry(file: string, zone: string, options: LoadOptions = {}): Promise<Loaded<Invite>> {
  const loaded = await loadFile(file, inviteSpec(zone), options);
  rejectDuplicateIds(loaded);
  return loaded;
}

/**
 * The registry as tg-handler needs it: an index of its usable rows, read row by row with no table
 * kept (the same rows and problems as `loadRegistry`), so memory holds the rows' values and no more.
 */
export async function indexRegistry(file: string, name: string, zone: string): Promise<{ index: InviteIndex; problems: DataFileError[] }> {
  const firstLine = new Map<string, number>();
  const invites: Invite[] = [];
  const problems = await scanFile(file, name, inviteSpec(zone), (entry) => {
    const problem = claimId(firstLine, name, entry);
    if (problem === undefined) invites.push(entry.value);
    return problem;
  });
  return { index: new InviteIndex(invites), problems };
}

/** Looks rows up the way a join request names its link: by the full URL, else by link name. */
export class InviteIndex {
  private readonly byLink = new Map<string, Invite>();
  private readonly byName = new Map<string, Invite>();

  constructor(invites: Iterable<Invite>) {
    for (const invite of invites) {
      const link = invite.link.trim();
      if (link !== '') this.byLink.set(link, invite);
      const name = invite.id_link.trim() || invite.id;
      if (link !== '' && !this.byName.has(name)) this.byName.set(name, invite);
    }
  }

  /**
   * The row for a join request's link. By the full URL first. Telegram shows a link made by another
   * administrator masked (`https://t.me/+AbCdEfGh…`); such a link matches by its name only when the
   * registry row's link begins with the visible part, so another admin's link that merely shares a
   * name is never taken for ours.
   */
  find(link: string | undefined, name: string | undefined): Invite | undefined {
    if (link !== undefined) {
      const hit = this.byLink.get(link);
      if (hit) return hit;
    }
    if (name === undefined || name === '') return undefined;
    const byName = this.byName.get(name);
    if (byName === undefined || link === undefined) return byName;
    const visible = link.endsWith('…') ? link.slice(0, -1) : null;
    return visible !== null && visible.length > 0 && byName.link.trim().startsWith(visible) ? byName : undefined;
  }

  get size(): number {
    return this.byLink.size;
  }
}
