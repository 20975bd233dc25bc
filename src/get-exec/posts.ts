/**
 * The posts step: each due schedule row goes to the group once. The row is marked `sending` on disk
 * before each call and `posted` (with the message ids) as soon as Telegram confirms, so a run killed
 * mid-call leaves a row that the next run reports as uncertain instead of sending it twice.
 */
import { statSync } from 'node:fs';
import type { Telegram } from 'telegraf';
import { formatDateTime, formatDateTimeCell } from '../shared/dates.js';
import { formatPosition } from '../shared/errors.js';
import type { Entry, Loaded } from '../shared/files/data-file.js';
import { loadFile, saveFile } from '../shared/files/data-file.js';
import { scheduleSpec, type PostStatus, type ScheduledPost } from '../shared/schedule/schedule.js';
import { displayPath } from '../shared/files/store.js';
import { ensureColumns, setCells } from '../shared/files/table.js';
import { reportProblems, reportWarnings, stopForOutage, type StepContext } from './context.js';
import { NetworkError } from '../shared/telegram/errors.js';
import { certainlyNotSent, describeFailure, isFatal, outageOf } from './failures.js';
import { Pacer, GROUP_SENDS_PER_MINUTE } from './pacer.js';
import { findPicture } from './picture.js';
import { planHasWork, planPosts, sentIds, type PostPlan } from './post-plan.js';
import { runLockedStep } from './locked-step.js';
import { CAPTION_LIMIT, MESSAGE_LIMIT, splitPost } from './split-text.js';


export interface PostsOptions {
  /** --max-late in ms: rows overdue by more are marked missed. */
  maxLateMs: number | null;
  /** --retry-uncertain: send `uncertain` rows again. */
  retryUncertain: boolean;
  /** Messages allowed to the group per rolling minute. */
  sendsPerMinute?: number;
}

/** One Telegram message of a post. */
type Piece = { kind: 'photo'; file: string; caption: string } | { kind: 'text'; text: string };

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Sends in a row whose answer was lost after which the step stops (each of them is `uncertain`). */
const LOST_ANSWERS_TO_STOP = 2;

const uncertainAdvice = 'look in the group: if it is there, set post_status to posted; if not, clear post_status or run "tg-get posts --retry-uncertain" to send it again';

/**
 * The posts step. Returns when the next waiting row falls due (ms, or null for none) when the step
 * found nothing to do and changed nothing; undefined when it worked or was left to another run.
 * `onChecked` gets the schedule as read when the step had nothing to do.
 */
export async function sendPosts(ctx: StepContext, options: PostsOptions, onChecked?: (loaded: Loaded<ScheduledPost>) => void): Promise<number | null | undefined> {
  const file = ctx.paths.schedule;
  const spec = scheduleSpec(ctx.config.zone);
  const plan = (loaded: Loaded<ScheduledPost>) => planPosts(loaded.entries, { now: ctx.now(), maxLateMs: options.maxLateMs, retryUncertain: options.retryUncertain });
  let worked = false;
  const result = await runLockedStep(ctx, {
    file,
    what: 'sending posts',
    load: () => loadFile(file, spec),
    hasWork: (loaded) => planHasWork(plan(loaded)),
    work: async (loaded, held) => {
      worked = true;
      const postPlan = plan(loaded);
      report(ctx, loaded, postPlan);
      await new Poster(ctx, loaded, options, held).run(postPlan);
    },
  });
  if (result !== null && !worked) {
    const postPlan = plan(result);
    report(ctx, result, postPlan);
    onChecked?.(result);
    if (ctx.dryRun) describeDryRun(ctx, result, postPlan);
    // Uncertain rows wait for the admin: keep the reminder coming every run rather than go quiet.
    return postPlan.uncertain.length > 0 ? undefined : postPlan.nextDueMs;
  }
  return undefined;
}

function where(loaded: Loaded<ScheduledPost>, entry: Entry<ScheduledPost>): string {
  return formatPosition({ file: loaded.table.file, line: entry.row.line, column: 0 });
}

