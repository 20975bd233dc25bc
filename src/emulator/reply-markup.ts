import { badRequest } from './errors.js';
import type { Params } from './params.js';

const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

const unparsable = () => badRequest("can't parse reply keyboard markup JSON object");

/**
 * Reads and checks `reply_markup` (an object or its JSON text). Inline keyboards are checked as
 * Telegram checks them: every button needs exactly one action, callback_data is 1-64 bytes, a URL
 * must be an http(s) or tg URL.
 */
export function readReplyMarkup(params: Params): Record<string, unknown> | undefined {
  const markup = params.json('reply_markup', unparsable);
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) throw unparsable();
  const record = markup as Record<string, unknown>;
  if ('inline_keyboard' in record) checkInlineKeyboard(record['inline_keyboard']);
  else if ('keyboard' in record) {
    if (!Array.isArray(record['keyboard'])) throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array');
  } else if (!('remove_keyboard' in record) && !('force_reply' in record)) throw unparsable();
  return record;
}

/** The callback_data values of an inline keyboard. */
export function callbackDataOf(markup: unknown): string[] {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row: unknown) =>
    Array.isArray(row)
      ? row.flatMap((button: unknown) => {
          const data = (button as { callback_data?: unknown } | null)?.callback_data;
          return typeof data === 'string' ? [data] : [];
        })
      : [],
  );
}

function checkInlineKeyboard(rows: unknown): void {
  if (!Array.isArray(rows)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
  for (const row of rows) {
    if (!Array.isArray(row)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    for (const button of row) checkButton(button);
  }
}

function checkButton(button: unknown): void {
  if (typeof button !== 'object' || button === null) throw badRequest("can't parse inline keyboard button: Object expected");
  const record = button as Record<string, unknown>;
  if (typeof record['text'] !== 'string') throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  const actions = BUTTON_ACTIONS.filter((key) => record[key] !== undefined);
  if (actions.length === 0) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  const data = record['callback_data'];
  if (data !== undefined) {
    const bytes = Buffer.byteLength(String(data));
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  const url = record['url'];
  if (url !== undefined && !/^(https?:\/\/[^\s/?#]+\.[^\s]*|tg:\/\/\S+)$/i.test(String(url))) {
    throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
  }
}
