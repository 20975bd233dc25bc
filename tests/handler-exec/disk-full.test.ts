/**
 * A REAL full disk under the join log (a 64 KiB tmpfs mounted for the test; skipped with a message
 * where mounting is not permitted): nobody is approved unless their row can be written, a torn line
 * is never left for the next row to be glued to, the bytes already on disk never change, and when
 * space comes back the bot goes on by itself (#11.2).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppendLog } from '../../src/shared/files/append-log.js';
import { anna, ApiTap, boris, GROUP, INVITE_HEADER, inviteLine, InProcess, RESPONSE_HEADER, Testbed } from './helpers.js';

const PAGE = 4096;
let mount: string | undefined;
let skipped = '';

beforeAll(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    mount = dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    skipped = `skipped: cannot mount a small tmpfs to fill (${String((error as Error).message).split('\n')[0]}); run as root to try a real full disk`;
  }
});

afterAll(() => {
  if (mount === undefined) return;
  execFileSync('umount', [mount]);
  rmSync(mount, { recursive: true, force: true });
});

/** Fills the disk: one file grown until the kernel says ENOSPC. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(1024, 0x61);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  try {
    // The last partial page too.
    for (;;) writeFileSync(file, 'a', { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  expect(statfsSync(dir).bavail).toBe(0);
  return file;
}

/** A join log whose size is `size` bytes: the header and one earlier row padded to fit. */
function logOfSize(size: number): string {
  const start = `${RESPONSE_HEADER}\nold-link\t100\tOld\t`;
  const end = `\t2026-01-01 10:00:00\tapprove\t\t\t${GROUP}\t1767261600\t\t\n`;
  return `${start}${'x'.repeat(size - Buffer.byteLength(start + end))}${end}`;
}

async function until(what: () => boolean, label: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a full disk under the join log', () => {
  let world: Testbed;
  let run: InProcess | undefined;
  let tap: ApiTap | undefined;

  beforeEach(async () => {
    world = await Testbed.create();
    run = undefined;
    tap = undefined;
    if (mount !== undefined) for (const name of ['filler', 'responde_data.txt', 'invite_data.txt']) rmSync(path.join(mount, name), { force: true });
  });

  afterEach(async () => {
    if (run !== undefined) await run.stop();
    await tap?.close();
    await world.close();
  });

  async function start(apiRoot = world.emu.apiRoot): Promise<{ dir: string; log: string; before: Buffer; annaLink: string; borisLink: string }> {
    const dir = mount as string;
    const annaLink = await world.botLink('anna-2026');
    const borisLink = await world.botLink('boris-2026');
    writeFileSync(path.join(dir, 'invite_data.txt'), `${INVITE_HEADER}\n${inviteLine('anna-2026', annaLink)}\n${inviteLine('boris-2026', borisLink)}\n`);
    const log = path.join(dir, 'responde_data.txt');
    // The log ends just short of a page: the next row needs a new one, which a full disk has not.
    writeFileSync(log, logOfSize(3 * PAGE - 10));
    run = new InProcess(world, ['--data-dir', dir, '-v'], { holdBackoff: { firstMs: 20, maxMs: 100 } }, world.env({ TELEGRAM_API_ROOT: apiRoot }));
    await run.ready;
    return { dir, log, before: readFileSync(log), annaLink, borisLink };
  }

  test('full before the requests come: none is approved or confirmed while full; freed, each is approved and written once', async () => {
    if (mount === undefined) return console.warn(skipped);
    const { dir, log, before, annaLink, borisLink } = await start();
    const filler = fill(dir);

    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
    await until(() => /the disk is full/.test(run?.output ?? ''), 'the hold to be announced');
    await until(() => (run?.output.match(/still the disk is full/g)?.length ?? 0) >= 3, 'a few looks at the disk');
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.emu.pendingUpdateCount()).toBe(2);
    expect(readFileSync(log)).toEqual(before);
    expect(run?.err.filter((l) => /error: .*responde_data\.txt: the disk is full/.test(l))).toHaveLength(1);

    unlinkSync(filler);
    await world.emu.waitForIdle(10_000);
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id']).sort()).toEqual([anna.id, boris.id]);
    const after = readFileSync(log);
    expect(after.subarray(0, before.length)).toEqual(before);
    const added = after.subarray(before.length).toString('utf8').split('\n').filter((l) => l !== '');
    expect(added.map((l) => l.split('\t').length)).toEqual([12, 12]);
    expect(added.map((l) => l.split('\t')[1]).sort()).toEqual([String(anna.id), String(boris.id)]);
    expect(run?.output).toMatch(/responde_data\.txt: writable again; the held join requests go on/);
  });

  test('full between the approval and its row: the row is retried until written, never torn or glued, nothing else approved meanwhile', async () => {
    if (mount === undefined) return console.warn(skipped);
    tap = await ApiTap.start(world.emu.apiRoot);
    const { dir, log, before, annaLink, borisLink } = await start(tap.apiRoot);
    let filler = '';
    // Telegram has approved Anna; before the bot hears so, the disk fills up.
    tap.beforeAnswer('approveChatJoinRequest', async () => {
      filler = fill(dir);
    });
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
    await until(() => /responde_data\.txt: cannot write to it: .*ENOSPC/.test(run?.output ?? ''), 'the failed write');
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
    await until(() => (run?.output.match(/still cannot write to it/g)?.length ?? 0) >= 3, 'a few retries');
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([anna.id]);
    // The row that did not fit was taken back whole: the file is byte for byte what it was.
    expect(readFileSync(log)).toEqual(before);

    unlinkSync(filler);
    await world.emu.waitForIdle(10_000);
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([anna.id, boris.id]);
    const after = readFileSync(log);
    expect(after.subarray(0, before.length)).toEqual(before);
    const added = after.subarray(before.length).toString('utf8');
    expect(added.split('\n').filter((l) => l !== '').map((l) => l.split('\t').slice(0, 2).join(' '))).toEqual([`anna-2026 ${anna.id}`, `boris-2026 ${boris.id}`]);
    expect(added.split('\n').filter((l) => l !== '').every((l) => l.split('\t').length === 12)).toBe(true);
  });

  test('an admin pressing Approve on a card while the disk is full: not approved until the row can be written, then approved and written once', async () => {
    if (mount === undefined) return console.warn(skipped);
    const dir = mount;
    const mod = { id: 1900, first_name: 'Mo', username: 'mod' };
    world.emu.addAdmin(GROUP, mod);
    const adminChat = world.emu.addPrivateChat(mod);
    writeFileSync(path.join(dir, 'invite_data.txt'), `${INVITE_HEADER}\n`);
    const log = path.join(dir, 'responde_data.txt');
    writeFileSync(log, logOfSize(3 * PAGE - 10));
    run = new InProcess(world, ['--data-dir', dir, '-v'], { holdBackoff: { firstMs: 20, maxMs: 100 } }, world.env({ ADMIN_CHAT_ID: String(adminChat) }));
    await run.ready;
    // A request through no link: held, with a card (its pending row still fits on the disk).
    world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: null });
    await world.emu.waitForIdle();
    const button = world.emu.findButton(adminChat, 'Approve');
    expect(button).toBeDefined();
    const before = readFileSync(log);
    const filler = fill(dir);

    world.emu.pressButtonIn(adminChat, mod, button!.messageId, button!.data);
    await until(() => /the disk is full/.test(run?.output ?? ''), 'the hold to be announced');
    await until(() => (run?.output.match(/still the disk is full/g)?.length ?? 0) >= 3, 'a few looks at the disk');
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(readFileSync(log)).toEqual(before);

    unlinkSync(filler);
    await world.emu.waitForIdle(10_000);
    expect(world.emu.callsTo('approveChatJoinRequest').map((c) => c.params['user_id'])).toEqual([boris.id]);
    const added = readFileSync(log).subarray(before.length).toString('utf8').split('\n').filter((l) => l !== '');
    expect(added.map((l) => [l.split('\t')[1], l.split('\t')[5], l.split('\t')[10]])).toEqual([[String(boris.id), 'approve', String(mod.id)]]);
  });
});

