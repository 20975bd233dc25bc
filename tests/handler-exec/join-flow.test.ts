/**
 * Join requests end to end: main with the real telegraf client against the emulator, real files.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFile } from '../../src/shared/files/data-file.js';
import { responseSpec } from '../../src/shared/join-log/schema.js';
import { writeAtomic } from '../../src/shared/files/store.js';
import { anna, boris, GROUP, INVITE_HEADER, inviteLine, RESPONSE_HEADER, robot, startHandler, Testbed, InProcess } from './helpers.js';
import { LEGACY_DIR } from '../support/tmp.js';

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) {
    await run.stop();
    // The token is in the environment, never in what tg-handler prints or writes.
    expect(run.output).not.toContain(world.emu.token);
    expect(world.allFileText()).not.toContain(world.emu.token);
  }
  await world.close();
});

/** The registry with one link the bot made for Anna. */
async function registryWithAnna(expire = ''): Promise<string> {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link, expire)}\n`);
  return link;
}

describe('a person through a registry link', () => {
  test('is approved: the call, the membership, one row with every column, one log line', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world, [], { now: () => new Date('2026-03-01T12:00:00Z') });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    await world.emu.waitForIdle();

    const approve = world.emu.callsTo('approveChatJoinRequest');
    expect(approve).toHaveLength(1);
    expect(approve[0]?.params).toMatchObject({ chat_id: GROUP, user_id: anna.id });
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    expect(world.read('data/responde_data.txt')).toBe(
      `${RESPONSE_HEADER}\nanna-2026\t${anna.id}\tAnna\tBerg\t2026-03-01 12:00:00\tapprove\tanna\t${link}\t${GROUP}\t1772366000\t\t\n`,
    );
    expect(run.out.filter((l) => l.includes('join request:'))).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d join request: user 4201 \(@anna\) via "anna-2026" -> approved$/)]);
    expect(await run.stop()).toBe(0);
  });

  test('the legacy join log is used as it is: lone-tab line kept, not a member; our columns appended', async () => {
    world.write('data/responde_data.txt', readFileSync(path.join(LEGACY_DIR, 'responde_data.txt')));
    const link = await registryWithAnna();
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    await run.stop();
    const lines = world.read('data/responde_data.txt').split('\n');
    expect(lines.slice(0, 2)).toEqual([RESPONSE_HEADER, '\t']);
    const loaded = await loadFile(world.path('data/responde_data.txt'), responseSpec('UTC'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.entries.map((e) => [e.value.id_tg, e.value.tg_responde_status])).toEqual([[String(anna.id), 'approve']]);
  });
});

describe('declined and pending', () => {
  test('a bot is declined even through a registry link', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: robot, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.emu.callsTo('declineChatJoinRequest')[0]?.params).toMatchObject({ user_id: robot.id });
    expect(world.emu.isMember(GROUP, robot.id)).toBe(false);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(robot.id), tg_responde_status: 'decline', id_link: 'anna-2026', tg_username: 'spam_bot' })]);
    expect(run.out.join('\n')).toMatch(/user 4299 \(@spam_bot\) via "anna-2026" \(a bot\) -> declined/);
  });

  test('another admin\'s link (masked) is left pending for a human, with a warning', async () => {
    await registryWithAnna();
    const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest') + world.emu.callCount('declineChatJoinRequest')).toBe(0);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId)).toEqual([boris.id]);
    const [row] = world.responses();
    expect(row).toMatchObject({ id_tg: String(boris.id), tg_responde_status: 'pending', id_link: 'from-maria' });
    expect(row?.link).toMatch(/…$/);
    expect(run.err.join('\n')).toMatch(/warning: join request from user 4202 via "from-maria": the link https:\/\/t\.me\/\+\S+… is not in the registry/);
  });

  test('with --unknown-links decline an unknown link is declined', async () => {
    const foreign = world.emu.addForeignLink(GROUP);
    run = await startHandler(world, ['--unknown-links', 'decline']);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign });
    await world.emu.waitForIdle();
    expect(world.emu.callsTo('declineChatJoinRequest')).toHaveLength(1);
    expect(world.emu.pendingJoinRequests(GROUP)).toEqual([]);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(boris.id), tg_responde_status: 'decline' })]);
  });

  test('a request without an invite link (public group) is left pending; the warning says to make the group private', async () => {
    await registryWithAnna();
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(boris.id), tg_responde_status: 'pending', id_link: '', link: '' })]);
    expect(run.err.join('\n')).toMatch(/user 4202 without an invite link: .*make the group private/);
  });

  test('a registry row whose dt_expire has passed counts as unknown', async () => {
    const link = await registryWithAnna('2026-02-01 00:00');
    run = await startHandler(world, [], { now: () => new Date('2026-03-01T12:00:00Z') });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'pending', id_link: 'anna-2026', link })]);
    expect(run.err.join('\n')).toMatch(/registry row "anna-2026" expired/);
  });
});

describe('the registry changes while running', () => {
  test('a row tg-get adds (atomic rewrite) is approved without a restart', async () => {
    await registryWithAnna();
    run = await startHandler(world);
    const borisLink = await world.botLink('boris-2026');
    const before = world.read('data/invite_data.txt');
    await writeAtomic(world.path('data/invite_data.txt'), `${before}${inviteLine('boris-2026', borisLink)}\n`);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
    await world.emu.waitForIdle();
    expect(world.emu.isMember(GROUP, boris.id)).toBe(true);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(boris.id), tg_responde_status: 'approve', id_link: 'boris-2026', link: borisLink })]);
  });
});

describe('Telegram errors', () => {
  test('429 on approve waits retry_after, then approves', async () => {
    const link = await registryWithAnna();
    const waits: number[] = [];
    run = await startHandler(world, [], { retry: { sleep: async (ms) => void waits.push(ms) } });
    world.emu.failNext('approveChatJoinRequest', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.status)).toEqual([429, 200]);
    expect(waits).toEqual([1000]);
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'approve' })]);
  });

  test('HIDE_REQUESTER_MISSING is recorded as missing, without a retry', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world);
    world.emu.failNext('approveChatJoinRequest', { kind: 'error', code: 400, description: 'Bad Request: HIDE_REQUESTER_MISSING' });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'missing' })]);
    expect(run.out.join('\n')).toMatch(/-> already settled/);
  });

  test('after a crash between approve and the row: the redelivered request answers USER_ALREADY_PARTICIPANT and is recorded approve', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world);
    // The state a crash leaves: Telegram approved (Anna is in), the update was never confirmed.
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    world.emu.addMember(GROUP, anna.id);
    await world.emu.waitForIdle();
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => (c.response as { description?: string }).description)).toEqual(['Bad Request: USER_ALREADY_PARTICIPANT']);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(anna.id), tg_responde_status: 'approve' })]);
  });

  test('an approve whose answer was lost is repeated, and the repeat\'s USER_ALREADY_PARTICIPANT counts as approved', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world, [], { retry: { sleep: async () => {} } });
    world.emu.failNext('approveChatJoinRequest', { kind: 'drop-after' });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.status)).toEqual([0, 400]);
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'approve' })]);
  });

  test('polling recovers by itself from a lost connection', async () => {
    const link = await registryWithAnna();
    world.emu.failNext('getUpdates', { kind: 'drop-before' });
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle(15_000);
    expect(world.emu.callsTo('getUpdates')[0]).toMatchObject({ status: 0, fault: 'drop-before' });
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'approve' })]);
  });

  test('a failing update is logged and skipped; the bot carries on with the next', async () => {
    const link = await registryWithAnna();
    const borisLink = await world.botLink('boris-2026');
    world.write('data/invite_data.txt', `${world.read('data/invite_data.txt')}${inviteLine('boris-2026', borisLink)}\n`);
    run = await startHandler(world);
    world.emu.failNext('approveChatJoinRequest', { kind: 'error', code: 400, description: 'Bad Request: USER_CHANNELS_TOO_MUCH' });
    const failed = world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
    await world.emu.waitForIdle();
    expect(run.err.join('\n')).toContain(`error: update ${failed} (join request of user ${anna.id}): 400: Bad Request: USER_CHANNELS_TOO_MUCH`);
    expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status])).toEqual([[String(boris.id), 'approve']]);
  });
});

describe('duplicates', () => {
  // The requests below date from 1 March 2026: the handler's clock is set a few minutes later, as a
  // redelivery comes within Telegram's 24 hours.
  const MARCH_1 = () => new Date('2026-03-01T12:10:00Z');

  test('the same request delivered twice at once gives one row', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world, [], { now: MARCH_1 });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    await world.emu.waitForIdle();
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(anna.id), tg_responde_status: 'approve' })]);
  });

  test('a redelivery after the row was written calls nothing and writes nothing', async () => {
    const link = await registryWithAnna();
    run = await startHandler(world, [], { now: MARCH_1 });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    await world.emu.waitForIdle();
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
    expect(world.responses()).toHaveLength(1);
    expect(run.out.join('\n')).toMatch(/user 4201 \(@anna\) via "anna-2026" -> already recorded, nothing to do/);
  });

  test('a row already in the file before the start: no call, no second row', async () => {
    const link = await registryWithAnna();
    const existing = `anna-2026\t${anna.id}\tAnna\tBerg\t2026-03-01 12:00:00\tapprove\tanna\t${link}\t${GROUP}\t1772366000\n`;
    world.write('data/responde_data.txt', `${RESPONSE_HEADER}\n${existing}`);
    run = await startHandler(world, [], { now: MARCH_1 });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.read('data/responde_data.txt')).toBe(`${RESPONSE_HEADER}\n${existing}`);
  });
});

describe('start-up', () => {
  test('never drops pending updates; asks for its update types explicitly', async () => {
    const link = await registryWithAnna();
    // A request that came while the bot was down.
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    run = await startHandler(world);
    await world.emu.waitForIdle();
    expect(world.emu.callsTo('deleteWebhook').map((c) => c.params['drop_pending_updates'])).toEqual([false]);
    expect(world.emu.callsTo('getUpdates')[0]?.params['allowed_updates']).toEqual(['message', 'callback_query', 'chat_join_request', 'chat_member']);
    expect(world.responses()).toEqual([expect.objectContaining({ tg_responde_status: 'approve' })]);
    expect(run.out.join('\n')).toMatch(/started as @tracker_test_bot \(long polling\)/);
  });

  test('a wrong token ends with exit 2 and the 401 hint, without printing the token', async () => {
    const wrong = '123456:WRONG-token-wrong-token-wrong';
    const failed = new InProcess(world, ['--data-dir', world.path('data')], {}, world.env({ BOT_TOKEN: wrong }));
    expect(await failed.done).toBe(2);
    expect(failed.err.join('\n')).toMatch(/401 Unauthorized\): check BOT_TOKEN/);
    expect(failed.output).not.toContain(wrong);
  });

  test('another instance polling the same bot (409) ends this one with exit 2 and the hint', async () => {
    run = await startHandler(world);
    // Another machine (or folder) with the same token: one in this folder would refuse to start (single-instance.test.ts).
    mkdirSync(world.path('elsewhere'));
    const other = new InProcess(world, ['--data-dir', world.path('elsewhere')]);
    await other.ready;
    expect(await run.done).toBe(2);
    expect(run.err.join('\n')).toMatch(/another process is reading this bot's updates \(409 Conflict\)/);
    expect(await other.stop()).toBe(0);
  });

  test('a data folder that does not exist is a configuration error (exit 2)', async () => {
    const failed = new InProcess(world, ['--data-dir', world.path('nope')]);
    expect(await failed.done).toBe(2);
    expect(failed.err.join('\n')).toMatch(/^error: --data-dir: .*nope does not exist/);
  });

  test('a join log whose header lacks the legacy columns stops the start (exit 2) and is left untouched', async () => {
    world.write('data/responde_data.txt', 'name\tphone\n');
    const failed = new InProcess(world, ['--data-dir', world.path('data')]);
    expect(await failed.done).toBe(2);
    expect(failed.err.join('\n')).toMatch(/^error: data\/responde_data.txt:1:1: the header has no column "id_link"/m);
    expect(world.read('data/responde_data.txt')).toBe('name\tphone\n');
    expect(world.emu.calls).toEqual([]);
  });

  test('a missing BOT_TOKEN is a configuration error (exit 2)', async () => {
    const failed = new InProcess(world, ['--data-dir', world.path('data')], {}, { TELEGRAM_API_ROOT: world.emu.apiRoot });
    expect(await failed.done).toBe(2);
    expect(failed.err.join('\n')).toMatch(/BOT_TOKEN: is not set/);
    expect(world.emu.calls).toEqual([]);
  });
});
