/**
 * Lengths as Telegram counts them, and messages that quote a cell at a readable length (#11.9),
 * through the built tg-get.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, INVITE_HEADER, runTgGet, SCHEDULE_HEADER, startEmulator, Workspace } from './helpers.js';

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

const EMOJI_32 = '🎉'.repeat(32);

it('makes a link named with 32 emoji (32 characters, though 64 UTF-16 units); 33 are refused as 33 characters', async () => {
  ws = new Workspace({ invites: `${INVITE_HEADER}\n${EMOJI_32}\ta@example.org\tLINKS\n${EMOJI_32}🎈\tb@example.org\tLINKS\n` });
  const result = await runTgGet(['links'], { cwd: ws.dir, emu });
  expect(result.code).toBe(1);
  expect(emu.callsTo('createChatInviteLink').map((c) => c.params.name)).toEqual([EMOJI_32]);
  expect(emu.inviteLinks(GROUP)[0]?.name).toBe(EMOJI_32);
  expect(ws.records('data/invite_data.txt')[0]?.id_link).toBe(EMOJI_32);
  expect(result.stderr).toContain(`data/invite_data.txt:3:1 (id): "${EMOJI_32}🎈" is 33 characters; Telegram allows at most 32 for a link name`);
});

it('quotes a megabyte cell in a message cut to a readable length, with its whole length, in every message', async () => {
  const huge = 'x'.repeat(1 << 20);
  ws = new Workspace({
    invites: `${INVITE_HEADER}\n${huge}\ta@example.org\tLINKS\nanna\tb@example.org\tLINKS\t${huge}\nboris\tc@example.org\tLINKS\t\t\t\t\t${huge}\n`,
    schedule: `${SCHEDULE_HEADER}\tpost_status\tdt_posted\tmessage_id\n${huge}\tHello\t\t\t\t\n2026-01-05 10:00\tHi\t\t${huge}\t\t\n`,
  });
  const result = await runTgGet(['--dry-run'], { cwd: ws.dir, emu, env: { CHAT_ID: String(GROUP) } });
  expect(result.code).toBe(1);
  const lines = `${result.stdout}${result.stderr}`.split('\n');
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);
  const cut = `"${'x'.repeat(79)}…" (1048576 characters)`;
  expect(result.stderr).toContain(`data/invite_data.txt:2:1 (id): ${cut} is 1048576 characters`);
  expect(result.stderr).toContain(`chat_id ${cut} on line 3 is not a group id`);
  expect(result.stderr).toContain(`data/invite_data.txt:4:`);
  expect(result.stderr).toContain(`(dt_expire): ${cut} is not a date`);
  expect(result.stderr).toContain(`data/text_schedule.txt:2:1 (dt_time): ${cut} is not a date`);
  expect(result.stderr).toContain(`(post_status): ${cut} is not a post status`);
});
