/**
 * Two tg-handler on one bot and data folder, through the built bin: the running one keeps running,
 * the newcomer refuses with one line and its own exit code before it calls Telegram; a lock left by
 * a killed process does not keep the next start out (#11.4).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { anna, boris, Child, GROUP, INVITE_HEADER, inviteLine, Testbed } from './helpers.js';
import { EXIT_RUNNING } from '../../src/shared/cli/exit.js';

let world: Testbed;
const children: Child[] = [];

beforeEach(async () => {
  world = await Testbed.create();
});

afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  await world.close();
});

function spawnHandler(): Child {
  const child = new Child(world, []);
  children.push(child);
  return child;
}

async function registry(): Promise<string> {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n${inviteLine('boris-2026', link.replace(/.$/, 'Z'))}\n`);
  return link;
}

test('a second tg-handler on the same bot and data folder refuses with one line and exit 75; the first keeps running', async () => {
  const link = await registry();
  const first = spawnHandler();
  await first.waitFor(/started as @tracker_test_bot/);
  await world.emu.waitForCall('deleteWebhook');
  const callsBefore = world.emu.calls.length;

  const second = spawnHandler();
  expect(await second.exited).toEqual({ code: EXIT_RUNNING, signal: null });
  expect(second.err.trim().split('\n')).toEqual([
    `error: another tg-handler is already running on the data folder ${world.path('data')} (process ${first.process.pid}); this one does not start (stop that one first, or leave it running)`,
  ]);
  expect(second.out).toBe('');
  // The newcomer never reached Telegram, so the running one never saw a 409.
  expect(world.emu.calls.slice(callsBefore).filter((c) => c.method !== 'getUpdates')).toEqual([]);

  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
  await first.waitFor(/-> approved/);
  expect(first.process.exitCode).toBeNull();
  first.process.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  expect(first.err).not.toMatch(/409|another process/);
  expect(existsSync(world.path('data', '.tg-handler.lock'))).toBe(false);
});

test('the lock of a killed tg-handler is stale at once: the next start runs', async () => {
  const link = await registry();
  const first = spawnHandler();
  await first.waitFor(/started as @tracker_test_bot/);
  first.process.kill('SIGKILL');
  await first.exited;
  expect(existsSync(world.path('data', '.tg-handler.lock'))).toBe(true);

  const second = spawnHandler();
  await second.waitFor(/started as @tracker_test_bot/);
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: link });
  await second.waitFor(/-> approved/);
  second.process.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
});

test('a lock naming a live process that is not its owner (a reused pid) is stale too', async () => {
  // This test's own pid, with a start time that is not this process's.
  world.write('data/.tg-handler.lock', `${JSON.stringify({ pid: process.pid, start: '1', bot: '123456' })}\n`);
  const child = spawnHandler();
  await child.waitFor(/started as @tracker_test_bot/);
  child.process.kill('SIGTERM');
  expect(await child.exited).toEqual({ code: 0, signal: null });
});
