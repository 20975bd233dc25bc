/**
 * `tg-get pending` through the built bin, beside a running tg-handler that wrote the pending rows.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { chooseHeld, pendingTable } from '../../src/get-exec/pending.js';
import type { LogRow } from '../../src/shared/join-log/pending.js';
import { anna, boris, GROUP, startHandler, Testbed, type InProcess } from '../handler-exec/helpers.js';
import { runTgGet } from './helpers.js';

const carl = { id: 4203, first_name: 'Carl' };
let world: Testbed;
let handler: InProcess;

beforeEach(async () => {
  world = await Testbed.create();
  handler = await startHandler(world, [], { now: () => new Date('2026-03-01T12:00:00Z') });
  const foreign = world.emu.addForeignLink(GROUP, { name: 'from-maria' });
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: foreign });
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: null });
  world.emu.requestJoin({ chatId: GROUP, user: carl, inviteLink: null });
  await world.emu.waitForIdle();
});

afterEach(async () => {
  expect(await handler.stop()).toBe(0);
  expect(world.allFileText()).not.toContain(world.emu.token);
  await world.close();
});

const tgGet = (args: string[]) => runTgGet(['--data-dir', world.path('data'), ...args], { cwd: world.dir, env: world.env() });

describe('tg-get pending', () => {
  test('lists the held requests: chat, user, link, since when, why', async () => {
    const listed = await tgGet(['pending']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('chat\tuser\tname\tlink name\tlink\tsince\twhy');
    // In the join log's order, which for requests of one batch is the order they were decided in.
    const byUser = (a: string[], b: string[]) => a[1]!.localeCompare(b[1]!);
    expect(lines.slice(1).map((l) => l.split('\t')).sort(byUser)).toEqual([
      [String(GROUP), String(anna.id), 'Anna Berg @anna', '-', '-', '2026-03-01 12:00:00', 'no-link'],
      [String(GROUP), String(boris.id), 'Boris', 'from-maria', expect.stringMatching(/^https:\/\/t\.me\/\+\S+…$/), '2026-03-01 12:00:00', 'unknown-link'],
      [String(GROUP), String(carl.id), 'Carl', '-', '-', '2026-03-01 12:00:00', 'no-link'],
    ]);
  });

  test('approve and decline settle one each, recorded with decided_by cli while tg-handler runs', async () => {
    const approved = await tgGet(['pending', 'approve', String(boris.id)]);
    expect(approved).toMatchObject({ code: 0 });
    expect(approved.stdout).toMatch(/pending: user 4202 in -1001234567890 -> approved; recorded as approve/);
    const declined = await tgGet(['pending', 'decline', String(anna.id), '--chat', String(GROUP)]);
    expect(declined.code).toBe(0);
    expect(world.emu.isMember(GROUP, boris.id)).toBe(true);
    expect(world.emu.pendingJoinRequests(GROUP).map((r) => r.userId)).toEqual([carl.id]);
    expect(world.responses().slice(3).map((r) => [r.id_tg, r.tg_responde_status, r.decided_by, r.id_link, r.reason])).toEqual([
      [String(boris.id), 'approve', 'cli', 'from-maria', 'unknown-link'],
      [String(anna.id), 'decline', 'cli', '', 'no-link'],
    ]);
    const listed = await tgGet(['pending']);
    expect(listed.stdout.trim().split('\n').slice(1).map((l) => l.split('\t')[1])).toEqual([String(carl.id)]);
  });

  test('a request an admin approved in the app while tg-handler runs: tg-handler records the join (joined, by that admin), so it is no longer pending', async () => {
    world.emu.adminApproves(GROUP, carl.id);
    await world.emu.waitForIdle();
    expect(world.responses().at(-1)).toMatchObject({ id_tg: String(carl.id), tg_responde_status: 'joined' });
    expect(world.responses().at(-1)?.decided_by).toMatch(/^\d+$/);
    const listed = await tgGet(['pending']);
    expect(listed.stdout).not.toContain(`\t${carl.id}\t`);
    const result = await tgGet(['pending', 'approve', String(carl.id)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/user 4203 has no pending join request/);
  });

  test('a request already approved in the app while tg-handler was down is recorded as approve, with decided_by blank', async () => {
    // The chat_member update waits at Telegram: the join log still holds the request as pending.
    expect(await handler.stop()).toBe(0);
    world.emu.adminApproves(GROUP, carl.id);
    const result = await tgGet(['pending', 'approve', String(carl.id)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/already in the group/);
    expect(world.responses().at(-1)).toMatchObject({ id_tg: String(carl.id), tg_responde_status: 'approve', decided_by: '' });
  });

  test('a user with no pending request, or a bad id, is exit 2 naming the fix; nothing is called', async () => {
    const none = await tgGet(['pending', 'approve', '999']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/user 999 has no pending join request in the join log; run tg-get pending/);
    const bad = await tgGet(['pending', 'decline', 'anna']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"anna" is not a Telegram user id/);
    expect(world.emu.callCount('approveChatJoinRequest') + world.emu.callCount('declineChatJoinRequest')).toBe(0);
  });
});

describe('choosing the request', () => {
  const held = (chat: string, user: string) => ({ chat_id: chat, id_tg: user }) as LogRow;
  test('--chat picks among chats; without it several are a question', () => {
    const rows = [held('-1', '5'), held('-2', '5'), held('-1', '6')];
    expect(chooseHeld(rows, '6', undefined)).toBe(rows[2]);
    expect(chooseHeld(rows, '5', '-2')).toBe(rows[1]);
    expect(() => chooseHeld(rows, '5', undefined)).toThrow(/pending requests in -1, -2; say which with --chat ID/);
    expect(pendingTable([])).toEqual(['no pending join requests in the join log']);
  });
});