function report(ctx: StepContext, loaded: Loaded<ScheduledPost>, postPlan: PostPlan): void {
  reportWarnings(ctx, loaded.warnings);
  reportProblems(ctx, loaded.problems);
  for (const entry of postPlan.uncertain) ctx.log.warn(`${where(loaded, entry)}: uncertain: an earlier send got no answer, so this post may be in the group already; ${uncertainAdvice}`);
}

function describeDryRun(ctx: StepContext, loaded: Loaded<ScheduledPost>, postPlan: PostPlan): void {
  const zone = ctx.config.zone;
  for (const entry of postPlan.interrupted) ctx.log.info(`would mark ${where(loaded, entry)} uncertain: a run stopped while sending it`);
  for (const entry of postPlan.missed) ctx.log.info(`would mark ${where(loaded, entry)} missed: due ${formatDateTime(entry.value.dt_time, zone)}, later than --max-late`);
  for (const entry of postPlan.due) {
    const pieces = piecesOf(ctx, loaded, entry);
    if (pieces === null) continue;
    ctx.tally.postsSent++;
    const left = pieces.slice(sentIds(entry.value).length);
    ctx.log.info(`would send ${where(loaded, entry)} (due ${formatDateTime(entry.value.dt_time, zone)}): ${left.map((p) => (p.kind === 'photo' ? `photo ${displayPath(p.file)}` : `${p.text.length} characters`)).join(' + ')}`);
  }
}

/** The messages a row becomes, or null (reported as the row's failure) when its picture is missing. */
function piecesOf(ctx: StepContext, loaded: Loaded<ScheduledPost>, entry: Entry<ScheduledPost>): Piece[] | null {
  const picture = findPicture(entry.value.file_path, ctx.paths.assetsDir, isFile);
  if (picture.kind === 'missing') {
    ctx.log.error(`${where(loaded, entry)} (file_path): picture not found: ${picture.tried.map((f) => displayPath(f)).join(', then ')}; put the file in ${displayPath(ctx.paths.assetsDir)}/ or fix the path`);
    ctx.failRow(loaded.table.file, entry.row.line);
    return null;
  }
  if (picture.kind === 'none') return splitPost(entry.value.text, MESSAGE_LIMIT).map((text) => ({ kind: 'text', text }));
  if (picture.fallbackFrom !== undefined) {
    ctx.log.warn(`${where(loaded, entry)} (file_path): ${picture.fallbackFrom} does not exist; using ${displayPath(picture.file)} instead`);
  }
  const [caption = '', ...rest] = splitPost(entry.value.text, CAPTION_LIMIT);
  return [{ kind: 'photo', file: picture.file, caption }, ...rest.map((text): Piece => ({ kind: 'text', text }))];
}

/** Sends the due rows of one locked, freshly read schedule. */
class Poster {
  private readonly spec;
  private pacer: Pacer | null = null;
  private telegram: Telegram | null = null;
  /** Sends in a row whose answer was lost: one is bad luck, two mean Telegram cannot be reached now. */
  private lostInARow = 0;

  constructor(
    private readonly ctx: StepContext,
    private readonly loaded: Loaded<ScheduledPost>,
    private readonly options: PostsOptions,
    private readonly held: () => boolean,
  ) {
    this.spec = scheduleSpec(ctx.config.zone);
    ensureColumns(loaded.table, [...this.spec.columns, ...this.spec.appended]);
  }

  async run(postPlan: PostPlan): Promise<void> {
    const { ctx, loaded } = this;
    for (const entry of postPlan.interrupted) {
      this.mark(entry, 'uncertain');
      ctx.log.error(`${where(loaded, entry)}: an earlier run stopped while sending this post, so it may be in the group already; marked uncertain; ${uncertainAdvice}`);
      ctx.failRow(loaded.table.file, entry.row.line);
    }
    for (const entry of postPlan.missed) {
      this.mark(entry, 'missed');
      ctx.log.warn(`${where(loaded, entry)}: due ${formatDateTime(entry.value.dt_time, ctx.config.zone)}, later than --max-late allows; marked missed, not sent`);
    }
    if (postPlan.interrupted.length + postPlan.missed.length > 0) await this.save();
    this.pacer = new Pacer(this.perMinute, () => ctx.now().getTime(), ctx.sleep, postPlan.recentSends);
    for (const [i, entry] of postPlan.due.entries()) {
      if (ctx.stopping() || !this.held() || ctx.outage !== null) break;
      await this.post(entry, postPlan.due.length - i - 1);
    }
  }

