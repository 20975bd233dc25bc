/**
 * Which registry rows need an invite link, in which group, expiring when. A row's own `chat_id` cell
 * names its group when it holds a valid id; a cell a spreadsheet mangled (`-1,00E+12`) is reported
 * once and the group of CHAT_ID is used instead.
 */
import { parseChatId } from '../shared/config/schema.js';
import { formatDateTime } from '../shared/dates.js';
import { DataFileError } from '../shared/errors.js';
import { isRevoked, type Invite } from '../shared/registry/registry.js';
import type { Entry } from '../shared/files/data-file.js';
import { cellStart, columnIndex } from '../shared/files/table.js';
import { type Table } from '../shared/files/tsv.js';
import { DAY_MS } from '../shared/zone.js';

export interface LinkJob {
  entry: Entry<Invite>;
  chat: number | string;
  /** When the link stops working; null for never. */
  expire: Date | null;
  /** True when `expire` comes from --expire-days, so dt_expire must be written; the admin's own cell is kept as typed. */
  writeExpire: boolean;
}

export interface LinkPlan {
  jobs: LinkJob[];
  problems: DataFileError[];
  /** Rows whose chat_id cell is not a chat id, by cell text: lines, for one warning each. */
  mangledChats: Map<string, number[]>;
}

export interface LinkPlanOptions {
  table: Table;
  /** CHAT_ID, or null when it is not set. */
  defaultChat: number | string | null;
  /** --expire-days; null when not given. */
  expireDays: number | null;
  now: Date;
  zone: string;
}


/** Plans a link for every usable row whose `link` is blank. Pure. */
export function planLinks(entries: readonly Entry<Invite>[], options: LinkPlanOptions): LinkPlan {
  const plan: LinkPlan = { jobs: [], problems: [], mangledChats: new Map() };
  const at = (entry: Entry<Invite>, field: string) => ({
    file: options.table.file,
    line: entry.row.line,
    column: cellStart(entry.row, columnIndex(options.table, field)),
    field,
  });
  for (const entry of entries) {
    const row = entry.value;
    // A revoked row gets no new link: clearing link_status asks for one.
    if (row.link.trim() !== '' || isRevoked(row)) continue;
    const cell = row.chat_id.trim();
    let chat: number | string | null = options.defaultChat;
    if (cell !== '') {
      const own = parseChatId(cell);
      if (own !== null) chat = own;
      else plan.mangledChats.set(cell, [...(plan.mangledChats.get(cell) ?? []), entry.row.line]);
    }
    if (chat === null) {
      plan.problems.push(new DataFileError(at(entry, 'chat_id'), 'no group to make the link in: set CHAT_ID, or write the group id (e.g. -1001234567890) in this cell'));
      continue;
    }
    let expire = row.dt_expire;
    let writeExpire = false;
    if (expire !== null) {
      if (expire.getTime() <= options.now.getTime()) {
        plan.problems.push(
          new DataFileError(at(entry, 'dt_expire'), `${formatDateTime(expire, options.zone)} has passed, so the link would be dead at birth; clear the cell or give a later time`),
        );
        continue;
      }
    } else if (options.expireDays !== null) {
      expire = new Date(options.now.getTime() + options.expireDays * DAY_MS);
      writeExpire = true;
    }
    plan.jobs.push({ entry, chat, expire, writeExpire });
  }
  return plan;
}
