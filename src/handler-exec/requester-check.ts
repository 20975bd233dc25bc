/**
 * --check-requester: before approving a request through a registry link, tg-handler writes to the
 * requester (the request's user_chat_id, which Telegram allows for a few minutes while the request
 * waits) with one button, and approves when they press it. No press within --check-timeout: declined,
 * or with ADMIN_CHAT_ID a card for the admins. Waiting is written to the join log as a `pending` row
 * with reason `check`, so a restart picks the waits up again (their deadlines count from that row),
 * and the button's data carries chat, user and request date, so a press works after a restart too.
 */
import { Composer, TelegramError, type Context, type Telegram } from 'telegraf';
import type { ChatJoinRequest } from 'telegraf/types';
import type { Logger } from '../shared/cli/log.js';
import { parseDateTime, formatDateTimeCell } from '../shared/dates.js';
import { messageOf } from '../shared/errors.js';
import { CHECK_REASON, type ResponseLog } from '../shared/join-log/append.js';
import { decisionRow, type LogRow, type PendingRequests } from '../shared/join-log/pending.js';
import { requestKey, type ResponseStatus } from '../shared/join-log/schema.js';
import type { IndexedInvite } from '../shared/registry/registry.js';
import { settleRequest } from '../shared/telegram/settle.js';
import type { LogGate, Seat } from './log-gate.js';
import { checkText, type Menu } from './menu-file.js';
import type { ReviewQueue } from './review-queue.js';

/** Timers, injectable so tests fire a timeout without waiting for it. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unref'd: a wait never keeps the process alive after a stop. */
export const NODE_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Which request a check button is for. */
export interface CheckPress {
  chatId: number;
  userId: number;
  date: number;
}

const DATA = /^ck1:(-?\d{1,20}):(\d{1,20}):(\d{1,12})$/;

/** The check button's callback data: `ck1:<chat>:<user>:<date>`, at most 3+1+21+1+20+1+12 bytes. Pure. */
export function encodeCheck(check: CheckPress): string {
  return `ck1:${check.chatId}:${check.userId}:${check.date}`;
}

/** The request a check button's data names, or undefined for other data. Pure. */
export function decodeCheck(data: string | undefined): CheckPress | undefined {
  const match = data === undefined ? null : DATA.exec(data);
  if (match === null) return undefined;
  const [chatId, userId, date] = match.slice(1).map(Number) as [number, number, number];
  return [chatId, userId, date].every(Number.isSafeInteger) ? { chatId, userId, date } : undefined;
}

export interface RequesterCheckDeps {
  log: ResponseLog;
  /** The join log's gate: a decision is made only when its row can be written (a full disk waits). */
  gate?: Pick<LogGate, 'admit' | 'record'> | undefined;
  /** The held requests (the `check` rows among them), kept up to date from the log. */
  pending: PendingRequests;
  queue: ReviewQueue | undefined;
  menu: Menu;
  logger: Logger;
  now: () => Date;
  zone: string;
  timeoutMs: number;
  timers: Timers;
}

/** The check: `ask` at a request, `resume` at start, the composer for the button, `stop` at the end. */
export class RequesterCheck {
  private readonly waits = new Map<string, unknown>();
  private readonly deciding = new Set<string>();

  constructor(private readonly deps: RequesterCheckDeps) {}

  /**
   * Writes to the requester. True when the message went out (the caller writes the `check` row, then
   * calls `arm`); false when Telegram refused it (403: they blocked the bot, or the window to write
   * has passed). Other failures are thrown: the update is then delivered again.
   */
  async ask(telegram: Telegram, request: ChatJoinRequest, invite: IndexedInvite): Promise<boolean> {
    const { menu } = this.deps;
    const group = (request.chat as { title?: string }).title ?? String(request.chat.id);
    const data = encodeCheck({ chatId: request.chat.id, userId: request.from.id, date: request.date });
    try {
      await telegram.sendMessage(request.user_chat_id, checkText(menu.check.text, invite.id, group), {
        reply_markup: { inline_keyboard: [[{ text: checkText(menu.check.button, invite.id, group), callback_data: data }]] },
      });
      return true;
    } catch (error) {
      if (error instanceof TelegramError && (error.code === 403 || error.code === 400)) {
        this.deps.logger.warn(`check: cannot write to user ${request.from.id} (${error.description}); the request is held for an admin`);
        return false;
      }
      throw error;
    }
  }

  /**
   * Starts the wait for a `check` row just written (or read at start): the timeout counts from the
   * row's time. `release` gives back the requester's place on a personal link when the time runs out.
   */
  arm(row: LogRow, release?: () => void): void {
    const check = { chatId: Number(row.chat_id), userId: Number(row.id_tg), date: Number(row.tg_request_date) };
    const key = keyOf(check);
    const since = parseDateTime(row.dt_tg_responde, this.deps.zone) ?? this.deps.now();
    const left = Math.max(0, since.getTime() + this.deps.timeoutMs - this.deps.now().getTime());
    if (this.waits.has(key)) this.deps.timers.clear(this.waits.get(key));
    this.waits.set(key, this.deps.timers.set(() => {
      release?.();
      void this.expire(check);
    }, left));
  }

