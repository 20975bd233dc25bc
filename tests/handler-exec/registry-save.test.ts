/**
 * The registry saved non-atomically while tg-handler runs (an editor truncates it, then writes it in
 * pieces), through main with the real telegraf client: a request through a known link is approved
 * in the empty moment, and a last line cut before its dt_expire does not let an expired link in (#11.3).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { utimesSync, writeFileSync } from 'node:fs';
import { CHECK_EVERY_MS } from '../../src/handler-exec/registry-watch.js';
import { boris, GROUP, INVITE_HEADER, inviteLine, InProcess, startHandler, Testbed } from './helpers.js';

const NOW = new Date('2026-03-01T12:00:00Z');
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

/** Writes the registry as an editor's save leaves it at one moment: `ageMs` before NOW. */
function save(text: string, ageMs: number): void {
  const file = world.path('data', 'invite_data.txt');
  writeFileSync(file, text);
  const at = new Date(NOW.getTime() - ageMs);
  utimesSync(file, at, at);
}

/** Past the handler's check interval, so its next lookup looks at the file again. */
const nextCheck = () => new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS + 100));

test('half-saved registry: a known link is still approved, an expired row cut before its dt_expire is not', async () => {
  const open = await world.botLink('anna-2026');
  const old = await world.botLink('old-2025');
  const whole = `${INVITE_HEADER}\n${inviteLine('anna-2026', open)}\n${inviteLine('old-2025', old, '2026-02-01 00:00')}\n`;
  save(whole, 60_000);
  run = await startHandler(world, ['-v'], { now: () => NOW });

  // Truncated, nothing written yet.
  save('', 100);
  await nextCheck();
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: open });
  await world.emu.waitForIdle();
  expect(world.emu.isMember(GROUP, boris.id)).toBe(true);

  // Written up to the last row's dt_expire.
  save(whole.slice(0, whole.lastIndexOf('\t') + 1), 100);
  await nextCheck();
  const clara = { id: 4203, first_name: 'Clara' };
  world.emu.requestJoin({ chatId: GROUP, user: clara, inviteLink: old });
  await world.emu.waitForIdle(8000);
  expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([boris.id]);
  expect(world.emu.isMember(GROUP, clara.id)).toBe(false);
  expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status, r.reason])).toEqual([
    [String(boris.id), 'approve', ''],
    ['4203', 'pending', 'expired'],
  ]);
});
