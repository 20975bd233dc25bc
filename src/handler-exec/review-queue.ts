/**
 * The review queue (ADMIN_CHAT_ID): every join request tg-handler holds gets a card in the admins'
 * chat, and an administrator of the request's group settles it with a press. A press carries all it
 * needs in its callback data (review-card.ts); the rest (who, which link, why) comes from the join
 * log's `pending` row, read at start and kept while running, so presses work across restarts.
 */
import { Composer, TelegramError, type Context, type Telegram } from 'telegraf';
import { formatDateTimeCell } from '../shared/dates.js';
import { messageOf } from '../shared/errors.js';
import type { Logger } from '../shared/cli/log.js';
import type { ResponseLog } from '../shared/join-log/append.js';
import { decisionRow, type LogRow, type PendingRequests } from '../shared/join-log/pending.js';
import { requestKey } from '../shared/join-log/schema.js';
import { settleRequest } from '../shared/telegram/settle.js';
import type { LogGate } from './log-gate.js';
import { card, decodePress, outcomeLine, type CardFacts, type Outcome, type ReviewPress } from './review-card.js';

export interface ReviewQueueDeps {
  adminChatId: number;
  log: ResponseLog;
  /** The join log's gate: a press is acted on only when its row can be written (a full disk waits). */
  gate?: Pick<LogGate, 'admit' | 'record'> | undefined;
  /** The held requests, as the join log says (kept up to date by ResponseLog.onRecord). */
  pending: PendingRequests;
  logger: Logger;
  now: () => Date;
  zone: string;
}

const REFUSED = 'Only an administrator of the group can decide this request.';
const ALREADY = 'This request has already been decided.';
const BUSY = 'This request is being decided right now.';
const FAILED = 'That did not work; nothing changed. Press again, or see the bot\'s log.';

/** Statuses of a chat member that may decide its join requests. */
export function mayDecide(status: string): boolean {
  return status === 'creator' || status === 'administrator';
}

/** The review queue: `hold` posts a card; `composer` handles the presses on cards. */
export class ReviewQueue {
  /** Requests whose press is being handled: a second press meanwhile does nothing. */
  private readonly deciding = new Set<string>();

  constructor(private readonly deps: ReviewQueueDeps) {}

  /**
   * Posts the card of a held request. A card that cannot be sent is logged and not retried: the
   * request stays pending in Telegram and in the join log, where `tg-get pending` finds it.
   */
  async hold(telegram: Telegram, facts: CardFacts): Promise<void> {
    const view = card(facts, this.deps.zone);
    try {
      await telegram.sendMessage(this.deps.adminChatId, view.text, { reply_markup: view.keyboard });
      this.deps.logger.info(`review queue: card for user ${facts.user.id} (${facts.reason}) sent to ${this.deps.adminChatId}`);
    } catch (error) {
      this.deps.logger.error(`review queue: cannot send the card for user ${facts.user.id} to ADMIN_CHAT_ID ${this.deps.adminChatId}: ${messageOf(error)}; the request stays pending (tg-get pending lists it)`);
    }
  }

  composer(): Composer<Context> {
    const composer = new Composer<Context>();
    composer.on('callback_query', async (ctx, next) => {
      const query = ctx.callbackQuery;
      const press = decodePress('data' in query ? query.data : undefined);
      if (press === undefined) return next();
      let answer: string | undefined;
      try {
        answer = await this.press(ctx, press);
      } catch (error) {
        // Nothing was recorded: the card keeps its buttons, and a press later tries again.
        this.deps.logger.error(`review queue: the ${press.action} of user ${press.userId} pressed by ${query.from.id} failed: ${messageOf(error)}`);
        answer = FAILED;
      }
      try {
        await ctx.answerCbQuery(answer);
      } catch (error) {
        this.deps.logger.warn(`review queue: could not answer the press of user ${query.from.id}: ${messageOf(error)}`);
      }
    });
    return composer;
  }

