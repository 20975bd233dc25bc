/**
 * Webhook mode: the emulator posts updates to tg-handler's own server with the secret token header.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import net from 'node:net';
import { anna, GROUP, INVITE_HEADER, inviteLine, InProcess, startHandler, Testbed } from './helpers.js';

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) await run.stop();
  await world.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

test('updates arrive by webhook with the secret token; a post without it is refused', async () => {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/tg-hook`;
  run = await startHandler(world, ['--webhook-url', url, '--port', String(port)]);
  const [setWebhook] = world.emu.callsTo('setWebhook');
  expect(setWebhook?.params).toMatchObject({ url, allowed_updates: ['message', 'callback_query', 'chat_join_request', 'chat_member'], drop_pending_updates: false });
  expect(String(setWebhook?.params['secret_token'])).toMatch(/^[A-Za-z0-9_-]{32,}$/);
  expect(world.emu.callCount('getUpdates')).toBe(0);

  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
  await world.emu.waitForIdle();
  expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
  expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(anna.id), tg_responde_status: 'approve' })]);

  const forged = { update_id: 999, chat_join_request: { chat: { id: GROUP, type: 'supergroup', title: 'x' }, from: { id: 666, is_bot: false, first_name: 'Eve' }, user_chat_id: 666, date: 1 } };
  const wrongSecret = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': 'guess' }, body: JSON.stringify(forged) });
  const noSecret = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
  expect([wrongSecret.status, noSecret.status]).toEqual([403, 403]);
  expect(world.responses()).toHaveLength(1);

  expect(await run.stop()).toBe(0);
  // The webhook stays set: Telegram keeps updates for us while we restart.
  expect(world.emu.callCount('deleteWebhook')).toBe(0);
  expect(run.output).not.toContain(String(setWebhook?.params['secret_token']));
});

test('WEBHOOK_SECRET from the environment is the one given to Telegram', async () => {
  const port = await freePort();
  run = new InProcess(world, ['--data-dir', world.path('data'), '--webhook-url', `http://127.0.0.1:${port}/h`, '--port', String(port)], {}, world.env({ WEBHOOK_SECRET: 'from_env-123' }));
  await run.ready;
  expect(world.emu.callsTo('setWebhook')[0]?.params['secret_token']).toBe('from_env-123');
});
