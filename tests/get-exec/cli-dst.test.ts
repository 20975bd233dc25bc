/**
 * Times a daylight-saving change skips or repeats (#11.8), through the built tg-get: each is used as
 * before, and a warning names its cell and the moment it was taken as.
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

const BERLIN = { TZ: 'Europe/Berlin' };

it('warns about a post time in the spring gap, naming file:line:column and the moment it was taken as', async () => {
  ws = new Workspace({ schedule: `${SCHEDULE_HEADER}\n2026-03-29 02:30\tSpring\t\n2026-03-29 04:00\tLater\t\n` });
  const result = await runTgGet(['posts', '--dry-run', '--max-late', 'off'], { cwd: ws.dir, emu, env: BERLIN });
  expect(result.code).toBe(0);
  const warnings = result.stderr.split('\n').filter((l) => l.includes('warning:'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(
    /warning: data\/text_schedule\.txt:2:1 \(dt_time\): "2026-03-29 02:30" does not exist in Europe\/Berlin \(the clocks skip that hour\); taken as 2026-03-29 03:30:00 \(UTC\+02:00\)/,
  );
  expect(result.stdout).toMatch(/would send data\/text_schedule\.txt:2 \(due 2026-03-29 03:30:00\)/);
});

it('warns about a time in the repeated autumn hour, saying which of its two moments it was taken as', async () => {
  ws = new Workspace({ invites: `${INVITE_HEADER}\nanna\ta@example.org\tLINKS\t\t\t\t\t2027-10-31 02:30\n` });
  const result = await runTgGet(['links', '--dry-run'], { cwd: ws.dir, emu, env: { ...BERLIN, CHAT_ID: String(GROUP) } });
  expect(result.code).toBe(0);
  const warnings = result.stderr.split('\n').filter((l) => l.includes('warning:'));
  expect(warnings).toEqual([
    expect.stringMatching(
      /data\/invite_data\.txt:2:\d+ \(dt_expire\): "2027-10-31 02:30" happens twice in Europe\/Berlin \(the clocks go back\); taken as the first, 2027-10-31 02:30:00 \(UTC\+02:00\), not the second, 2027-10-31 02:30:00 \(UTC\+01:00\); write 2027-10-31T02:30:00\+01:00 to mean the second/,
    ),
  ]);
});

it('tg-get qr (no token) warns about the registry too; a time with its offset gets no warning', async () => {
  ws = new Workspace({
    invites: `${INVITE_HEADER}\nanna\ta@example.org\tLINKS\t\t\t\t\t2026-03-29 02:00\nboris\tb@example.org\tLINKS\t\t\t\t\t2026-10-25T02:30:00+01:00\n`,
  });
  const result = await runTgGet(['qr'], { cwd: ws.dir, env: BERLIN });
  expect(result.code).toBe(0);
  const warnings = result.stderr.split('\n').filter((l) => l.includes('warning:'));
  expect(warnings).toEqual([expect.stringMatching(/data\/invite_data\.txt:2:\d+ \(dt_expire\): "2026-03-29 02:00" does not exist in Europe\/Berlin/)]);
});
