/**
 * `tg-get members`: catching the leaves Telegram did not send. Telegram can miss chat_member updates
 * in large groups, and keeps none for longer than a day while tg-handler is down; getChatMember is
 * the only way to be sure. This asks about every person the join log's ledger knows, paced, and
 * records `left`/`removed` for members who are gone and `joined` for people gone who are in again,
 * through the same MembershipLog as tg-handler, so both may run at once and a leave is written once.
 */
import { existsSync } from 'node:fs';
import type { ChatMember } from 'telegraf/types';
import type { RunResult } from '../shared/cli/exit.js';
import { LockBusyError } from '../shared/errors.js';
import { withFileLock } from '../shared/files/lock.js';
import { displayPath } from '../shared/files/store.js';
import { ResponseLog } from '../shared/join-log/append.js';
import type { LedgerEntry } from '../shared/join-log/ledger.js';
import { LedgerFile } from '../shared/join-log/ledger-file.js';
import { reconcileRow } from '../shared/join-log/member-status.js';
import { MembershipLog } from '../shared/join-log/membership-log.js';
import type { ResponseCells } from '../shared/join-log/schema.js';
import type { StepContext } from './context.js';
import { describeFailure, isFatal, refusesChat } from './failures.js';

export interface MembersOptions {
  /** getChatMember calls per second at most (Telegram allows a bot about 30 requests a second in all). */
  checksPerSecond: number;
}

/** How often at most a progress line is printed while checking. */
export const PROGRESS_EVERY_MS = 10_000;

/** What the run found, for the summary line. */
interface Counts {
  checked: number;
  gone: number;
  back: number;
  failed: number;
}

/** `members: checked 120 of 4000: 3 gone, 1 back, 0 failed`. */
function progress(counts: Counts, total: number, dryRun: boolean): string {
  const will = dryRun ? 'to record ' : '';
  return `members: checked ${counts.checked} of ${total}: ${counts.gone} gone, ${counts.back} back ${will}(${counts.failed} failed)`;
}

/** How a recorded (or would-be) row is shown: `left: user 4201 (@anna) in -100123, joined via "flyer"`. */
function describeRow(row: ResponseCells): string {
  const who = `user ${row.id_tg}${row.tg_username ? ` (@${row.tg_username})` : ''}`;
  const via = row.id_link === '' ? '' : `, joined via "${row.id_link}"`;
  return `${row.tg_responde_status}: ${who} in ${row.chat_id}${via}`;
}

/** Where the ledger comes from: read only (a dry run), or the join log opened for membership rows. */
interface Source {
  people: LedgerEntry[];
  record: (entry: LedgerEntry, chat: string, answer: ChatMember) => Promise<ResponseCells | null>;
  close: () => Promise<void>;
}

async function openSource(ctx: StepContext): Promise<Source> {
  const file = ctx.paths.joinLog;
  const name = displayPath(file);
  const defaultChat = ctx.config.chatId === null ? '' : String(ctx.config.chatId);
  const { zone } = ctx.config;
  if (ctx.dryRun) {
    const source = new LedgerFile(file, name, zone, defaultChat);
    await source.catchUp();
    return {
      people: [...source.ledger.entries()],
      record: async (entry, chat, answer) => reconcileRow(chat, source.ledger.get(entry.chat, entry.user), answer, ctx.now(), zone),
      close: async () => {},
    };
  }
  // One read of the join log for both the redelivery keys and the ledger, as tg-handler starts.
  const source = new LedgerFile(file, name, zone, defaultChat);
  const { log } = await ResponseLog.open(file, name, zone, { now: ctx.now, ledger: source });
  const members = MembershipLog.over(source, log, { defaultChat, lockWaitMs: ctx.lockWaitMs });
  return {
    people: [...members.ledger.entries()],
    // Decided again on the ledger as the file has it then: tg-handler may have recorded the leave meanwhile.
    record: (entry, chat, answer) => members.write((ledger) => reconcileRow(chat, ledger.get(entry.chat, entry.user), answer, ctx.now(), zone)),
    close: async () => {
      await members.close();
      await log.close();
    },
  };
}