describe('starting on a full disk', () => {
  test('exit 1 with one line naming the folder (a restart tries again); with space back, it starts', async () => {
    if (mount === undefined) return console.warn(skipped);
    const world = await Testbed.create();
    try {
      for (const name of ['filler', 'responde_data.txt', 'invite_data.txt', '.tg-handler.lock']) rmSync(path.join(mount, name), { force: true });
      const filler = fill(mount);
      const failed = new InProcess(world, ['--data-dir', mount]);
      expect(await failed.done).toBe(1);
      expect(failed.err).toEqual([expect.stringMatching(/^error: .*\.tg-handler\.lock: cannot write the single-instance lock \(ENOSPC: no space left on device.*\); free some space/)]);
      expect(world.emu.calls).toEqual([]);
      unlinkSync(filler);
      const started = new InProcess(world, ['--data-dir', mount]);
      await started.ready;
      expect(await started.stop()).toBe(0);
    } finally {
      await world.close();
    }
  });
});

describe('AppendLog on a full disk', () => {
  test('a batch that fits only in part takes its bytes back; the next append after space returns starts on a whole line', async () => {
    if (mount === undefined) return console.warn(skipped);
    const file = path.join(mount, 'append.txt');
    rmSync(path.join(mount, 'filler'), { force: true });
    const earlier = `header\n${'y'.repeat(PAGE - 20)}\n`;
    writeFileSync(file, earlier);
    const filler = fill(mount);
    const out = await AppendLog.open(file);
    try {
      const row = `${'z'.repeat(200)}\n`;
      await expect(out.append(row)).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(readFileSync(file, 'utf8')).toBe(earlier);
      unlinkSync(filler);
      await out.append(row);
      expect(readFileSync(file, 'utf8')).toBe(earlier + row);
    } finally {
      await out.close();
      rmSync(file, { force: true });
    }
  });
});
