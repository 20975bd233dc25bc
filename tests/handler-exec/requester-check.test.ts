/**
 * --check-requester end to end: tg-handler (main) against the emulator, with the check's timers in
 * the test's hand (a timeout is fired, never waited for).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { EmulatorUser } from '../../src/emulator/index.js';
import type { Timers } from '../../src/handler-exec/requester-check.js';
import { decodeCheck, encodeCheck } from '../../src/handler-exec/requester-check.js';
import { anna, GROUP, INVITE_HEADER, inviteLine, InProcess, Testbed } from './helpers.js';

const mod: EmulatorUser = { id: 1900, first_name: 'Mo', username: 'mod' };

/** Timers the test fires by hand. */
class HandTimers implements Timers {
  private next = 1;
  readonly waiting = new Map<number, { fn: () => void; ms: number }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.waiting.set(id, { fn, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.waiting.delete(handle as number);
  }
  /** Fires every timer set so far. */
  fire(): void {
    const due = [...this.waiting.values()];
    this.waiting.clear();
    for (const timer of due) timer.fn();
  }
  get delays(): number[] {
    return [...this.waiting.values()].map((t) => t.ms);
  }
}

let world: Testbed;
let run: InProcess | undefined;
let timers: HandTimers;
let clock: Date;

beforeEach(async () => {
  world = await Testbed.create();
  world.emu.addAdmin(GROUP, mod);
  timers = new HandTimers();
  clock = new Date('2026-03-01T12:00:00Z');
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) {
    expect(await run.stop()).toBe(0);
    expect(world.allFileText()).not.toContain(world.emu.token);
  }
  await world.close();
});

