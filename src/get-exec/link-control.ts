/**
 * The registry controls the links it already has: a row whose `dt_expire` no longer matches what
 * Telegram was told gets its link's expiry changed (editChatInviteLink); a row whose `link_status`
 * is `revoked` gets its link revoked (revokeChatInviteLink), once.
 *
 * What Telegram was told is remembered in tg-get's own file, data/.tg-get-links.json, keyed by the
 * link's URL: the registry stays the admin's (no column of ours is added to it), and the file can be
 * deleted at any time. A link the file does not know yet (just made, or made before this version)
 * is taken as having the expiry its row shows, which is what tg-get sent when it made it: it is noted,
 * and nothing is called. Edits and revocations are idempotent in Telegram, so two runs at once do no
 * harm; the last to write the file wins, with the same content.
 */
import path from 'node:path';
import { fileStore } from '../shared/cli/lazy.js';
import { parseChatId } from '../shared/config/schema.js';
import { formatDateTime, toUnixSeconds } from '../shared/dates.js';
import { DataFileError, formatPosition } from '../shared/errors.js';
import type { Entry, Loaded } from '../shared/files/data-file.js';
import { cellStart, columnIndex } from '../shared/files/table.js';
import { isRevoked, type Invite } from '../shared/registry/registry.js';
import { NetworkError } from '../shared/telegram/errors.js';
import { reportProblems, type StepContext } from './context.js';
import { describeFailure, isFatal } from './failures.js';
import { LINK_STATE_FILE, readLinkState, type LinkState, type Told } from './link-state.js';

export { LINK_STATE_FILE, readLinkState, type LinkState, type Told } from './link-state.js';

export type ControlJob =
  | { kind: 'expire'; entry: Entry<Invite>; chat: number | string; from: number | null; to: number | null }
  | { kind: 'revoke'; entry: Entry<Invite>; chat: number | string };

export interface ControlPlan {
  jobs: ControlJob[];
  /** Links seen for the first time: what their rows show, noted without a call. */
  noted: LinkState;
  problems: DataFileError[];
}

export interface ControlOptions {
  /** CHAT_ID, for rows without a usable chat_id of their own. */
  defaultChat: number | string | null;
  now: Date;
  zone: string;
  file: string;
  columnOf: (entry: Entry<Invite>, field: string) => number;
}

const expireOf = (row: Invite): number | null => (row.dt_expire === null ? null : toUnixSeconds(row.dt_expire));

/** What to change in Telegram so that each link matches its row. Pure. */
export function planControl(entries: readonly Entry<Invite>[], state: Readonly<LinkState>, options: ControlOptions): ControlPlan {
  const plan: ControlPlan = { jobs: [], noted: {}, problems: [] };
  const problem = (entry: Entry<Invite>, field: string, message: string) =>
    plan.problems.push(new DataFileError({ file: options.file, line: entry.row.line, column: options.columnOf(entry, field), field }, message));
  for (const entry of entries) {
    const row = entry.value;
    const link = row.link.trim();
    if (link === '') continue;
    const told = state[link];
    const chat = parseChatId(row.chat_id.trim()) ?? options.defaultChat;
    if (isRevoked(row)) {
      if (told?.revoked === true) continue;
      if (chat === null) problem(entry, 'chat_id', 'no group to revoke the link in: set CHAT_ID, or write the group id in this cell');
      else plan.jobs.push({ kind: 'revoke', entry, chat });
      continue;
    }
    if (told === undefined) {
      plan.noted[link] = { expire: expireOf(row), revoked: false };
      continue;
    }
    if (told.revoked) {
      problem(entry, 'link_status', 'this link was revoked, and Telegram cannot bring it back: clear the link cell (and link_status) to have tg-get make a new one');
      continue;
    }
    const to = expireOf(row);
    if (to === told.expire) continue;
    if (to !== null && to * 1000 <= options.now.getTime()) {
      problem(entry, 'dt_expire', `${formatDateTime(row.dt_expire!, options.zone)} has passed, so Telegram would refuse it; to end the link now, write revoked in link_status`);
    } else if (chat === null) {
      problem(entry, 'chat_id', 'no group to change the link in: set CHAT_ID, or write the group id in this cell');
    } else {
      plan.jobs.push({ kind: 'expire', entry, chat, from: told.expire, to });
    }
  }
  return plan;
}

