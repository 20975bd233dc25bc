/**
 * Updates of an unexpected shape or type, through the built bin: each is logged with its id and
 * skipped; the bot keeps running and every other update of the same batch is handled (#11.1).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { anna, boris, Child, GROUP, INVITE_HEADER, inviteLine, startHandler, Testbed } from './helpers.js';

let world: Testbed;
let child: Child | undefined;
let stopRun: (() => Promise<number>) | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  child = undefined;
  stopRun = undefined;
});

afterEach(async () => {
  await child?.kill();
  await stopRun?.();
  await world.close();
});

const chat = { id: GROUP, type: 'supergroup', title: 'The Club' };
const eve = { id: 666, is_bot: false, first_name: 'Eve' };

test('malformed updates in one batch with good ones: each logged by id and skipped, the good ones handled, the bot runs on', async () => {
  const annaLink = await world.botLink('anna-2026');
  const borisLink = await world.botLink('boris-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', annaLink)}\n${inviteLine('boris-2026', borisLink)}\n`);
  // All queued before the bot starts: its first getUpdates takes them as one batch.
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
  const bad = [
    world.emu.queueUpdate({ chat_join_request: { chat, from: null, user_chat_id: 666, date: 1 } }),
    world.emu.queueUpdate({ chat_join_request: { chat, from: 'eve', user_chat_id: 666, date: 1 } }),
    world.emu.queueUpdate({ chat_join_request: { chat, from: eve, user_chat_id: 666, date: 1, invite_link: 5 } }),
    world.emu.queueUpdate({ chat_join_request: null }),
    world.emu.queueUpdate({ chat_join_request: { chat, from: { id: '666', is_bot: false, first_name: 'Eve' }, date: 1 } }),
    world.emu.queueUpdate({ callback_query: { id: '1', data: 'm1:menu' } }),
    world.emu.queueUpdate({ message: 'hello' }),
  ];
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });

  child = new Child(world, ['-v']);
  await child.waitFor(/-> approved/, 2);
  await world.emu.waitForIdle();
  for (const id of bad) expect(`${child.out}\n${child.err}`).toMatch(new RegExp(`update ${id} \\([^\\n]*cannot be handled \\([^)\\n]+\\); the update is skipped, the bot carries on`));
  expect(child.err).toMatch(/update \d+ \(join request of user \?\): cannot be handled \(chat_join_request\.from: /);
  expect(child.err).toMatch(/cannot be handled \(chat_join_request\.invite_link: /);
  // Telegram's input, not our bug.
  expect(child.err).not.toMatch(/bug:/);
  // One batch: the calls and rows come in the order the two requests finish.
  expect(world.emu.callsTo('approveChatJoinRequest').map((c) => Number(c.params['user_id'])).sort()).toEqual([anna.id, boris.id]);
  expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status]).sort()).toEqual([[String(anna.id), 'approve'], [String(boris.id), 'approve']]);
  expect(child.process.exitCode).toBeNull();

  // Still polling: a request after the batch is handled too, and SIGTERM ends it with 0.
  const third = { id: 4203, first_name: 'Clara' };
  world.emu.requestJoin({ chatId: GROUP, user: third, inviteLink: annaLink });
  await child.waitFor(/-> approved/, 3);
  child.process.kill('SIGTERM');
  expect(await child.exited).toEqual({ code: 0, signal: null });
});

test('a bug of ours while handling one update is logged as a bug: error level, its update id, the stack once; the next update is handled', async () => {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n`);
  let broken = false;
  // Our own clock failing is our bug, not Telegram's input.
  const run = await startHandler(world, [], { now: () => { if (broken) throw new TypeError('the clock broke'); return new Date(); } });
  stopRun = () => run.stop();
  broken = true;
  const id = world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
  await world.emu.waitForIdle();
  broken = false;
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: link });
  await world.emu.waitForIdle();
  expect(run.err.filter((l) => l.includes('the clock broke'))).toEqual([
    expect.stringMatching(new RegExp(`error: update ${id} \\(join request of user ${anna.id}\\): bug: the clock broke; the update is skipped, the bot carries on$`)),
    expect.stringMatching(/error: TypeError: the clock broke\n[^\n]*\sat /),
  ]);
  expect(world.responses().map((r) => r.id_tg)).toEqual([String(boris.id)]);
  expect(await run.stop()).toBe(0);
});
