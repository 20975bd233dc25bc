/**
 * Webhook mode: the emulator posts updates to tg-handler's own server with the secret token header.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { anna, GROUP, INVITE_HEADER, inviteLine, InProcess, startHandler, Testbed } from './helpers.js';
import { MAX_WEBHOOK_BODY } from '../../src/handler-exec/run-bot.js';

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

/** The first IPv4 address of this machine that is not loopback, if any. */
function outsideAddress(): string | undefined {
  return Object.values(os.networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
}

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Posts `body` to the webhook with the right secret, as Telegram (or anyone who knows it) would; `chunked` sends no content-length. */
function post(port: number, secret: string, body: Buffer, chunked = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/tg-hook', method: 'POST', headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret, ...(chunked ? {} : { 'content-length': body.length }) } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    if (chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) request.write(body.subarray(at, at + 64 * 1024));
      request.end();
    } else request.end(body);
  });
}

describe('the webhook server (#11.5)', () => {
  const secret = 'the-webhook-secret_1';

  async function startWebhook(extra: string[] = []): Promise<number> {
    const port = await freePort();
    run = await startHandler(world, ['--webhook-url', `http://127.0.0.1:${port}/tg-hook`, '--port', String(port), '--webhook-secret', secret, ...extra]);
    return port;
  }

  test('a body over 1 MiB is refused with 413, announced or not, and never reaches the bot', async () => {
    expect(MAX_WEBHOOK_BODY).toBe(1024 * 1024);
    const link = await world.botLink('anna-2026');
    world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n`);
    const port = await startWebhook();
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    // A real update through a registry link, padded past the limit with a huge bio.
    const update = (id: number, user: { id: number; is_bot: boolean; first_name: string }) => ({
      update_id: id,
      chat_join_request: { chat: { id: GROUP, type: 'supergroup', title: 'The Club' }, from: user, user_chat_id: user.id, date: 1, invite_link: { invite_link: link, name: 'anna-2026', creates_join_request: true, is_primary: false, is_revoked: false, creator: world.emu.botUser }, bio: 'x'.repeat(1024 * 1024) },
    });
    expect(await post(port, secret, Buffer.from(JSON.stringify(update(9001, { id: 777, is_bot: false, first_name: 'Big' }))))).toBe(413);
    expect(await post(port, secret, Buffer.from(JSON.stringify(update(9002, { id: 778, is_bot: false, first_name: 'Chunky' }))), true)).toBe(413);
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([anna.id]);
    expect(world.responses().map((r) => r.id_tg)).toEqual([String(anna.id)]);
    expect(run?.output).not.toMatch(/update 900[12]/);

    // Under the limit, the same kind of post is an update like any other.
    const small = { ...update(9003, { id: 779, is_bot: false, first_name: 'Small' }) };
    small.chat_join_request.bio = 'hello';
    expect(await post(port, secret, Buffer.from(JSON.stringify(small)))).toBe(200);
    // (Telegram has no such request, so its approve is refused: it did reach the bot.)
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([anna.id, 779]);
  });

  test('an update of a type never asked for is logged with its id and skipped, a body that is no update is refused with 400; the bot goes on', async () => {
    const port = await startWebhook();
    expect(await post(port, secret, Buffer.from(JSON.stringify({ update_id: 7007, a_type_from_the_future: { id: 1 } })))).toBe(200);
    expect(run?.output).toMatch(/update 7007 \(a_type_from_the_future\): cannot be handled \("a_type_from_the_future" is not a type tg-handler asked Telegram for\); the update is skipped/);
    expect(await post(port, secret, Buffer.from(JSON.stringify({ update_id: 7008, message: null })))).toBe(200);
    expect(run?.output).toMatch(/update 7008 \(message from a channel\): cannot be handled \(message: /);
    // Not an update object at all: telegraf would throw on these outside its error handling.
    for (const body of ['null', '[1]', '5', '{"message":{}}']) expect(await post(port, secret, Buffer.from(body))).toBe(400);
    expect(await post(port, secret, Buffer.from('{not json'))).toBe(400);
    expect(run?.output).toMatch(/webhook: a post of 4 bytes is not a Telegram update \(no object with an update_id\); answered 400/);
    // Still running: a real update after them is handled.
    const link = await world.botLink('anna-2026');
    world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n`);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
  });

  test('it listens on 127.0.0.1 only, unless --host says otherwise', async () => {
    const outside = outsideAddress();
    if (outside === undefined) {
      console.warn('skipped: this machine has no address besides loopback to try the webhook port from');
      return;
    }
    const port = await startWebhook();
    expect(run?.output).toMatch(new RegExp(`listening on 127\\.0\\.0\\.1:${port}\\)`));
    expect(await connects('127.0.0.1', port)).toBe(true);
    expect(await connects(outside, port)).toBe(false);
    expect(await run?.stop()).toBe(0);

    const open = await startWebhook(['--host', '0.0.0.0']);
    expect(await connects(outside, open)).toBe(true);
  });

  test('an http:// webhook URL is refused when Telegram itself would post to it (exit 2, nothing called)', async () => {
    const port = await freePort();
    const env = world.env();
    delete (env as Record<string, string | undefined>)['TELEGRAM_API_ROOT'];
    run = new InProcess(world, ['--data-dir', world.path('data'), '--webhook-url', `http://bot.example.org:${port}/tg-hook`, '--port', String(port)], {}, env);
    expect(await run.done).toBe(2);
    expect(run.err).toEqual([expect.stringMatching(/^error: --webhook-url: "http:\/\/bot\.example\.org:\d+\/tg-hook" is http:\/\/; Telegram posts updates only to https:\/\/ URLs/)]);
    run = undefined;
  });
});
