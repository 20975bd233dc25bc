/**
 * The links step: an invite link (creates_join_request, named after the row's id) for every registry
 * row whose `link` is blank, written into the row as soon as Telegram returns it.
 */
import { formatDateTime, formatDateTimeCell, toUnixSeconds } from '../shared/dates.js';
import { inviteSpec, readRegistry, type Invite } from '../shared/registry/registry.js';
import { saveFile, type Loaded } from '../shared/files/data-file.js';
import { formatPosition } from '../shared/errors.js';
import { setCells } from '../shared/files/table.js';
import { quote } from '../shared/quote.js';
import { reportProblems, reportWarnings, stopForOutage, type StepContext } from './context.js';
import { describeFailure, isFatal, outageOf, refusesChat } from './failures.js';
import { planLinks, type LinkJob, type LinkPlan } from './link-plan.js';
import { runLockedStep } from './locked-step.js';
import { CoalescingSaver } from './saver.js';

export interface LinksOptions {
  /** --expire-days: links of rows without dt_expire expire this many days after they are made. */
  expireDays: number | null;
}

/** Reads the registry with its duplicate ids set aside. */
export async function loadRegistry(ctx: StepContext): Promise<Loaded<Invite>> {
  return readRegistry(ctx.paths.registry, ctx.config.zone);
}

/** The links this run makes (or would make, in a dry run) in `loaded`. */
export function plan(ctx: StepContext, loaded: Loaded<Invite>, options: LinksOptions): LinkPlan {
  return planLinks(loaded.entries, {
    table: loaded.table,
    defaultChat: ctx.config.chatId,
    expireDays: options.expireDays,
    now: ctx.now(),
    zone: ctx.config.zone,
  });
}

function where(loaded: Loaded<Invite>, job: LinkJob): string {
  return `${formatPosition({ file: loaded.table.file, line: job.entry.row.line, column: 0 })} ${quote(job.entry.value.id)}`;
}

function reportPlan(ctx: StepContext, loaded: Loaded<Invite>, linkPlan: LinkPlan): void {
  reportWarnings(ctx, loaded.warnings);
  reportProblems(ctx, [...loaded.problems, ...linkPlan.problems]);
  for (const [text, lines] of linkPlan.mangledChats) {
    const fallback = ctx.config.chatId === null ? 'and CHAT_ID is not set' : `so CHAT_ID (${ctx.config.chatId}) is used`;
    ctx.log.warn(
      `${loaded.table.file}: chat_id ${quote(text)} on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} is not a group id (a spreadsheet may have turned it into a number), ${fallback}; write the full id, e.g. -1001234567890, or clear the cell`,
    );
  }
}

/**
 * Makes the missing links. Returns the registry as it stands afterwards, for the QR step, or null
 * when another run held the registry and the step was left to it.
 */
export async function makeLinks(ctx: StepContext, options: LinksOptions): Promise<Loaded<Invite> | null> {
  const file = ctx.paths.registry;
  let reported: Loaded<Invite> | null = null;
  const result = await runLockedStep(ctx, {
    file,
    what: 'making links',
    load: () => loadRegistry(ctx),
    hasWork: (loaded) => plan(ctx, loaded, options).jobs.length > 0,
    work: async (loaded, held) => {
      reported = loaded;
      await createLinks(ctx, loaded, plan(ctx, loaded, options), held);
    },
  });
  if (result !== null && reported === null) {
    const linkPlan = plan(ctx, result, options);
    reportPlan(ctx, result, linkPlan);
    for (const job of linkPlan.jobs) {
      ctx.tally.linksMade++;
      ctx.log.info(`would make a link for ${where(result, job)} in chat ${job.chat}${job.expire ? `, expiring ${formatDateTime(job.expire, ctx.config.zone)}` : ''}`);
    }
  }
  return result;
}

async function createLinks(ctx: StepContext, loaded: Loaded<Invite>, linkPlan: LinkPlan, held: () => boolean): Promise<void> {
  reportPlan(ctx, loaded, linkPlan);
  const spec = inviteSpec(ctx.config.zone);
  const saver = new CoalescingSaver(() => saveFile(loaded, spec));
  const refused = new Map<string, string>();
  const total = linkPlan.jobs.length;
  const telegram = await ctx.telegram();
  let done = 0;
  for (const job of linkPlan.jobs) {
    if (ctx.stopping() || !held() || ctx.outage !== null) break;
    saver.check();
    done++;
    const { entry } = job;
    const chatRefusal = refused.get(String(job.chat));
    if (chatRefusal !== undefined) {
      ctx.log.error(`${where(loaded, job)}: not tried, chat ${job.chat} refused an earlier link in this run: ${chatRefusal}`);
      ctx.failRow(loaded.table.file, entry.row.line);
      continue;
    }
    try {
      const link = await telegram.createChatInviteLink(job.chat, {
        name: entry.value.id,
        creates_join_request: true,
        ...(job.expire ? { expire_date: toUnixSeconds(job.expire) } : {}),
      });
      const cells: Record<string, string> = {
        id_link: link.name ?? entry.value.id,
        link: link.invite_link,
        dt_create: formatDateTimeCell(ctx.now(), ctx.config.zone),
      };
      if (job.writeExpire && job.expire) cells.dt_expire = formatDateTimeCell(job.expire, ctx.config.zone);
      setCells(loaded.table, entry.row, cells);
      entry.value = { ...entry.value, id_link: cells.id_link!, link: link.invite_link };
      void saver.request();
      ctx.tally.linksMade++;
      ctx.log.info(`links ${done}/${total}: ${where(loaded, job)} -> ${link.invite_link}`);
    } catch (error) {
      if (isFatal(error)) {
        await saver.flush();
        throw error;
      }
      const message = describeFailure('createChatInviteLink', error);
      ctx.failRow(loaded.table.file, entry.row.line);
      const outage = outageOf(error, ctx.now());
      if (outage !== null) {
        stopForOutage(ctx, outage, where(loaded, job), `no link made: ${message}`, `this row and ${total - done} more without a link are`);
        break;
      }
      if (refusesChat(error)) refused.set(String(job.chat), message);
      ctx.log.error(`${where(loaded, job)}: no link made: ${message}; the row is tried again on the next run`);
    }
  }
  await saver.flush();
}