  private get perMinute(): number {
    return this.options.sendsPerMinute ?? GROUP_SENDS_PER_MINUTE;
  }

  private mark(entry: Entry<ScheduledPost>, status: PostStatus, extra: Record<string, string> = {}): void {
    setCells(this.loaded.table, entry.row, { post_status: status, ...extra });
    entry.value = { ...entry.value, post_status: status };
  }

  private save(): Promise<void> {
    return saveFile(this.loaded, this.spec);
  }

  /** Sends one row; `after` due rows follow it in this run. */
  private async post(entry: Entry<ScheduledPost>, after: number): Promise<void> {
    const { ctx, loaded } = this;
    const pieces = piecesOf(ctx, loaded, entry);
    if (pieces === null) return;
    const chat = ctx.config.chatId!;
    const ids = sentIds(entry.value);
    if (ids.length >= pieces.length) {
      // Every piece went out in an earlier run that stopped before marking the row.
      this.mark(entry, 'posted');
      await this.save();
    }
    for (let i = ids.length; i < pieces.length; i++) {
      const stop = () => ctx.stopping() || !this.held();
      if (stop()) return;
      this.telegram ??= await ctx.telegram();
      const ready = await this.pacer!.ready((ms) => ctx.log.info(`waiting ${Math.ceil(ms / 1000)} s to stay under ${this.perMinute} messages a minute in the group`), stop);
      if (!ready) return;
      this.mark(entry, 'sending');
      await this.save();
      const piece = pieces[i]!;
      const method = piece.kind === 'photo' ? 'sendPhoto' : 'sendMessage';
      try {
        const message =
          piece.kind === 'photo'
            ? await this.telegram.sendPhoto(chat, { source: piece.file }, piece.caption === '' ? {} : { caption: piece.caption })
            : await this.telegram.sendMessage(chat, piece.text);
        this.pacer!.sent();
        this.lostInARow = 0;
        ids.push(String(message.message_id));
        this.mark(entry, i === pieces.length - 1 ? 'posted' : '', { message_id: ids.join(' '), dt_posted: formatDateTimeCell(ctx.now(), ctx.config.zone) });
        await this.save();
      } catch (error) {
        const part = pieces.length > 1 ? ` (message ${i + 1} of ${pieces.length})` : '';
        this.lostInARow = error instanceof NetworkError && error.sent ? this.lostInARow + 1 : 0;
        const outage = outageOf(error, ctx.now()) ?? (this.lostInARow >= LOST_ANSWERS_TO_STOP ? { what: `Telegram did not answer ${this.lostInARow} sends in a row`, retryAt: null } : null);
        ctx.failRow(loaded.table.file, entry.row.line);
        if (certainlyNotSent(error)) {
          this.mark(entry, '');
          await this.save();
          if (isFatal(error)) throw error;
          const failure = `not posted${part}: ${describeFailure(method, error)}; the row stays due`;
          if (outage !== null) stopForOutage(ctx, outage, where(loaded, entry), failure, `this row and ${after} more due are`);
          else ctx.log.error(`${where(loaded, entry)}: ${failure} and is tried again on the next run`);
        } else {
          // Exactly once comes first: a send whose answer was lost is uncertain, outage or not.
          this.mark(entry, 'uncertain');
          await this.save();
          ctx.log.error(`${where(loaded, entry)}: ${describeFailure(method, error)}${part}; it may have reached the group, so it is not sent again: marked uncertain; ${uncertainAdvice}`);
          if (outage !== null) stopForOutage(ctx, outage, where(loaded, entry), 'sending stopped after this row', `${after} more due ${after === 1 ? 'row is' : 'rows are'}`);
        }
        return;
      }
    }
    ctx.tally.postsSent++;
    ctx.log.info(`posted ${where(loaded, entry)} (due ${formatDateTime(entry.value.dt_time, ctx.config.zone)}): message${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`);
  }
}
