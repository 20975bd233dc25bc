/**
 * The yardstick of the handler's rate (issue 15): a bare telegraf bot that only approves every join
 * request, as any telegraf bot must at least do. No registry, no join log, no retry: the ceiling of
 * the framework on this machine. Run by the bench as a child, with the same node flags and the same
 * environment (BOT_TOKEN, TELEGRAM_API_ROOT) as tg-handler; prints "started as @name" as tg-handler
 * does, and stops on SIGTERM once the batch in progress is confirmed.
 */
import { Telegraf } from 'telegraf';

const bot = new Telegraf(process.env.BOT_TOKEN ?? '', { telegram: { apiRoot: process.env.TELEGRAM_API_ROOT ?? 'https://api.telegram.org', webhookReply: false } });
bot.on('chat_join_request', async (ctx) => {
  await ctx.approveChatJoinRequest(ctx.chatJoinRequest.from.id);
});
// The same updates asked for as tg-handler (src/handler-exec/run-bot.ts ALLOWED_UPDATES), so both get
// the same stream: a request, Telegram's chat_member update for its approval, and the service message.
// Written out, not imported: importing run-bot.js would load our modules into the yardstick.
const launched = bot.launch({ allowedUpdates: ['message', 'callback_query', 'chat_join_request', 'chat_member'], dropPendingUpdates: false }, () => {
  process.stdout.write(`bare bot started as @${bot.botInfo?.username ?? '?'}\n`);
});
process.once('SIGTERM', () => bot.stop('SIGTERM'));
await launched;
