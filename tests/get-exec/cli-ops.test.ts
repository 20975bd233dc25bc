/**
 * tg-get as an admin meets it on day one (issue #14), through the built bin against the emulator:
 * commands as commander users expect, quiet idle runs, --max-late's default, dry-run counts that the
 * real run then matches, and one-line configuration errors that change no file.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { blankRegistry, GROUP, INVITE_HEADER, runMain, runTgGet, SCHEDULE_HEADER, SHORT_BACKOFF, startEmulator, Workspace } from './helpers.js';

const REGISTRY = 'data/invite_data.txt';
const SCHEDULE = 'data/text_schedule.txt';

let emu: BotApiEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

/** A time `minutesAgo` before now, as a schedule cell in UTC (the tests' TZ). */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');

describe('tg-get commands', () => {
  beforeEach(() => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\n`, schedule: `${SCHEDULE_HEADER}\n` });
  });

  it('help and help links; a sub-command\'s --help lists the options that work there', async () => {
    const help = await runTgGet(['help'], { cwd: ws.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: tg-get \[options\] \[command\]/);
    expect(help.stdout).toMatch(/help \[command\]/);
    for (const args of [['help', 'links'], ['links', '--help']]) {
      const result = await runTgGet(args, { cwd: ws.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage: tg-get links \[options\]/);
      expect(result.stdout).toMatch(/-n, --dry-run/);
      expect(result.stdout).toMatch(/--data-dir <dir>/);
      expect(result.stdout).toMatch(/--expire-days <n>/);
    }
    const qr = await runTgGet(['qr', '--help'], { cwd: ws.dir });
    expect(qr.stdout).toMatch(/--sheet <file>/);
  });

  it('an unknown command is named, with a suggestion when one is close, and exits 2', async () => {
    const typo = await runTgGet(['psots'], { cwd: ws.dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown command 'psots'\n\(did you mean 'posts'\?\)/);
    expect(typo.stderr).not.toMatch(/too many arguments/);
    const bogus = await runTgGet(['bogus'], { cwd: ws.dir });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^error: unknown command 'bogus'\n/);
    expect(bogus.stderr).not.toMatch(/did you mean|too many arguments/);
    expect(emu.calls).toEqual([]);
  });
});

describe('tg-get every minute', () => {
  it('prints nothing at the default level when it has nothing to do; --verbose shows why; a run that did something prints its summary', async () => {
    ws = new Workspace({ invites: blankRegistry(1), schedule: `${SCHEDULE_HEADER}\n2099-01-01 10:00\tLater\t\n` });
    const first = await runTgGet([], { cwd: ws.dir, emu });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/1 link made, 1 QR code written, 0 posts sent, 0 rows failed/);
    const full = await runTgGet([], { cwd: ws.dir, emu }); // nothing to do, notes it
    expect(full).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const idle = await runTgGet([], { cwd: ws.dir, emu }); // skipped by the idle check
    expect(idle).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const verbose = await runTgGet(['--verbose'], { cwd: ws.dir, emu });
    expect(verbose.stdout).toMatch(/0 links made, 0 QR codes written, 0 posts sent, 0 rows failed/);
  });

  it('marks a post more than a day overdue missed by default; --max-late off sends it however late', async () => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\n`, schedule: `${SCHEDULE_HEADER}\n2026-01-05 10:00\tMonths old\t\n${ago(30)}\tHalf an hour late\t\n` });
    const result = await runTgGet([], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/data\/text_schedule\.txt:2: due 2026-01-05 10:00:00, later than --max-late allows; marked missed, not sent/);
    expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['Half an hour late']);
    expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['missed', 'posted']);

    const off = new Workspace({ invites: `${INVITE_HEADER}\n`, schedule: `${SCHEDULE_HEADER}\n2026-01-05 10:00\tMonths old\t\n` });
    try {
      const sent = await runTgGet(['posts', '--max-late', 'off'], { cwd: off.dir, emu });
      expect(sent.code).toBe(0);
      expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['Half an hour late', 'Months old']);
    } finally {
      off.remove();
    }
    const bad = await runTgGet(['posts', '--max-late', 'soon'], { cwd: ws.dir, emu });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-late: "soon" is not a duration; .* or "off"/);
  });

  it('a dry run reports the counts the real run then has', async () => {
    ws = new Workspace({ invites: blankRegistry(3), schedule: `${SCHEDULE_HEADER}\n${ago(5)}\tNow\t\n` });
    const dry = await runTgGet(['--dry-run'], { cwd: ws.dir, emu });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run: 3 links to make, 3 QR codes to write, 1 post to send, 0 rows failed/);
    expect(emu.calls).toEqual([]);
    const real = await runTgGet([], { cwd: ws.dir, emu });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/3 links made, 3 QR codes written, 1 post sent, 0 rows failed/);
  });

  it('an empty registry says so in one line', async () => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\n`, schedule: `${SCHEDULE_HEADER}\n` });
    const result = await runTgGet(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.includes('no invitees yet'))).toHaveLength(1);
    expect(result.stdout).toMatch(/data\/invite_data\.txt has no invitees yet: add one row per invitee/);
  });
});

describe('tg-get configuration problems: exit 2, one line, no file changed', () => {
  it('a missing data folder', async () => {
    ws = new Workspace();
    const result = await runTgGet(['--data-dir', 'nowhere'], { cwd: ws.dir, emu });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --data-dir: nowhere does not exist; run tg-get from the folder that holds data/, or pass --data-dir\n');
    expect(result.stdout).toBe('');
  });

  it('an API root whose host does not exist is 2; a refused connection is 1; neither changes a file', async () => {
    ws = new Workspace({ invites: blankRegistry(2), schedule: `${SCHEDULE_HEADER}\n${ago(5)}\tNow\t\n` });
    const before = [ws.read(REGISTRY), ws.read(SCHEDULE)];
    const typo = await runTgGet([], { cwd: ws.dir, emu, env: { TELEGRAM_API_ROOT: 'http://api.telegram.invalid' } });
    expect(typo.code).toBe(2);
    const errors = typo.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ENOTFOUND api\.telegram\.invalid: that host name does not exist; check TELEGRAM_API_ROOT for a typo/);
    expect(typo.stdout).not.toMatch(/rows failed/);
    expect([ws.read(REGISTRY), ws.read(SCHEDULE)]).toEqual(before);

    const closed = await startEmulator();
    const deadRoot = closed.apiRoot;
    await closed.stop();
    // In this process with a 10 ms first back-off: the test is about the exit code and the files.
    const refused = await runMain([], { cwd: ws.dir, emu, env: { TELEGRAM_API_ROOT: deadRoot }, deps: SHORT_BACKOFF });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ECONNREFUSED/);
    expect(refused.stderr).not.toMatch(/host name does not exist/);
    expect([ws.read(REGISTRY), ws.read(SCHEDULE)]).toEqual(before);
    expect(ws.links()).toEqual([]);
  }, 30_000);
});
