/**
 * The built bin (bin/tg-handler over dist/) as systemd runs it: stopped with SIGTERM, killed, restarted.
 * Build first (npm test does): these tests run dist/, not src/.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { anna, ApiTap, boris, Child, GROUP, INVITE_HEADER, inviteLine, RESPONSE_HEADER, Testbed } from './helpers.js';

let world: Testbed;
const children: Child[] = [];

beforeEach(async () => {
  world = await Testbed.create();
});

afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  await world.close();
});

function spawnHandler(argv: string[] = []): Child {
  const child = new Child(world, ['-v', ...argv]);
  children.push(child);
  return child;
}

async function registry(): Promise<{ annaLink: string; borisLink: string }> {
  const annaLink = await world.botLink('anna-2026');
  const borisLink = await world.botLink('boris-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', annaLink)}\n${inviteLine('boris-2026', borisLink)}\n`);
  return { annaLink, borisLink };
}

function rowsPerUser(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const row of world.responses()) rows.set(row.id_tg ?? '', [...(rows.get(row.id_tg ?? '') ?? []), row.tg_responde_status ?? '']);
  return rows;
}

test('SIGTERM with approvals in flight: exit 0 without waiting for them; after a restart each request has exactly one row', async () => {
  const { annaLink, borisLink } = await registry();
  const first = spawnHandler();
  await first.waitFor(/started as @tracker_test_bot/);
  // Telegram takes longer to answer than a stop may wait.
  world.emu.failNext('approveChatJoinRequest', { kind: 'delay', ms: 8000 }, 2);
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
  await first.waitFor(/calling approveChatJoinRequest/, 2);
  first.process.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  expect(first.out).toMatch(/stopping \(SIGTERM\): finishing update \d+ \(join request of user 4201\), update \d+ \(join request of user 4202\)/);
  expect(first.err).toMatch(/Telegram delivers it again after the restart/);
  expect(world.read('data/responde_data.txt')).toBe(`${RESPONSE_HEADER}\n`);

  const second = spawnHandler();
  await second.waitFor(/-> approved/, 2);
  await world.emu.waitForIdle();
  second.process.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
  expect(rowsPerUser()).toEqual(new Map([[String(anna.id), ['approve']], [String(boris.id), ['approve']]]));
  expect(world.emu.isMember(GROUP, anna.id) && world.emu.isMember(GROUP, boris.id)).toBe(true);
  for (const child of [first, second]) expect(`${child.out}${child.err}`).not.toContain(world.emu.token);
  expect(world.allFileText()).not.toContain(world.emu.token);
});

test('SIGTERM while an approval is briefly in flight: it finishes, its row is written, exit 0, nothing comes again', async () => {
  const { annaLink } = await registry();
  const child = spawnHandler();
  await child.waitFor(/started as/);
  world.emu.failNext('approveChatJoinRequest', { kind: 'delay', ms: 700 });
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
  await child.waitFor(/calling approveChatJoinRequest/);
  child.process.kill('SIGTERM');
  expect(await child.exited).toEqual({ code: 0, signal: null });
  expect(rowsPerUser()).toEqual(new Map([[String(anna.id), ['approve']]]));
  expect(child.out).toMatch(/stopped$/m);
  // The batch was confirmed on the way out: only the "new member" service message may wait.
  expect(world.emu.pendingJoinRequests(GROUP)).toEqual([]);
});

test('killed (SIGKILL) between approve and the row: after the restart the redelivered request is recorded approved', async () => {
  const { annaLink } = await registry();
  const tap = await ApiTap.start(world.emu.apiRoot);
  try {
    const first = new Child(world, ['-v'], world.env({ TELEGRAM_API_ROOT: tap.apiRoot }));
    children.push(first);
    await first.waitFor(/started as/);
    // Telegram carries the approve out; the process dies before it hears back.
    tap.beforeAnswer('approveChatJoinRequest', async () => {
      first.process.kill('SIGKILL');
      await first.exited;
    });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    expect(world.responses()).toEqual([]);
  } finally {
    await tap.close();
  }

  const second = spawnHandler();
  await second.waitFor(/-> approved/);
  second.process.kill('SIGTERM');
  expect((await second.exited).code).toBe(0);
  expect(world.emu.callsTo('approveChatJoinRequest').map((c) => (c.response as { description?: string }).description)).toEqual([undefined, 'Bad Request: USER_ALREADY_PARTICIPANT']);
  expect(rowsPerUser()).toEqual(new Map([[String(anna.id), ['approve']]]));
});

test('a wrong token: exit 2 with the hint, the token never printed', async () => {
  const wrong = '123456:WRONG-token-wrong-token-wrong';
  const child = new Child(world, [], world.env({ BOT_TOKEN: wrong }));
  children.push(child);
  expect((await child.exited).code).toBe(2);
  expect(child.err).toMatch(/Telegram refused the bot token \(401 Unauthorized\)/);
  expect(`${child.out}${child.err}`).not.toContain(wrong);
});

test('a legacy join log with short rows and no request dates: no warning at any start, bytes after the header kept', async () => {
  await registry();
  // Legacy rows: trailing cells missing (legal), no tg_request_date; one even has no status.
  const legacyRows = 'anna-2026\t4201\tAnna\r\n\t\r\nold\t77\tOld\t\t2025-01-01 10:00:00\r\n';
  world.write('data/responde_data.txt', `id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\r\n${legacyRows}`);
  for (let start = 0; start < 2; start++) {
    const child = spawnHandler();
    await child.waitFor(/started as @tracker_test_bot/);
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(child.err).toBe('');
  }
  expect(world.read('data/responde_data.txt')).toBe(`${RESPONSE_HEADER.split('\n')[0]!}\r\n${legacyRows}`);
});

test('a restart from the ledger snapshot written at SIGTERM: a redelivered join request writes no second row', async () => {
  const { annaLink, borisLink } = await registry();
  const date = Math.floor(Date.now() / 1000) - 60;
  const first = spawnHandler();
  await first.waitFor(/started as/);
  expect(first.out).toMatch(/join log: read the whole join log: no snapshot yet/);
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink, date });
  await first.waitFor(/-> approved/);
  await world.emu.waitForIdle();
  first.process.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(world.path('data', '.tg-handler-ledger'))).toBe(true);

  const second = spawnHandler();
  await second.waitFor(/started as/);
  expect(second.out).toMatch(/join log: went on from the snapshot .*\.tg-handler-ledger \(1 people, read from byte \d+\)/);
  // Telegram delivers the same request again (same user, chat and date), then a new one.
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink, date });
  await second.waitFor(/already recorded, nothing to do/);
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
  await second.waitFor(/-> approved/);
  await world.emu.waitForIdle();
  second.process.kill('SIGTERM');
  expect((await second.exited).code).toBe(0);
  expect(world.emu.callCount('approveChatJoinRequest')).toBe(2);
  expect(rowsPerUser()).toEqual(new Map([[String(anna.id), ['approve']], [String(boris.id), ['approve']]]));
  expect(world.allFileText()).not.toContain(world.emu.token);
});
