/**
 * The button chat in private messages: /start shows a greeting and a menu; the buttons show the
 * terms (answered with "stay" or "leave"), send the file, and go back. Every button press is
 * answered (answerCallbackQuery), including presses on buttons of an older menu.
 */
import { Composer, Markup, TelegramError, type Context } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { messageOf } from '../shared/errors.js';
import type { Logger } from '../shared/cli/log.js';
import { greetingFor, type Menu } from './menu-file.js';
import { readFileInside } from './send-file.js';

/**
 * Callback data of this menu version. The `m1:` prefix lets a future menu tell its own buttons from
 * old ones still shown in chats. Telegram allows at most 64 bytes; these are fixed and short.
 */
export const CALLBACK = {
  menu: 'm1:menu',
  terms: 'm1:terms',
  stay: 'm1:stay',
  leave: 'm1:leave',
  file: 'm1:file',
} as const;

export type MenuAction = keyof typeof CALLBACK;

const BY_DATA = new Map<string, MenuAction>(Object.entries(CALLBACK).map(([action, data]) => [data, action as MenuAction]));

/** The action a button's callback data asks for, or undefined for data this version does not know. Pure. */
export function parseCallback(data: string | undefined): MenuAction | undefined {
  return data === undefined ? undefined : BY_DATA.get(data);
}

/** A screen of the chat: its text and its buttons. Pure. */
export function screen(menu: Menu, action: Exclude<MenuAction, 'file'>, firstName: string): { text: string; keyboard: InlineKeyboardMarkup } {
  const back = Markup.button.callback(menu.buttons.back, CALLBACK.menu);
  switch (action) {
    case 'menu':
      return {
        text: greetingFor(menu, firstName),
        keyboard: Markup.inlineKeyboard([[Markup.button.callback(menu.buttons.terms, CALLBACK.terms)], [Markup.button.callback(menu.buttons.file, CALLBACK.file)]]).reply_markup,
      };
    case 'terms':
      return {
        text: menu.terms.text,
        keyboard: Markup.inlineKeyboard([[Markup.button.callback(menu.buttons.stay, CALLBACK.stay), Markup.button.callback(menu.buttons.leave, CALLBACK.leave)], [back]]).reply_markup,
      };
    case 'stay':
      return { text: menu.terms.stay, keyboard: Markup.inlineKeyboard([[back]]).reply_markup };
    case 'leave':
      return { text: menu.terms.leave, keyboard: Markup.inlineKeyboard([[back]]).reply_markup };
  }
}

export interface ChatMenuDeps {
  menu: Menu;
  dataDir: string;
  logger: Logger;
}

/** Shows a screen in place of the pressed message; sends a new message when that one cannot be edited. */
async function show(ctx: Context, view: { text: string; keyboard: InlineKeyboardMarkup }): Promise<void> {
  try {
    await ctx.editMessageText(view.text, { reply_markup: view.keyboard });
  } catch (error) {
    // A double press: the message already shows this screen.
    if (error instanceof TelegramError && error.description.includes('message is not modified')) return;
    if (error instanceof TelegramError && error.code === 400) {
      await ctx.reply(view.text, { reply_markup: view.keyboard });
      return;
    }
    throw error;
  }
}

/** Handles /start and the menu's buttons, in private chats only. */
export function chatMenu(deps: ChatMenuDeps): Composer<Context> {
  const { menu, logger } = deps;
  const composer = new Composer<Context>();

  composer.start(async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const view = screen(menu, 'menu', ctx.from.first_name);
    await ctx.reply(view.text, { reply_markup: view.keyboard });
    logger.debug(`chat: menu sent to user ${ctx.from.id}`);
  });

  composer.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    const data = 'data' in query ? query.data : undefined;
    const action = parseCallback(data);
    const inPrivate = query.message !== undefined && query.message.chat.type === 'private';
    let answer: string | undefined;
    try {
      if (action === undefined || !inPrivate) {
        logger.debug(`chat: user ${query.from.id} pressed an unknown or old button (${JSON.stringify(data ?? null)})`);
        answer = menu.stale;
      } else if (action === 'file') {
        answer = await sendFile(ctx, deps);
      } else {
        await show(ctx, screen(menu, action, query.from.first_name));
        logger.debug(`chat: user ${query.from.id} -> ${action}`);
      }
    } catch (error) {
      logger.error(`chat: button "${data ?? ''}" of user ${query.from.id} failed: ${messageOf(error)}`);
      answer = menu.failed;
    }
    try {
      await ctx.answerCbQuery(answer === '' ? undefined : answer);
    } catch (error) {
      // Too late (Telegram allows about 15 s) or already answered: the user only sees a spinner stop.
      logger.warn(`chat: could not answer the button press of user ${query.from.id}: ${messageOf(error)}`);
    }
  });

  return composer;
}

/** Sends the menu's file; returns the answer for the button press. */
async function sendFile(ctx: Context, deps: ChatMenuDeps): Promise<string> {
  const { menu, logger } = deps;
  const userId = ctx.callbackQuery?.from.id;
  let file;
  try {
    file = await readFileInside(deps.dataDir, menu.file.name);
  } catch (error) {
    logger.error(`chat: cannot send ${menu.file.name} to user ${userId ?? '?'}: ${messageOf(error)}`);
    return menu.file.unavailable;
  }
  await ctx.replyWithDocument({ source: file.bytes, filename: file.filename }, menu.file.caption === '' ? {} : { caption: menu.file.caption });
  logger.info(`chat: sent ${file.filename} to user ${userId ?? '?'}`);
  return menu.file.sent;
}