/** Asks Telegram about each person, paced; records what disagrees with the ledger. */
async function checkAll(ctx: StepContext, source: Source, options: MembersOptions): Promise<Counts> {
  const counts: Counts = { checked: 0, gone: 0, back: 0, failed: 0 };
  const people = source.people.filter((p) => p.chat !== '');
  const unplaced = source.people.length - people.length;
  if (unplaced > 0) ctx.log.warn(`members: ${unplaced} person(s) of legacy rows have no chat_id and CHAT_ID is not set, so they cannot be checked; set CHAT_ID to the group`);
  const inNow = people.filter((p) => p.member).length;
  const gapMs = 1000 / options.checksPerSecond;
  const seconds = Math.ceil((people.length * gapMs) / 1000);
  const eta = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  ctx.log.info(`members: asking Telegram about ${people.length} person(s) (${inNow} member(s), ${people.length - inNow} gone), at most ${options.checksPerSecond} a second: about ${eta}`);
  const telegram = await ctx.telegram();
  const refusedChats = new Set<string>();
  let lastCallMs = Number.NEGATIVE_INFINITY;
  let lastProgressMs = ctx.now().getTime();
  for (const person of people) {
    if (ctx.stopping()) break;
    if (refusedChats.has(person.chat)) {
      counts.failed++;
      continue;
    }
    const wait = lastCallMs + gapMs - ctx.now().getTime();
    if (wait > 0) await ctx.sleep(wait);
    lastCallMs = ctx.now().getTime();
    let answer: ChatMember;
    try {
      answer = await telegram.getChatMember(person.chat, Number(person.user));
    } catch (error) {
      if (isFatal(error)) throw error;
      counts.failed++;
      if (refusesChat(error)) {
        refusedChats.add(person.chat);
        ctx.log.error(`members: group ${person.chat}: ${describeFailure('getChatMember', error)}; its people are not checked`);
      } else {
        ctx.log.warn(`members: user ${person.user} in ${person.chat}: ${describeFailure('getChatMember', error)}`);
      }
      continue;
    }
    counts.checked++;
    const row = await source.record(person, person.chat, answer);
    if (row !== null) {
      if (row.tg_responde_status === 'joined') counts.back++;
      else counts.gone++;
      ctx.log.info(`members: ${ctx.dryRun ? 'would record' : 'recorded'} ${describeRow(row)}`);
    }
    if (ctx.now().getTime() - lastProgressMs >= PROGRESS_EVERY_MS) {
      lastProgressMs = ctx.now().getTime();
      ctx.log.info(progress(counts, people.length, ctx.dryRun));
    }
  }
  ctx.log.info(progress(counts, people.length, ctx.dryRun));
  return counts;
}

/**
 * Runs `tg-get members`. Only one run at a time: a run that finds another still going (a big group
 * takes a while at 20 checks a second) leaves it to that one. Throws what stops the whole run (a
 * refused token, a join log that cannot be read or written).
 */
export async function checkMembers(ctx: StepContext, options: MembersOptions): Promise<RunResult> {
  const file = ctx.paths.joinLog;
  if (!existsSync(file)) {
    ctx.log.info(`members: ${displayPath(file)} does not exist yet: nobody to check`);
    return { rowsFailed: 0, stopped: false, unusable: [] };
  }
  const run = async (): Promise<RunResult> => {
    const source = await openSource(ctx);
    try {
      const counts = await checkAll(ctx, source, options);
      return { rowsFailed: counts.failed, stopped: ctx.stopping(), unusable: [] };
    } finally {
      await source.close();
    }
  };
  if (ctx.dryRun) return run();
  try {
    return await withFileLock(`${file}.members`, run, { waitMs: 0 });
  } catch (error) {
    if (!(error instanceof LockBusyError) || error.file !== displayPath(`${file}.members`)) throw error;
    ctx.log.warn(`members: another tg-get members is still checking (${displayPath(file)}.members.lock); leaving it to that run`);
    return { rowsFailed: 0, stopped: false, unusable: [] };
  }
}