async function writeLinkState(file: string, state: LinkState): Promise<void> {
  const { writeAtomic } = await fileStore();
  await writeAtomic(file, `${JSON.stringify({ version: 1, links: state }, null, 1)}\n`);
}

function shownExpire(unix: number | null, zone: string): string {
  return unix === null ? 'never' : formatDateTime(new Date(unix * 1000), zone);
}

function describeJob(job: ControlJob, zone: string): string {
  return job.kind === 'revoke' ? 'revoke its link' : `change its link's expiry from ${shownExpire(job.from, zone)} to ${shownExpire(job.to, zone)}`;
}

/**
 * Brings the links in Telegram in line with their rows, or (dry run) says what it would do. A
 * refusal (e.g. a link another admin made, which a bot may not edit) fails that row only.
 */
export async function controlLinks(ctx: StepContext, loaded: Loaded<Invite>): Promise<void> {
  const file = path.join(ctx.paths.dataDir, LINK_STATE_FILE);
  const state = readLinkState(file);
  const zone = ctx.config.zone;
  const plan = planControl(loaded.entries, state, {
    defaultChat: ctx.config.chatId,
    now: ctx.now(),
    zone,
    file: loaded.table.file,
    columnOf: (entry, field) => cellStart(entry.row, columnIndex(loaded.table, field)),
  });
  reportProblems(ctx, plan.problems);
  const where = (entry: Entry<Invite>) => `${formatPosition({ file: loaded.table.file, line: entry.row.line, column: 0 })} "${entry.value.id}"`;
  const count = (job: ControlJob) => (job.kind === 'revoke' ? ctx.tally.linksRevoked++ : ctx.tally.linksChanged++);
  if (ctx.dryRun) {
    for (const job of plan.jobs) {
      count(job);
      ctx.log.info(`would ${describeJob(job, zone)} for ${where(job.entry)}`);
    }
    return;
  }
  // Links no row has any more are forgotten; those just seen are noted.
  const live = new Set(loaded.entries.map((e) => e.value.link.trim()));
  const next: LinkState = Object.fromEntries(Object.entries(state).filter(([link]) => live.has(link)));
  Object.assign(next, plan.noted);
  let changed = Object.keys(next).length !== Object.keys(state).length || Object.keys(plan.noted).length > 0;
  try {
    const telegram = plan.jobs.length > 0 ? await ctx.telegram() : null;
    for (const job of plan.jobs) {
      if (ctx.stopping() || telegram === null) break;
      const { entry } = job;
      const link = entry.value.link.trim();
      const method = job.kind === 'revoke' ? 'revokeChatInviteLink' : 'editChatInviteLink';
      try {
        if (job.kind === 'revoke') {
          await telegram.revokeChatInviteLink(job.chat, link);
          next[link] = { expire: next[link]?.expire ?? expireOf(entry.value), revoked: true };
        } else {
          // editChatInviteLink replaces every setting: the name and the join request go with the new expiry (0: none).
          await telegram.editChatInviteLink(job.chat, link, { name: entry.value.id_link.trim() || entry.value.id, creates_join_request: true, expire_date: job.to ?? 0 });
          next[link] = { expire: job.to, revoked: false };
        }
        changed = true;
        count(job);
        ctx.log.info(`${where(entry)}: ${job.kind === 'revoke' ? 'link revoked' : `link now expires ${shownExpire(job.to, zone)}`}`);
      } catch (error) {
        if (isFatal(error) || error instanceof NetworkError) throw error;
        ctx.log.error(`${where(entry)}: could not ${describeJob(job, zone)}: ${describeFailure(method, error)}; tried again on the next run`);
        ctx.failRow(loaded.table.file, entry.row.line);
      }
    }
  } finally {
    if (changed) await writeLinkState(file, next);
  }
}