async function registry(): Promise<string> {
  const link = await world.botLink('anna-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', link)}\n`);
  return link;
}

async function start(argv: string[] = [], env: Record<string, string> = {}): Promise<InProcess> {
  const started = new InProcess(world, ['--data-dir', world.path('data'), '--check-requester', ...argv], { now: () => clock, timers }, world.env(env));
  await started.ready;
  return started;
}

async function requestThrough(link: string): Promise<void> {
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
  await world.emu.waitForIdle();
}

const rows = () => world.responses().map((r) => [r.tg_responde_status, r.reason, r.decided_by]);

describe('the check before approval', () => {
  test('passed: the requester gets one button naming the row; their press approves', async () => {
    const link = await registry();
    run = await start();
    await requestThrough(link);
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    const [asked] = world.emu.messages(anna.id);
    expect(asked?.text).toBe('You asked to join The Club. Please confirm with the button below within a few minutes.');
    expect(timers.delays).toEqual([10 * 60 * 1000]);
    expect(rows()).toEqual([['pending', 'check', '']]);

    const button = world.emu.findButton(anna.id, "I'm joining through anna-2026")!;
    world.emu.pressButton(anna, button.messageId, button.data);
    await world.emu.waitForIdle();
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
    expect(rows()).toEqual([['pending', 'check', ''], ['approve', 'check-passed', '']]);
    expect(world.emu.messages(anna.id)[0]?.text).toBe('Thank you! Your request is approved.');
    expect(timers.waiting.size).toBe(0);
    // The timer fires anyway (it raced the press): nothing more happens.
    timers.fire();
    await world.emu.waitForIdle();
    expect(world.emu.callCount('declineChatJoinRequest')).toBe(0);
  });

  test('timed out: declined without ADMIN_CHAT_ID; a late press changes nothing', async () => {
    const link = await registry();
    run = await start(['--check-timeout', '2m']);
    await requestThrough(link);
    expect(timers.delays).toEqual([2 * 60 * 1000]);
    const button = world.emu.findButton(anna.id, 'joining through')!;
    timers.fire();
    await world.emu.waitForCall('declineChatJoinRequest');
    await until(() => world.responses().length === 2);
    expect(rows()).toEqual([['pending', 'check', ''], ['decline', 'check-timeout', '']]);
    world.emu.pressButton(anna, button.messageId, button.data);
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.emu.callsTo('answerCallbackQuery').at(-1)?.params['text']).toBe('Too late: an admin will decide on your request.');
  });

  test('timed out with ADMIN_CHAT_ID: a card for the admins, and an admin approves it', async () => {
    const link = await registry();
    const adminChat = world.emu.addPrivateChat(mod);
    run = await start([], { ADMIN_CHAT_ID: String(adminChat) });
    await requestThrough(link);
    timers.fire();
    await world.emu.waitForCall('sendMessage', (c) => c.params['chat_id'] === adminChat);
    await until(() => world.responses().length === 2);
    expect(world.emu.messages(adminChat)[0]?.text).toMatch(/Link: registry row "anna-2026"\nHeld: the requester did not answer the check in time/);
    expect(world.emu.callCount('declineChatJoinRequest')).toBe(0);
    const card = world.emu.findButton(adminChat, 'Approve')!;
    world.emu.pressButton(mod, card.messageId, card.data);
    await world.emu.waitForIdle();
    expect(rows()).toEqual([['pending', 'check', ''], ['pending', 'check-timeout', ''], ['approve', 'check-timeout', String(mod.id)]]);
    expect(world.emu.isMember(GROUP, anna.id)).toBe(true);
  });

  test('impossible (the requester blocked the bot): a card with ADMIN_CHAT_ID, else left pending', async () => {
    const link = await registry();
    world.emu.blockBot(anna);
    const adminChat = world.emu.addPrivateChat(mod);
    run = await start([], { ADMIN_CHAT_ID: String(adminChat) });
    await requestThrough(link);
    expect(world.emu.messages(adminChat)[0]?.text).toMatch(/Held: the bot cannot write to the requester/);
    expect(rows()).toEqual([['pending', 'check-blocked', '']]);
    expect(timers.waiting.size).toBe(0);
    expect(await run.stop()).toBe(0);

    world.emu.requestJoin({ chatId: GROUP, user: { id: 4210, first_name: 'Eve' }, inviteLink: link });
    world.emu.blockBot({ id: 4210, first_name: 'Eve' });
    run = await start();
    await world.emu.waitForIdle();
    expect(rows().at(-1)).toEqual(['pending', 'check-blocked', '']);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId).sort()).toEqual([anna.id, 4210]);
    expect(world.emu.callCount('approveChatJoinRequest') + world.emu.callCount('declineChatJoinRequest')).toBe(0);
  });
});

describe('with a personal link', () => {
  test('a requester being checked holds the place; a timeout gives it back', async () => {
    const link = await world.botLink('anna-2026');
    world.write('data/invite_data.txt', `${INVITE_HEADER}\tmax_members\n${inviteLine('anna-2026', link)}\t1\n`);
    run = await start();
    const carl = { id: 4203, first_name: 'Carl' };
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    world.emu.requestJoin({ chatId: GROUP, user: { id: 4202, first_name: 'Boris' }, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.responses().map((r) => [r.id_tg, r.reason])).toEqual([[String(anna.id), 'check'], ['4202', 'link-used']]);
    timers.fire();
    await until(() => world.responses().length === 3);
    world.emu.requestJoin({ chatId: GROUP, user: carl, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.responses().map((r) => [r.id_tg, r.tg_responde_status, r.reason]).slice(2)).toEqual([[String(anna.id), 'decline', 'check-timeout'], ['4203', 'pending', 'check']]);
  });
});

describe('across a restart', () => {
  test('a wait is resumed from the join log with the time it has left, and the press on the message sent before works', async () => {
    const link = await registry();
    run = await start();
    await requestThrough(link);
    expect(await run.stop()).toBe(0);
    clock = new Date('2026-03-01T12:04:00Z');
    run = await start();
    expect(timers.delays).toEqual([6 * 60 * 1000]);
    // The press on the message sent before the restart approves.
    const button = world.emu.findButton(anna.id, 'joining through')!;
    world.emu.pressButton(anna, button.messageId, button.data);
    await world.emu.waitForIdle();
    expect(rows()).toEqual([['pending', 'check', ''], ['approve', 'check-passed', '']]);
  });

  test('past its time at start: declined at once', async () => {
    const link = await registry();
    run = await start();
    await requestThrough(link);
    expect(await run.stop()).toBe(0);
    timers = new HandTimers();
    clock = new Date('2026-03-01T13:00:00Z');
    run = await start();
    expect(timers.delays).toEqual([0]);
    timers.fire();
    await world.emu.waitForCall('declineChatJoinRequest');
    await until(() => world.responses().length === 2);
    expect(rows()).toEqual([['pending', 'check', ''], ['decline', 'check-timeout', '']]);
  });
});

describe('the button data', () => {
  test('round-trips within 64 bytes', () => {
    const check = { chatId: -1009999999999999, userId: 9_007_199_254_740_991, date: 99_999_999_999 };
    expect(Buffer.byteLength(encodeCheck(check))).toBeLessThanOrEqual(64);
    expect(decodeCheck(encodeCheck(check))).toEqual(check);
    expect(decodeCheck('rq1:a:1:2:3')).toBeUndefined();
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
