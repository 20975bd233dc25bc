import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BotApiEmulator, type RecordedCall } from '../../src/emulator/index.js';
import { GROUP, alice, call } from './helpers.js';

type Result = { status: number; body: Record<string, unknown> };
const resultOf = (r: Result): Array<{ update_id: number } & Record<string, unknown>> => r.body['result'] as never;

describe('getUpdates', () => {
  let emu: BotApiEmulator;
  beforeEach(async () => {
    emu = await BotApiEmulator.start();
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Readers' });
  });
  afterEach(() => emu.stop());

  it('long-polls until an update comes, and forgets updates below the offset', async () => {
    const poll = call(emu, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    expect(emu.callCount('getUpdates')).toBe(0); // still waiting: a call is recorded when answered
    const id = emu.sendPrivateText(alice, 'hello');
    const started = Date.now();
    const first = await poll;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(resultOf(first).map((u) => u.update_id)).toEqual([id]);
    expect(emu.pendingUpdateCount()).toBe(1);
    const again = await call(emu, 'getUpdates', { offset: 0 });
    expect(resultOf(again).map((u) => u.update_id)).toEqual([id]);
    const confirmed = await call(emu, 'getUpdates', { offset: id + 1 });
    expect(resultOf(confirmed)).toEqual([]);
    expect(emu.pendingUpdateCount()).toBe(0);
    await emu.waitForIdle(100);
  });

  it('answers 409 to the older of two concurrent polls', async () => {
    const older = call(emu, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const newer = call(emu, 'getUpdates', { timeout: 5 });
    expect(await older).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      },
    });
    const id = emu.queueUpdate({ update_id: 999, message: { text: 'raw' } });
    expect(resultOf(await newer)).toEqual([{ update_id: id, message: { text: 'raw' } }]);
  });

  it('ends a long poll when the client aborts, and on stop()', async () => {
    const aborted = call(emu, 'getUpdates', { timeout: 30 }, { signal: AbortSignal.timeout(100) });
    await expect(aborted).rejects.toThrow();
    const gone = await emu.waitForCall('getUpdates', () => true, 1000);
    expect(gone.status).toBe(0);
    // The aborted poll is not answered 409 later: a new one proceeds normally.
    expect((await call(emu, 'getUpdates', {})).status).toBe(200);

    const pending = call(emu, 'getUpdates', { timeout: 30 });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await emu.stop();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    await emu.stop(); // idempotent
  });

  it('refuses getUpdates while a webhook is set', async () => {
    const set = await call(emu, 'setWebhook', { url: 'http://127.0.0.1:9/hook' });
    expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    const refused = await call(emu, 'getUpdates', {});
    expect(refused).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      },
    });
    const deleted = await call(emu, 'deleteWebhook', { drop_pending_updates: true });
    expect(deleted.body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
  });
});

describe('webhook delivery', () => {
  let emu: BotApiEmulator;
  let hook: http.Server;
  let received: Array<{ secret: string | undefined; body: Record<string, unknown> }>;
  let answers: Array<{ status: number; body?: string }>;
  let hookUrl: string;

  beforeEach(async () => {
    emu = await BotApiEmulator.start();
    received = [];
    answers = [];
    hook = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
          body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
        });
        const answer = answers.shift() ?? { status: 200 };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
  });
  afterEach(async () => {
    await emu.stop();
    await new Promise((r) => hook.close(r));
  });

  it('posts updates with the secret header, retrying after a failure, and runs a method in the answer', async () => {
    answers.push({ status: 500 });
    answers.push({ status: 200, body: JSON.stringify({ method: 'sendMessage', chat_id: alice.id, text: 'Welcome!' }) });
    await call(emu, 'setWebhook', { url: hookUrl, secret_token: 'S3cret_token' });
    const id = emu.sendPrivateText(alice, '/start');
    await emu.waitForIdle(3000);
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.secret)).toEqual(['S3cret_token', 'S3cret_token']);
    expect(received[1]?.body).toMatchObject({ update_id: id, message: { text: '/start', chat: { id: alice.id } } });
    const info = await call(emu, 'getWebhookInfo');
    expect(info.body['result']).toMatchObject({
      url: hookUrl,
      pending_update_count: 0,
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
    const reply: RecordedCall = await emu.waitForCall('sendMessage');
    expect(reply).toMatchObject({ status: 200, via: 'webhook-reply', params: { chat_id: alice.id, text: 'Welcome!' } });
    expect(emu.messages(alice.id).map((m) => m.text)).toEqual(['Welcome!']);
  });
});
