/**
 * Personal links (max_members, --max-members) end to end: tg-handler against the emulator, real
 * files, the counts read back from the join log after a restart.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync } from 'node:fs';
import type { EmulatorUser } from '../../src/emulator/index.js';
import { anna, boris, GROUP, INVITE_HEADER, inviteLine, InProcess, startHandler, Testbed } from './helpers.js';

const mod: EmulatorUser = { id: 1900, first_name: 'Mo', username: 'mod' };
const carl: EmulatorUser = { id: 4203, first_name: 'Carl' };
const NOW = new Date('2026-03-01T12:00:00Z');

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  world.emu.addAdmin(GROUP, mod);
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) expect(await run.stop()).toBe(0);
  await world.close();
});

/** A registry with the max_members column at the end: one link with `max` (blank = none). */
async function registry(max: string): Promise<string> {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\tmax_members\n${inviteLine('anna-2026', link)}\t${max}\n`);
  return link;
}

let date = 1772366000;

/** A request with a date of its own: two requests of one person in the same second would be one. */
async function request(user: EmulatorUser, link: string): Promise<void> {
  world.emu.requestJoin({ chatId: GROUP, user, inviteLink: link, date: date++ });
  await world.emu.waitForIdle();
}

const decisions = () => world.responses().map((r) => [r.id_tg, r.tg_responde_status, r.reason]);

describe('a personal link (max_members 1)', () => {
  test('a second person through it is held with reason link-used and gets a card; the first coming back is approved', async () => {
    const link = await registry('1');
    const adminChat = world.emu.addPrivateChat(mod);
    run = new InProcess(world, ['--data-dir', world.path('data')], { now: () => NOW }, world.env({ ADMIN_CHAT_ID: String(adminChat) }));
    await run.ready;
    await request(anna, link);
    await request(boris, link);
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId)).toEqual([boris.id]);
    expect(decisions()).toEqual([[String(anna.id), 'approve', ''], [String(boris.id), 'pending', 'link-used']]);
    const [card] = world.emu.messages(adminChat);
    expect(card?.text).toMatch(/Who: Boris, id 4202\nLink: registry row "anna-2026" \(anna-2026@example\.org\)\nHeld: the link has already brought in its allowed number of people \(max_members\)/);
    expect(run.err.join('\n')).toMatch(/the registry row "anna-2026" has brought in its 1 people already/);

    world.emu.leave(GROUP, anna.id);
    await request(anna, link);
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([anna.id, anna.id]);
  });

  test('the count comes from the join log at start: after a restart a new person is still held', async () => {
    const link = await registry('1');
    run = await startHandler(world);
    await request(anna, link);
    expect(await run.stop()).toBe(0);
    run = await startHandler(world);
    await request(boris, link);
    expect(decisions()).toEqual([[String(anna.id), 'approve', ''], [String(boris.id), 'pending', 'link-used']]);
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
  });

  test('a restart from the ledger snapshot: the link is still full, a new person is held, not approved', async () => {
    const link = await registry('1');
    run = await startHandler(world, ['-v']);
    await request(anna, link);
    expect(await run.stop()).toBe(0);
    run = await startHandler(world, ['-v']);
    expect(run.output).toMatch(/join log: went on from the snapshot/);
    await request(boris, link);
    expect(decisions()).toEqual([[String(anna.id), 'approve', ''], [String(boris.id), 'pending', 'link-used']]);
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId)).toEqual([boris.id]);
  });

  test('a restart from the snapshot counts the rows another program appended meanwhile (max_members 2)', async () => {
    const link = await registry('2');
    run = await startHandler(world, ['-v']);
    await request(anna, link);
    expect(await run.stop()).toBe(0);
    // Carl joined through the link while the bot was down; `tg-get members` wrote his row.
    const annaRow = world.read('data/responde_data.txt').trimEnd().split('\n').at(-1)!;
    appendFileSync(world.path('data', 'responde_data.txt'), `${annaRow.replace(`\t${anna.id}\t`, `\t${carl.id}\t`).replace('\tapprove\t', '\tjoined\t')}\n`);
    run = await startHandler(world, ['-v']);
    expect(run.output).toMatch(/join log: went on from the snapshot/);
    await request(boris, link);
    expect(decisions()).toEqual([[String(anna.id), 'approve', ''], [String(carl.id), 'joined', ''], [String(boris.id), 'pending', 'link-used']]);
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
  });

  test('two people through it in the same batch: one is approved, the other held', async () => {
    const link = await registry('1');
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
    expect(world.responses().map((r) => r.tg_responde_status).sort()).toEqual(['approve', 'pending']);
  });
});

describe('--max-members', () => {
  test('limits rows whose cell is blank; a row\'s own max_members wins', async () => {
    const link = await registry('');
    run = await startHandler(world, ['--max-members', '2']);
    await request(anna, link);
    await request(boris, link);
    await request(carl, link);
    expect(decisions()).toEqual([[String(anna.id), 'approve', ''], [String(boris.id), 'approve', ''], [String(carl.id), 'pending', 'link-used']]);
    expect(await run.stop()).toBe(0);
    const other = await world.botLink('wide');
    world.write('data/invite_data.txt', `${world.read('data/invite_data.txt')}${inviteLine('wide', other)}\t5\n`);
    run = await startHandler(world, ['--max-members', '1']);
    await request(carl, other);
    expect(world.emu.isMember(GROUP, carl.id)).toBe(true);
  });

  test('a bad value is exit 2 naming the option', async () => {
    run = undefined;
    const bad = new InProcess(world, ['--data-dir', world.path('data'), '--max-members', '0']);
    expect(await bad.done).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--max-members: "0" must be a whole number of people, 1 or more/);
  });

  test('a bad max_members cell is named with file, line and column, and that row is not used', async () => {
    const link = await world.botLink('anna-2026');
    world.write('data/invite_data.txt', `${INVITE_HEADER}\tmax_members\n${inviteLine('anna-2026', link)}\tone\n`);
    run = await startHandler(world);
    await request(anna, link);
    expect(run.err.join('\n')).toMatch(/invite_data\.txt:2:\d+ \(max_members\): "one" is not a number of people/);
    expect(decisions()).toEqual([[String(anna.id), 'pending', 'unknown-link']]);
  });
});
