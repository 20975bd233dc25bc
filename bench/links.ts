/** Set-up on the Telegram side: the bot's own invite links, made through the emulator's HTTP API as tg-get makes them. */
import type { BotApiEmulator } from '../src/emulator/index.js';
import { inviteId } from './data.js';

/**
 * Makes `count` links named like the registry rows (createChatInviteLink, creates_join_request), a
 * few requests at a time; returns their URLs in row order.
 */
export async function createBotLinks(emu: BotApiEmulator, chatId: number, count: number, concurrency = 16): Promise<string[]> {
  const links: string[] = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${emu.apiRoot}/bot${emu.token}/createChatInviteLink`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, name: inviteId(i), creates_join_request: true }),
      });
      const body = (await response.json()) as { ok: boolean; result?: { invite_link: string }; description?: string };
      if (!body.ok || body.result === undefined) throw new Error(`bench set-up: createChatInviteLink failed: ${body.description ?? response.status}`);
      links[i] = body.result.invite_link;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return links;
}
