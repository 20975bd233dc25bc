/**
 * The review queue end to end: tg-handler (main, and the built bin for a restart) with ADMIN_CHAT_ID
 * against the emulator: cards for held requests, presses by admins and others, and the join log.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync } from 'node:fs';
import type { EmulatorUser } from '../../src/emulator/index.js';
import { anna, boris, Child, GROUP, INVITE_HEADER, inviteLine, InProcess, Testbed } from './helpers.js';

const mod: EmulatorUser = { id: 1900, first_name: 'Mo', username: 'mod' };
const NOW = new Date('2026-03-01T12:00:00Z');

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  world.emu.addAdmin(GROUP, mod);
  run = undefined;
});

/** Bins a test started: killed if the test failed before stopping them. */
const children: Child[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await child.kill();
  if (run !== undefined) {
    await run.stop();
    expect(run.output).not.toContain(world.emu.token);
    expect(world.allFileText()).not.toContain(world.emu.token);
  }
  await world.close();
});

/** tg-handler with the queue in Mo's private chat. */
async function startQueue(argv: string[] = [], adminChat = world.emu.addPrivateChat(mod)): Promise<InProcess> {
  const started = new InProcess(world, ['--data-dir', world.path('data'), ...argv], { now: () => NOW }, world.env({ ADMIN_CHAT_ID: String(adminChat) }));
  await started.ready;
  return started;
}

