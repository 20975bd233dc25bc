/**
 * `tg-get pending`: the join requests the join log holds as `pending` and not settled since, and
 * `tg-get pending approve|decline USER_ID [--chat ID]` to settle one from the shell. The decision is
 * appended to the join log as tg-handler appends (the file lock for the header, whole lines with
 * O_APPEND), so both may run at once.
 */
import { telegramClient } from '../shared/cli/lazy.js';
import type { Logger } from '../shared/cli/log.js';
import type { Config } from '../shared/config/schema.js';
import type { Paths } from '../shared/config/paths.js';
import { formatDateTimeCell } from '../shared/dates.js';
import { ConfigError } from '../shared/errors.js';
import { displayPath } from '../shared/files/store.js';
import { ResponseLog } from '../shared/join-log/append.js';
import { decisionRow, readPending, type LogRow } from '../shared/join-log/pending.js';
import { settleRequest } from '../shared/telegram/settle.js';

/** What `decided_by` says for a decision made with tg-get. */
export const DECIDED_BY_CLI = 'cli';

/** The table `tg-get pending` prints: a header line, then one tab-separated line per request. Pure. */
export function pendingTable(rows: readonly LogRow[]): string[] {
  if (rows.length === 0) return ['no pending join requests in the join log'];
  const name = (r: LogRow) => [[r.tg_f_name, r.tg_l_name].filter((s) => s.trim() !== '').join(' '), r.tg_username.trim() ? `@${r.tg_username.trim()}` : ''].filter((s) => s !== '').join(' ');
  const lines = rows.map((r) => [r.chat_id, r.id_tg, name(r), r.id_link || '-', r.link || '-', r.dt_tg_responde, r.reason || '-']);
  return [['chat', 'user', 'name', 'link name', 'link', 'since', 'why'], ...lines].map((cells) => cells.join('\t'));
}

/**
 * The one held request of `userId` (in `chatId` when given). Pure. Throws ConfigError when there is
 * none, or several in different chats and no --chat to choose.
 */
export function chooseHeld(rows: readonly LogRow[], userId: string, chatId: string | undefined): LogRow {
  const mine = rows.filter((r) => r.id_tg.trim() === userId && (chatId === undefined || r.chat_id.trim() === chatId));
  const where = chatId === undefined ? '' : ` in chat ${chatId}`;
  if (mine.length === 0) throw new ConfigError([`USER_ID: user ${userId} has no pending join request${where} in the join log; run tg-get pending for the list`]);
  if (mine.length > 1) throw new ConfigError([`--chat: user ${userId} has pending requests in ${mine.map((r) => r.chat_id).join(', ')}; say which with --chat ID`]);
  return mine[0]!;
}

export interface PendingRun {
  config: Config;
  paths: Paths;
  log: Logger;
  out: (line: string) => void;
  cwd: string;
  now: () => Date;
}

/** `tg-get pending`: prints the held requests. */
export async function listPending(run: PendingRun): Promise<void> {
  const pending = await readPending(run.paths.joinLog, displayPath(run.paths.joinLog, run.cwd));
  for (const line of pendingTable(pending.list())) run.out(line);
}

/** `tg-get pending approve|decline USER_ID [--chat ID]`: settles the request in Telegram, then appends the row. */
export async function settlePending(run: PendingRun, action: 'approve' | 'decline', userId: string, chatId: string | undefined): Promise<void> {
  if (!/^\d{1,20}$/.test(userId)) throw new ConfigError([`USER_ID: "${userId}" is not a Telegram user id; it must be digits only (tg-get pending lists them)`]);
  if (chatId !== undefined && !/^-?\d{1,20}$/.test(chatId)) throw new ConfigError([`--chat: "${chatId}" is not a chat id; give the numeric id tg-get pending shows`]);
  const name = displayPath(run.paths.joinLog, run.cwd);
  const held = chooseHeld((await readPending(run.paths.joinLog, name)).list(), userId, chatId);
  const { createBot } = await telegramClient();
  const telegram = createBot({ token: run.config.token, apiRoot: run.config.apiRoot, log: run.log }).telegram;
  const settled = await settleRequest(telegram, action, Number(held.chat_id), Number(userId));
  const { log } = await ResponseLog.open(run.paths.joinLog, name, run.config.zone, { now: run.now });
  try {
    await log.record(decisionRow(held, settled.status, settled.byThisCall ? DECIDED_BY_CLI : '', formatDateTimeCell(run.now(), run.config.zone)));
  } finally {
    await log.close();
  }
  const done = settled.byThisCall ? (action === 'approve' ? 'approved' : 'declined') : settled.status === 'approve' ? 'already in the group (approved elsewhere)' : 'already settled elsewhere (Telegram no longer has the request)';
  run.log.info(`pending: user ${userId} in ${held.chat_id} -> ${done}; recorded as ${settled.status}`);
}