  /** At start: the checks the join log holds as waiting, each with what is left of its time (none: now). */
  resume(telegram: () => Telegram): void {
    this.telegram = telegram;
    for (const row of this.deps.pending.list()) if (row.reason.trim() === CHECK_REASON) this.arm(row);
  }

  /** Clears every wait (at stop): they are resumed from the join log at the next start. */
  stop(): void {
    for (const handle of this.waits.values()) this.deps.timers.clear(handle);
    this.waits.clear();
  }

  private telegram: (() => Telegram) | undefined;

  composer(): Composer<Context> {
    const composer = new Composer<Context>();
    composer.on('callback_query', async (ctx, next) => {
      const query = ctx.callbackQuery;
      const check = decodeCheck('data' in query ? query.data : undefined);
      if (check === undefined) return next();
      const answer = query.from.id === check.userId ? await this.pressed(ctx, check) : this.deps.menu.stale;
      await ctx.answerCbQuery(answer).catch((error: unknown) => this.deps.logger.warn(`check: could not answer the press of user ${query.from.id}: ${messageOf(error)}`));
    });
    return composer;
  }

  /** The held `check` row of this request, when it still waits for the requester. */
  private waiting(check: CheckPress): LogRow | undefined {
    const held = this.deps.pending.get(String(check.chatId), String(check.userId));
    const key = keyOf(check);
    if (held === undefined || held.reason.trim() !== CHECK_REASON || held.tg_request_date.trim() !== String(check.date)) return undefined;
    return this.deps.log.decided(key) || this.deciding.has(key) ? undefined : held;
  }

  private async pressed(ctx: Context, check: CheckPress): Promise<string> {
    const { menu } = this.deps;
    const held = this.waiting(check);
    if (held === undefined) return menu.check.late;
    const key = keyOf(check);
    this.deciding.add(key);
    const seat = await this.admit(held, 'approve', 'check-passed');
    try {
      const settled = await settleRequest(ctx.telegram, 'approve', check.chatId, check.userId);
      this.deps.timers.clear(this.waits.get(key));
      this.waits.delete(key);
      await this.record(held, settled.status, 'check-passed', seat);
      this.deps.logger.info(`check: user ${check.userId} confirmed -> ${settled.status === 'approve' ? 'approved' : 'already settled'}`);
      await ctx.editMessageText(menu.check.passed).catch(() => {});
      return menu.check.passed;
    } finally {
      seat?.release();
      this.deciding.delete(key);
    }
  }

  /** No press in time: a card for the admins (ADMIN_CHAT_ID), else declined. */
  private async expire(check: CheckPress): Promise<void> {
    const key = keyOf(check);
    this.waits.delete(key);
    const held = this.waiting(check);
    const telegram = this.telegram?.();
    if (held === undefined || telegram === undefined) return;
    this.deciding.add(key);
    const seat = await this.admit(held, this.deps.queue !== undefined ? 'pending' : 'decline', 'check-timeout');
    try {
      if (this.deps.queue !== undefined) {
        await this.deps.queue.hold(telegram, {
          chat: { id: check.chatId },
          user: { id: check.userId, first_name: held.tg_f_name, last_name: held.tg_l_name, username: held.tg_username },
          invite: { id: held.id_link, id_adress: '' },
          reason: 'check-timeout',
          date: check.date,
        });
        await this.record(held, 'pending', 'check-timeout', seat);
        this.deps.logger.info(`check: user ${check.userId} did not answer in time -> held for an admin`);
        return;
      }
      const settled = await settleRequest(telegram, 'decline', check.chatId, check.userId);
      await this.record(held, settled.status, 'check-timeout', seat);
      this.deps.logger.info(`check: user ${check.userId} did not answer in time -> declined`);
    } catch (error) {
      // Left as it is: the `check` row stays, so the next start tries again.
      this.deps.logger.error(`check: the timeout of user ${check.userId} failed: ${messageOf(error)}; tried again at the next start`);
    } finally {
      seat?.release();
      this.deciding.delete(key);
    }
  }

  /** Waits, through the gate, until a row like this decision's can be written. */
  private admit(held: LogRow, status: ResponseStatus, reason: string): Promise<Seat | undefined> {
    const row = decisionRow(held, status, '', formatDateTimeCell(this.deps.now(), this.deps.zone));
    return Promise.resolve(this.deps.gate?.admit({ ...row, reason }));
  }

  private async record(held: LogRow, status: ResponseStatus, reason: string, seat: Seat | undefined): Promise<void> {
    const row = { ...decisionRow(held, status, '', formatDateTimeCell(this.deps.now(), this.deps.zone)), reason };
    await (this.deps.gate !== undefined ? this.deps.gate.record(row, seat) : this.deps.log.record(row));
  }
}

function keyOf(check: CheckPress): string {
  return requestKey(String(check.chatId), String(check.userId), String(check.date));
}