async function registry(expire = ''): Promise<string> {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link, expire)}\n`);
  return link;
}

/** Presses the newest button labelled `label` in the chat, as `who`, and waits until the bot is done. */
async function press(chat: number, who: EmulatorUser, label: string): Promise<void> {
  const button = world.emu.findButton(chat, label);
  if (button === undefined) throw new Error(`no ${label} button in ${chat}`);
  world.emu.pressButtonIn(chat, who, button.messageId, button.data);
  await world.emu.waitForIdle();
}

const answers = () => world.emu.callsTo('answerCallbackQuery').map((c) => c.params['text']);

describe('cards', () => {
  test('one card per held reason: who, which link, why, and Approve / Decline buttons', async () => {
    const link = await registry('2026-02-01 00:00');
    const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
    run = await startQueue();
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link, date: 1772366000 });
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign, date: 1772366001 });
    world.emu.requestJoin({ chatId: GROUP, user: { id: 4203, first_name: 'Carl' }, inviteLink: null, date: 1772366002 });
    await world.emu.waitForIdle();

    const cards = world.emu.messages(mod.id);
    expect(cards).toHaveLength(3);
    const byUser = (id: number) => cards.find((m) => m.text?.includes(`id ${id}`));
    expect(byUser(anna.id)?.text).toBe(
      ['Join request to The Club (-1001234567890)', 'Who: Anna Berg (@anna), id 4201', 'Link: registry row "anna-2026" (anna-2026@example.org)', 'Held: the registry row has expired (dt_expire)', 'Asked: 2026-03-01 11:53:20'].join('\n'),
    );
    expect(byUser(boris.id)?.text).toMatch(/Who: Boris, id 4202\nLink: not in the registry: "from-maria" https:\/\/t\.me\/\+\S+…\nHeld: the link is not in the registry/);
    expect(byUser(4203)?.text).toMatch(/Link: none\nHeld: Telegram sent no invite link/);
    for (const message of cards) {
      const labels = (message.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
      expect(labels.map((b) => b.text)).toEqual(['✅ Approve', '❌ Decline']);
      for (const b of labels) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    }
    // Requests of one batch are decided side by side: their rows come in the order they finish.
    expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status, r.reason]).sort()).toEqual([
      [String(anna.id), 'pending', 'expired'],
      [String(boris.id), 'pending', 'unknown-link'],
      ['4203', 'pending', 'no-link'],
    ]);
    expect(world.emu.callCount('approveChatJoinRequest') + world.emu.callCount('declineChatJoinRequest')).toBe(0);
  });

  test('without ADMIN_CHAT_ID no card is sent: the request is left pending as before', async () => {
    const foreign = world.emu.addForeignLink(GROUP);
    run = new InProcess(world, ['--data-dir', world.path('data')]);
    await run.ready;
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('sendMessage')).toBe(0);
    expect(world.responses().map((r) => r.tg_responde_status)).toEqual(['pending']);
  });
});

describe('presses', () => {
  test('an admin approves: the call, the row with decided_by, the answer, the card edited without buttons', async () => {
    const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
    run = await startQueue();
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign, date: 1772366000 });
    await world.emu.waitForIdle();
    await press(mod.id, mod, 'Approve');

    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params)).toEqual([{ chat_id: GROUP, user_id: boris.id }]);
    expect(world.emu.isMember(GROUP, boris.id)).toBe(true);
    const rows = world.responses();
    expect(rows.map((r) => [r.tg_responde_status, r.decided_by, r.reason, r.id_link, r.tg_request_date])).toEqual([
      ['pending', '', 'unknown-link', 'from-maria', '1772366000'],
      ['approve', String(mod.id), 'unknown-link', 'from-maria', '1772366000'],
    ]);
    expect(answers()).toEqual(['Approved.']);
    const [edited] = world.emu.messages(mod.id);
    expect(edited?.text).toMatch(/\n\n✅ Approved by Mo \(@mod\), id 1900 at 2026-03-01 12:00:00$/);
    expect(edited?.reply_markup).toBeUndefined();
  });

  test('an admin declines through a group of admins', async () => {
    const admins = -1005550001;
    world.emu.addChat({ id: admins, type: 'group', title: 'Admins', botRights: 'member' });
    world.emu.addMember(admins, mod.id);
    run = await startQueue([], admins);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    await press(admins, mod, 'Decline');
    expect(world.emu.callsTo('declineChatJoinRequest')).toHaveLength(1);
    expect(world.emu.pendingJoinRequests(GROUP)).toEqual([]);
    expect(world.responses().map((r) => [r.tg_responde_status, r.decided_by])).toEqual([['pending', ''], ['decline', String(mod.id)]]);
    expect(world.emu.messages(admins)[0]?.text).toMatch(/❌ Declined by Mo \(@mod\), id 1900 at /);
  });

  test('a press by someone who is not an admin of the group changes nothing', async () => {
    const admins = -1005550001;
    world.emu.addChat({ id: admins, type: 'group', title: 'Admins', botRights: 'member' });
    world.emu.addMember(admins, anna.id);
    run = await startQueue([], admins);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    const before = world.emu.messages(admins)[0];
    await press(admins, anna, 'Approve');
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(answers()).toEqual(['Only an administrator of the group can decide this request.']);
    expect(world.responses().map((r) => r.tg_responde_status)).toEqual(['pending']);
    expect(world.emu.messages(admins)[0]).toEqual(before);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId)).toEqual([boris.id]);
  });

  test('a double press decides once: one call, one row', async () => {
    run = await startQueue();
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    const button = world.emu.findButton(mod.id, 'Approve')!;
    world.emu.pressButton(mod, button.messageId, button.data);
    world.emu.pressButton(mod, button.messageId, button.data);
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(1);
    expect(world.responses().map((r) => r.tg_responde_status)).toEqual(['pending', 'approve']);
    expect(answers()).toHaveLength(2);
    expect(answers()).toContain('Approved.');
  });

  test('a request settled in the app: the card says so, the row is recorded as before', async () => {
    run = await startQueue();
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: null });
    await world.emu.waitForIdle();
    world.emu.adminApproves(GROUP, boris.id);
    world.emu.adminDeclines(GROUP, anna.id);
    // tg-handler hears of the approval in the app (chat_member) before anyone presses.
    await world.emu.waitForIdle();
    const cards = world.emu.messages(mod.id);
    const data = (id: number) => (cards.find((m) => m.text?.includes(`id ${id}`))!.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    const messageOf = (id: number) => cards.find((m) => m.text?.includes(`id ${id}`))!.message_id;
    world.emu.pressButton(mod, messageOf(boris.id), data(boris.id));
    world.emu.pressButton(mod, messageOf(anna.id), data(anna.id));
    await world.emu.waitForIdle();
    const rows = world.responses().filter((r) => r.tg_responde_status !== 'pending');
    // The approval in the app is a join tg-handler records from its chat_member update (joined, by
    // that admin: the membership ledger, #12); the press then finds the request settled.
    expect(rows.map((r) => [r.id_tg, r.tg_responde_status, r.decided_by])).toEqual(
      expect.arrayContaining([[String(boris.id), 'approve', ''], [String(anna.id), 'missing', ''], [String(boris.id), 'joined', expect.stringMatching(/^\d+$/)]]),
    );
    expect(rows).toHaveLength(3);
    const after = world.emu.messages(mod.id);
    expect(after.find((m) => m.text?.includes(`id ${boris.id}`))?.text).toMatch(/Already in the group \(approved elsewhere\); seen by Mo/);
    expect(after.find((m) => m.text?.includes(`id ${anna.id}`))?.text).toMatch(/Already settled elsewhere/);
  });
  test('a refused call records nothing and keeps the buttons; the next press decides', async () => {
    run = await startQueue();
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    world.emu.failNext('approveChatJoinRequest', { kind: 'error', code: 400, description: 'Bad Request: USER_CHANNELS_TOO_MUCH' });
    await press(mod.id, mod, 'Approve');
    expect(answers()).toEqual(["That did not work; nothing changed. Press again, or see the bot's log."]);
    expect(world.responses().map((r) => r.tg_responde_status)).toEqual(['pending']);
    expect(run.err.join('\n')).toMatch(/review queue: the approve of user 4202 pressed by 1900 failed: .*USER_CHANNELS_TOO_MUCH/);
    await press(mod.id, mod, 'Approve');
    expect(world.responses().map((r) => r.tg_responde_status)).toEqual(['pending', 'approve']);
  });
});

describe('a restart', () => {
  test('from the ledger snapshot (bin): a request held before the stop is still held and decided with its row; one another program decided meanwhile is not', async () => {
    const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
    const carl: EmulatorUser = { id: 4203, first_name: 'Carl' };
    const adminChat = world.emu.addPrivateChat(mod);
    const env = world.env({ ADMIN_CHAT_ID: String(adminChat) });
    const first = new Child(world, ['-v'], env);
    children.push(first);
    await first.waitFor(/started as/);
    // Recent requests (the bin runs on the real clock): their keys are inside the redelivery window.
    const date = Math.floor(Date.now() / 1000) - 60;
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign, date });
    world.emu.requestJoin({ chatId: GROUP, user: carl, inviteLink: foreign, date: date + 1 });
    await first.waitFor(/card for user 4203/);
    await world.emu.waitForIdle();
    first.process.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // While the bot is down an admin declines Carl in Telegram and `tg-get pending` writes the row.
    world.emu.adminDeclines(GROUP, carl.id, mod);
    const held = world.read('data/responde_data.txt').trimEnd().split('\n').find((l) => l.includes('\t4203\t'))!;
    appendFileSync(world.path('data', 'responde_data.txt'), `${held.replace('\tpending\t', '\tdecline\t')}\n`);

    const second = new Child(world, ['-v'], env);
    children.push(second);
    await second.waitFor(/started as/);
    expect(second.out).toMatch(/join log: went on from the snapshot/);
    // Carl's card is the newest: his request is decided, nothing is called, no row is written.
    await press(mod.id, mod, 'Approve');
    expect(answers()).toEqual(['This request has already been decided.']);
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    const borisCard = world.emu.messages(adminChat).find((m) => m.text?.includes('id 4202'))!;
    const keyboard = (borisCard.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    const approve = keyboard.flat().find((b) => b.text.includes('Approve'))!;
    world.emu.pressButtonIn(adminChat, mod, borisCard.message_id, approve.callback_data);
    await second.waitFor(/review queue: user 4202 .*-> approved/);
    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(world.emu.isMember(GROUP, boris.id)).toBe(true);
    expect(world.emu.isMember(GROUP, carl.id)).toBe(false);
    // The approve row has the held row's link, reason and name: the held request came from the snapshot.
    expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status, r.decided_by, r.id_link, r.reason, r.tg_f_name])).toEqual([
      ['4202', 'pending', '', 'from-maria', 'unknown-link', 'Boris'],
      ['4203', 'pending', '', 'from-maria', 'unknown-link', 'Carl'],
      ['4203', 'decline', '', 'from-maria', 'unknown-link', 'Carl'],
      ['4202', 'approve', String(mod.id), 'from-maria', 'unknown-link', 'Boris'],
    ]);
  });

  test('a card sent before a restart is acted on by the bin started again, with the link from the join log', async () => {
    const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
    const adminChat = world.emu.addPrivateChat(mod);
    const env = world.env({ ADMIN_CHAT_ID: String(adminChat) });
    const first = new Child(world, [], env);
    await first.waitFor(/started as/);
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign });
    await first.waitFor(/card for user 4202/);
    await world.emu.waitForIdle();
    first.process.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    const second = new Child(world, [], env);
    await second.waitFor(/started as/);
    await press(mod.id, mod, 'Approve');
    await second.waitFor(/review queue: user 4202 .*-> approved/);
    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(world.emu.isMember(GROUP, boris.id)).toBe(true);
    expect(world.responses().map((r) => [r.tg_responde_status, r.decided_by, r.id_link, r.reason, r.tg_f_name])).toEqual([
      ['pending', '', 'from-maria', 'unknown-link', 'Boris'],
      ['approve', String(mod.id), 'from-maria', 'unknown-link', 'Boris'],
    ]);
  });
});