  /** Acts on a press; returns the answer the presser sees. */
  private async press(ctx: Context, press: ReviewPress): Promise<string | undefined> {
    const { log, logger } = this.deps;
    const admin = ctx.callbackQuery!.from;
    const key = requestKey(String(press.chatId), String(press.userId), String(press.date));
    if (log.decided(key)) return ALREADY;
    if (this.deciding.has(key)) return BUSY;
    this.deciding.add(key);
    try {
      const member = await ctx.telegram.getChatMember(press.chatId, admin.id);
      if (!mayDecide(member.status)) {
        logger.warn(`review queue: user ${admin.id} (${member.status} of ${press.chatId}) pressed ${press.action} for user ${press.userId}; refused, nothing changed`);
        return REFUSED;
      }
      const held = this.deps.pending.get(String(press.chatId), String(press.userId)) ?? (await this.unknownHeld(ctx.telegram, press));
      const draft = decisionRow({ ...held, tg_request_date: String(press.date) }, press.action, String(admin.id), formatDateTimeCell(this.deps.now(), this.deps.zone));
      // Nobody is approved or declined unless their row can be written: a full disk waits here.
      const seat = await this.deps.gate?.admit(draft);
      try {
        const settled = await settleRequest(ctx.telegram, press.action, press.chatId, press.userId);
        const outcome: Outcome = settled.byThisCall ? (press.action === 'approve' ? 'approved' : 'declined') : settled.status === 'approve' ? 'already-in' : 'already-gone';
        const at = this.deps.now();
        const row = decisionRow({ ...held, tg_request_date: String(press.date) }, settled.status, settled.byThisCall ? String(admin.id) : '', formatDateTimeCell(at, this.deps.zone));
        await (this.deps.gate !== undefined ? this.deps.gate.record(row, seat) : log.record(row));
        logger.info(`review queue: user ${press.userId} in ${press.chatId} -> ${outcome} (pressed by ${admin.id})`);
        await this.finishCard(ctx, outcomeLine(outcome, admin, at, this.deps.zone));
        return outcome === 'approved' ? 'Approved.' : outcome === 'declined' ? 'Declined.' : 'Already settled elsewhere.';
      } finally {
        seat?.release();
      }
    } finally {
      this.deciding.delete(key);
    }
  }

  /** A held request the join log does not hold (its row is older than the log, or was removed): who it is, from Telegram. */
  private async unknownHeld(telegram: Telegram, press: ReviewPress): Promise<LogRow> {
    let user: CardFacts['user'] = { id: press.userId, first_name: '' };
    try {
      user = (await telegram.getChatMember(press.chatId, press.userId)).user;
    } catch (error) {
      this.deps.logger.warn(`review queue: no pending row for user ${press.userId} in ${press.chatId}, and getChatMember failed (${messageOf(error)}); the row has the id only`);
    }
    return {
      id_link: '', id_tg: String(press.userId), tg_f_name: user.first_name, tg_l_name: user.last_name ?? '', dt_tg_responde: '', tg_responde_status: 'pending',
      tg_username: user.username ?? '', link: '', chat_id: String(press.chatId), tg_request_date: String(press.date), decided_by: '', reason: '',
    };
  }

  /** Replaces the card's buttons with the outcome. A card already showing it ("not modified") is fine. */
  private async finishCard(ctx: Context, line: string): Promise<void> {
    const message = ctx.callbackQuery?.message;
    const before = message !== undefined && 'text' in message ? message.text : '';
    try {
      await ctx.editMessageText(`${before}\n\n${line}`.trim());
    } catch (error) {
      if (error instanceof TelegramError && error.description.includes('message is not modified')) return;
      this.deps.logger.warn(`review queue: could not update the card (${messageOf(error)}); the decision is recorded`);
    }
  }
}

/** The card facts of a request, for `hold`. */
export function factsOf(request: { chat: { id: number; title?: string }; from: CardFacts['user']; date: number; invite_link?: { invite_link: string; name?: string } }, invite: CardFacts['invite'], reason: CardFacts['reason']): CardFacts {
  const link = request.invite_link;
  return {
    chat: { id: request.chat.id, title: request.chat.title },
    user: { id: request.from.id, first_name: request.from.first_name, last_name: request.from.last_name, username: request.from.username },
    invite: invite === undefined ? undefined : { id: invite.id, id_adress: invite.id_adress },
    link: link === undefined ? undefined : { url: link.invite_link, name: link.name },
    reason,
    date: request.date,
  };
}
