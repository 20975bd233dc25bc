/**
 * The built bins together (#12): tg-handler (bin/tg-handler) recording chat_member updates while
 * `tg-get members` (bin/tg-get) reconciles the same join log. A leave both of them learn about is
 * one row, whichever comes first. Build first (npm test does).
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { runTgGet } from '../get-exec/helpers.js';
import { anna, boris, Child, GROUP, INVITE_HEADER, inviteLine, Testbed } from './helpers.js';

let world: Testbed;
let clock: number;
const children: Child[] = [];

beforeEach(async () => {
  clock = Date.UTC(2026, 2, 1, 12, 0, 0);
  world = await Testbed.create({ now: () => clock });
});

afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  await world.close();
});

/** A chat_member update exactly as Telegram sends it when `user` leaves by themselves at `date`. */
function leaveUpdate(user: typeof anna, date: number): Record<string, unknown> {
  const person = { id: user.id, is_bot: false, first_name: user.first_name, ...(user.last_name ? { last_name: user.last_name } : {}), ...(user.username ? { username: user.username } : {}) };
  return {
    chat_member: {
      chat: { id: GROUP, title: 'The Club', type: 'supergroup' },
      from: person,
      date,
      old_chat_member: { user: person, status: 'member' },
      new_chat_member: { user: person, status: 'left' },
    },
  };
}

const members = (args: string[] = []) => runTgGet(['--data-dir', world.path('data'), 'members', '--checks-per-second', '200', ...args], { cwd: world.dir, env: world.env() });

test('a leave Telegram sent late, after tg-get members found it, and one the handler recorded first: one row each', async () => {
  const door = ((await world.api('createChatInviteLink', { chat_id: GROUP, name: 'door', creates_join_request: false })) as { invite_link: string }).invite_link;
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('door', door)}\n`);
  const handler = new Child(world, ['-v']);
  children.push(handler);
  await handler.waitFor(/started as/);
  world.emu.joinByLink({ chatId: GROUP, user: anna, inviteLink: door });
  world.emu.joinByLink({ chatId: GROUP, user: boris, inviteLink: door });
  await handler.waitFor(/recorded "joined"/, 2);

  // Anna is gone and Telegram says nothing (yet): tg-get members finds her.
  clock += 60_000;
  world.emu.dropMemberSilently(GROUP, anna.id);
  const found = await members();
  expect(found.code).toBe(0);
  expect(found.stdout).toMatch(/recorded left: user 4201 \(@anna\) in -1001234567890, joined via "door"/);
  // Then the update comes after all: it is older than the row tg-get members wrote.
  world.emu.queueUpdate(leaveUpdate(anna, clock / 1000));
  await handler.waitFor(/member: user 4201 \(@anna\) left .*-> nothing to record/);

  // Boris leaves and the handler records it; tg-get members then finds nothing new.
  clock += 60_000;
  world.emu.leave(GROUP, boris.id);
  await handler.waitFor(/member: user 4202 left \(joined via "door"\) -> recorded "left"/);
  const again = await members();
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/checked 2 of 2: 0 gone, 0 back/);

  const rows = world.responses().map((r) => [r['id_tg'], r['tg_responde_status'], r['id_link'], r['reason']]);
  expect(rows.slice(2)).toEqual([
    [String(anna.id), 'left', 'door', 'tg-get members'],
    [String(boris.id), 'left', 'door', ''],
  ]);
  handler.process.kill('SIGTERM');
  expect((await handler.exited).code).toBe(0);
  expect(handler.out + handler.err).not.toContain(world.emu.token);
});
