/**
 * tg-get stops calling Telegram when it cannot be used (#11.12): the network is down, or Telegram
 * asks to wait longer than a run should. The first row that meets it says so in one line, the rest
 * is left for the next run, exit 1; a post whose answer was lost is still uncertain, never re-sent.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { closedPort } from '../support/secrets.js';
import { blankRegistry, GROUP, runMain, runTgGet, SCHEDULE_HEADER, SHORT_BACKOFF, startEmulator, Workspace } from './helpers.js';

const REGISTRY = 'data/invite_data.txt';
const SCHEDULE = 'data/text_schedule.txt';

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

const texts = (n: number) => `${SCHEDULE_HEADER}\n${Array.from({ length: n }, (_, i) => `2026-01-0${i + 1} 10:00\tPost ${i + 1}\t`).join('\n')}\n`;
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('error:'));

it('with Telegram unreachable, stops at its first call (getMe, before any row is marked), says so in one line, and leaves every row as it was', async () => {
  ws = new Workspace({ invites: blankRegistry(30), schedule: texts(5) });
  const registry = ws.read(REGISTRY);
  const schedule = ws.read(SCHEDULE);
  // In this process with a 10 ms first back-off (the back-off itself is tests/shared/telegram/client.test.ts's).
  const result = await runMain(['--max-late', 'off'], { cwd: ws.dir, env: { BOT_TOKEN: emu.token, CHAT_ID: String(GROUP), TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}` }, deps: SHORT_BACKOFF });
  expect(result.code).toBe(1);
  expect(errorLines(result.stderr)).toEqual([
    expect.stringMatching(/^error: getMe: could not reach Telegram: .*ECONNREFUSED.*; check the network and TELEGRAM_API_ROOT, then start again$/),
  ]);
  // The client's three retries of that first call, the stop line; nothing per row.
  expect(result.stderr.trim().split('\n')).toHaveLength(4);
  expect(result.stdout).not.toMatch(/links? made/);
  expect(ws.read(REGISTRY)).toBe(registry);
  expect(ws.read(SCHEDULE)).toBe(schedule);
}, 20_000);

it('with every connection reset, createChatInviteLink is tried with its retries for the first row only, and no post is tried', async () => {
  ws = new Workspace({ invites: blankRegistry(10), schedule: texts(2) });
  emu.failNext('createChatInviteLink', { kind: 'drop-before' }, 100);
  const result = await runMain(['--max-late', 'off'], { cwd: ws.dir, emu, deps: SHORT_BACKOFF });
  expect(result.code).toBe(1);
  expect(emu.callCount('createChatInviteLink')).toBe(4);
  expect(emu.callCount('sendMessage')).toBe(0);
  expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/"row-1": no link made: .*Telegram did not answer, so this run stops calling Telegram: this row and 9 more without a link are left/)]);
  expect(ws.records(SCHEDULE).map((r) => r.post_status ?? '')).toEqual(['', '']);
}, 20_000);

it('after a 429 asking to wait an hour, calls no further row, and says when to try again', async () => {
  ws = new Workspace({ invites: blankRegistry(5), schedule: texts(3) });
  emu.failNext('createChatInviteLink', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 3600', retryAfter: 3600 });
  const result = await runTgGet(['--max-late', 'off'], { cwd: ws.dir, emu });
  expect(result.code).toBe(1);
  expect(emu.callCount('createChatInviteLink')).toBe(1);
  expect(emu.callCount('sendMessage')).toBe(0);
  expect(errorLines(result.stderr)).toEqual([
    expect.stringMatching(
      /"row-1": no link made: Telegram refused createChatInviteLink \(429: Too Many Requests: retry after 3600\); Telegram asks to wait 3600 s \(429 Too Many Requests\), so this run stops calling Telegram: this row and 4 more without a link are left for the next run; try again after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    ),
  ]);
  expect(ws.records(REGISTRY).every((r) => (r.link ?? '') === '')).toBe(true);

  const next = await runTgGet(['--max-late', 'off'], { cwd: ws.dir, emu });
  expect(next.code).toBe(0);
  expect(next.stdout).toMatch(/5 links made, 5 QR codes written, 3 posts sent, 0 rows failed/);
}, 20_000);

it('a 429 on a post over a minute stops the posts: that row and the rest stay due, and the next run sends each once', async () => {
  ws = new Workspace({ schedule: texts(3) });
  emu.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 600', retryAfter: 600 });
  const result = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
  expect(result.code).toBe(1);
  expect(emu.callCount('sendMessage')).toBe(1);
  expect(errorLines(result.stderr)).toEqual([
    expect.stringMatching(/data\/text_schedule\.txt:2: not posted: Telegram refused sendMessage \(429: .*\); the row stays due; Telegram asks to wait 600 s .*this row and 2 more due are left for the next run; try again after /),
  ]);
  expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['', '', '']);
  const next = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
  expect(next.code).toBe(0);
  expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['Post 1', 'Post 2', 'Post 3']);
}, 20_000);

it('a post whose answer was lost while the network fails is uncertain, never re-sent, and the posts stop', async () => {
  ws = new Workspace({ schedule: texts(3) });
  // The first send reaches the group but its answer is lost; then Telegram stops answering at all.
  void emu.waitForCall('sendMessage').then(() => emu.failNext('sendMessage', { kind: 'drop-before' }, 100));
  emu.failNext('sendMessage', { kind: 'drop-after' });
  const result = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
  expect(result.code).toBe(1);
  expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['uncertain', 'uncertain', '']);
  // Row 1's lost answer is its own bad luck; row 2's send then meets the dead network: uncertain too
  // (a reset may follow an arrival), and nothing after it is tried.
  expect(emu.callCount('sendMessage')).toBe(2);
  expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['Post 1']);
}, 20_000);
