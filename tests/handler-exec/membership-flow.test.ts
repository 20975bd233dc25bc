/**
 * Joins and leaves end to end (#12): tg-handler's main with the real telegraf client against the
 * emulator, which sends chat_member updates as Telegram does (only to an admin bot that asks).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { OTHER_ADMIN } from '../../src/emulator/index.js';
import { anna, boris, GROUP, INVITE_HEADER, inviteLine, startHandler, Testbed, type InProcess } from './helpers.js';

let world: Testbed;
let run: InProcess | undefined;
/** The emulator's clock: a test moves it on so events fall in different seconds. */
let clock: number;
const later = (seconds = 60): void => {
  clock += seconds * 1000;
};

beforeEach(async () => {
  clock = Date.UTC(2026, 2, 1, 12, 0, 0);
  world = await Testbed.create({ now: () => clock });
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) {
    await run.stop();
    expect(run.output).not.toContain(world.emu.token);
  }
  await world.close();
});

/** A link the bot made; `request` false: people join at once (a link without join requests). */
async function link(name: string, request = true): Promise<string> {
  return ((await world.api('createChatInviteLink', { chat_id: GROUP, name, creates_join_request: request })) as { invite_link: string }).invite_link;
}

/** The registry with these rows (name -> URL). */
function registry(rows: Record<string, string>): void {
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${Object.entries(rows).map(([id, url]) => inviteLine(id, url)).join('\n')}\n`);
}

const pick = (rows: Record<string, string>[]) => rows.map((r) => [r['id_tg'], r['tg_responde_status'], r['id_link'], r['decided_by']]);

describe('joins', () => {
  test("the bot's own approval gives one row (approve); the leave after it counts under its link", async () => {
    const url = await link('anna-2026');
    registry({ 'anna-2026': url });
    run = await startHandler(world, ['-v']);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: url });
    await world.emu.waitForIdle();
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    world.emu.leave(GROUP, anna.id);
    await world.emu.waitForIdle();
    expect(pick(world.responses())).toEqual([
      [String(anna.id), 'approve', 'anna-2026', ''],
      [String(anna.id), 'left', 'anna-2026', ''],
    ]);
    // The chat_member that follows the bot's own approval writes nothing, and says so with -v.
    expect(run.output).toMatch(/member: user 4201 \(@anna\) joined -> approved by the bot, already recorded/);
    expect(run.out.join('\n')).toMatch(/member: user 4201 \(@anna\) left \(joined via "anna-2026"\) -> recorded "left"/);
  });

  test('an admin approving a held request in the app: joined, decided_by the admin, the link as Telegram shows it', async () => {
    const foreign = world.emu.addForeignLink(GROUP, { name: 'their-flyer' });
    registry({});
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: foreign });
    await world.emu.waitForIdle();
    world.emu.adminApproves(GROUP, anna.id);
    await world.emu.waitForIdle();
    expect(pick(world.responses())).toEqual([
      [String(anna.id), 'pending', 'their-flyer', ''],
      [String(anna.id), 'joined', 'their-flyer', String(OTHER_ADMIN.id)],
    ]);
  });

  test('through a registry link without join requests: joined under the registry row; an add by an admin: blank link', async () => {
    const open = await link('open-door', false);
    registry({ door: open });
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: open });
    await world.emu.waitForIdle();
    world.emu.adminAdds(GROUP, boris);
    await world.emu.waitForIdle();
    const rows = world.responses();
    expect(pick(rows)).toEqual([
      [String(anna.id), 'joined', 'door', ''],
      [String(boris.id), 'joined', '', String(OTHER_ADMIN.id)],
    ]);
    expect(rows[0]).toMatchObject({ link: open, chat_id: String(GROUP), tg_f_name: 'Anna', tg_l_name: 'Berg', tg_username: 'anna' });
    expect(rows[0]?.['tg_request_date']).toMatch(/^\d+$/);
  });

  test('a public group joined with its Join button: joined with a blank link, in that chat', async () => {
    const PUBLIC = -1009999;
    world.emu.addChat({ id: PUBLIC, type: 'supergroup', title: 'Open', username: 'openclub' });
    registry({});
    run = await startHandler(world);
    world.emu.joinPublic({ chatId: PUBLIC, user: anna });
    await world.emu.waitForIdle();
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(anna.id), tg_responde_status: 'joined', id_link: '', chat_id: String(PUBLIC), decided_by: '' })]);
  });
});

describe('leaves', () => {
  test('a removal and a ban are removed (decided_by the admin), each under the link the person joined through', async () => {
    const a = await link('door-a', false);
    const b = await link('door-b', false);
    registry({ A: a, B: b });
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: a });
    world.emu.joinByLink({ chatId: GROUP, user: boris, inviteLink: b });
    await world.emu.waitForIdle();
    later();
    world.emu.adminRemoves(GROUP, anna.id);
    await world.emu.waitForIdle();
    world.emu.adminBans(GROUP, boris.id);
    await world.emu.waitForIdle();
    expect(pick(world.responses()).slice(0, 2)).toEqual(expect.arrayContaining([
      [String(anna.id), 'joined', 'A', ''],
      [String(boris.id), 'joined', 'B', ''],
    ]));
    expect(pick(world.responses()).slice(2)).toEqual([
      [String(anna.id), 'removed', 'A', String(OTHER_ADMIN.id)],
      [String(boris.id), 'removed', 'B', String(OTHER_ADMIN.id)],
    ]);
  });

  test('a re-join through another link: the next leave counts under the new link; a leave never seen joining has a blank link', async () => {
    const a = await link('door-a', false);
    const b = await link('door-b', false);
    registry({ A: a, B: b });
    world.emu.addMember(GROUP, boris.id);
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: a });
    await world.emu.waitForIdle();
    later();
    world.emu.leave(GROUP, anna.id);
    await world.emu.waitForIdle();
    later();
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: b });
    await world.emu.waitForIdle();
    later();
    world.emu.leave(GROUP, anna.id);
    await world.emu.waitForIdle();
    world.emu.leave(GROUP, boris.id);
    await world.emu.waitForIdle();
    expect(pick(world.responses())).toEqual([
      [String(anna.id), 'joined', 'A', ''],
      [String(anna.id), 'left', 'A', ''],
      [String(anna.id), 'joined', 'B', ''],
      [String(anna.id), 'left', 'B', ''],
      [String(boris.id), 'left', '', ''],
    ]);
  });
});

describe('one row per event', () => {
  /** A chat_member update exactly as Telegram sends it for a self-leave. */
  const leaveUpdate = (date: number) => ({
    chat_member: {
      chat: { id: GROUP, title: 'The Club', type: 'supergroup' },
      from: { id: anna.id, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' },
      date,
      old_chat_member: { user: { id: anna.id, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' }, status: 'member' },
      new_chat_member: { user: { id: anna.id, is_bot: false, first_name: 'Anna', last_name: 'Berg', username: 'anna' }, status: 'left' },
    },
  });

  test('a join and a leave in the same second are two rows', async () => {
    const a = await link('door-a', false);
    registry({ A: a });
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: a });
    await world.emu.waitForIdle();
    world.emu.leave(GROUP, anna.id);
    await world.emu.waitForIdle();
    const rows = world.responses();
    expect(pick(rows)).toEqual([
      [String(anna.id), 'joined', 'A', ''],
      [String(anna.id), 'left', 'A', ''],
    ]);
    expect(rows[0]?.['tg_request_date']).toBe(rows[1]?.['tg_request_date']);
  });

  test('the same update delivered twice writes one row', async () => {
    const a = await link('door-a', false);
    registry({ A: a });
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: a });
    await world.emu.waitForIdle();
    const date = clock / 1000 + 5;
    world.emu.queueUpdate(leaveUpdate(date));
    world.emu.queueUpdate(leaveUpdate(date));
    await world.emu.waitForIdle();
    expect(pick(world.responses())).toEqual([
      [String(anna.id), 'joined', 'A', ''],
      [String(anna.id), 'left', 'A', ''],
    ]);
  });

  test('an update delivered again after a restart (the crash came before it was confirmed) writes no second row', async () => {
    const a = await link('door-a', false);
    registry({ A: a });
    run = await startHandler(world);
    world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: a });
    await world.emu.waitForIdle();
    const date = clock / 1000 + 5;
    world.emu.queueUpdate(leaveUpdate(date));
    await world.emu.waitForIdle();
    expect(await run.stop()).toBe(0);
    const before = world.read('data/responde_data.txt');
    world.emu.queueUpdate(leaveUpdate(date));
    run = await startHandler(world);
    await world.emu.waitForIdle();
    expect(world.read('data/responde_data.txt')).toBe(before);
    expect(pick(world.responses())).toEqual([
      [String(anna.id), 'joined', 'A', ''],
      [String(anna.id), 'left', 'A', ''],
    ]);
    expect(run.out.join('\n')).toMatch(/nothing to record/);
  });
});
