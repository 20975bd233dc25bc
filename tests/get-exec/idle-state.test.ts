import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { main } from '../../src/get-exec/main.js';
import { canSkip, type Fingerprints, type IdleState } from '../../src/get-exec/idle-state.js';
import { cliEnv, GROUP, INVITE_HEADER, SCHEDULE_HEADER, startEmulator, Workspace } from './helpers.js';

const FILES: Fingerprints = { registry: { size: 10, mtimeMs: 1, ino: 2 }, schedule: { size: 5, mtimeMs: 1, ino: 3 }, links: { size: 4096, mtimeMs: 1, ino: 4 } };
const STATE: IdleState = { version: 1, settings: 'abc', files: FILES, nextDueMs: 1_000_000 };

describe('canSkip', () => {
  it('skips only with the same settings, the same files, before the next post is due', () => {
    expect(canSkip(STATE, FILES, 'abc', new Date(999_999))).toBe(true);
    expect(canSkip(STATE, FILES, 'abc', new Date(1_000_000))).toBe(false);
    expect(canSkip({ ...STATE, nextDueMs: null }, FILES, 'abc', new Date(5e12))).toBe(true);
    expect(canSkip(STATE, FILES, 'other settings', new Date(0))).toBe(false);
    expect(canSkip(STATE, { ...FILES, registry: { size: 11, mtimeMs: 1, ino: 2 } }, 'abc', new Date(0))).toBe(false);
    expect(canSkip(STATE, { ...FILES, links: { size: 4096, mtimeMs: 2, ino: 4 } }, 'abc', new Date(0))).toBe(false);
    expect(canSkip(STATE, { ...FILES, schedule: null }, 'abc', new Date(0))).toBe(false);
    expect(canSkip({ ...STATE, version: 0 }, FILES, 'abc', new Date(0))).toBe(false);
    expect(canSkip(null, FILES, 'abc', new Date(0))).toBe(false);
  });
});

describe('tg-get every minute with nothing to do', () => {
  let emu: BotApiEmulator;
  let ws: Workspace;
  let clock: Date;
  let out: string[];

  beforeEach(async () => {
    emu = await startEmulator();
    ws = new Workspace({
      invites: `${INVITE_HEADER}\nanna\ta@example.org\n`,
      schedule: `${SCHEDULE_HEADER}\n2026-03-01 10:05\tSoon\t\n`,
    });
    clock = new Date('2026-03-01T10:00:00Z');
    out = [];
  });
  afterEach(async () => {
    await emu.stop();
    ws.remove();
  });

  const run = (env: Record<string, string> = {}) =>
    main(['--verbose'], cliEnv({ cwd: ws.dir, emu, env }), { io: { cwd: ws.dir, out: (l) => out.push(l), err: (l) => out.push(l) }, now: () => clock });

  it('skips when nothing changed, and works again when a file changes, a QR code goes missing, a post falls due or a setting changes', async () => {
    expect(await run()).toBe(0); // makes the link and its QR code
    expect(await run()).toBe(0); // full run, finds nothing to do, notes it
    out = [];
    const callsBefore = emu.calls.length;
    expect(await run()).toBe(0);
    expect(out.join('\n')).toContain('nothing changed since the last run that had nothing to do');
    expect(emu.calls.length).toBe(callsBefore);

    // A new registry row: a full run makes its link.
    writeFileSync(ws.path('data/invite_data.txt'), `${ws.read('data/invite_data.txt')}boris\tb@example.org\n`);
    out = [];
    expect(await run()).toBe(0);
    expect(out.join('\n')).toContain('1 link made');
    await run(); // nothing to do again, noted

    // A QR code deleted by hand: drawn again.
    rmSync(ws.path('LINKS', 'anna.png'));
    out = [];
    await run();
    expect(out.join('\n')).toContain('0 links made, 1 QR code written');
    await run();

    // Another group in the environment: not the settings the note was made with.
    out = [];
    await run({ CHAT_ID: '-1009999999999' });
    expect(out.join('\n')).not.toContain('nothing changed');

    // The post's time comes: sent although no file changed.
    await run();
    out = [];
    await run();
    expect(out.join('\n')).toContain('nothing changed');
    clock = new Date('2026-03-01T10:06:00Z');
    out = [];
    expect(await run()).toBe(0);
    expect(out.join('\n')).toContain('1 post sent');
    expect(emu.messages(GROUP).map((m) => m.text)).toEqual(['Soon']);
  });

  it('keeps no token in its note', async () => {
    await run();
    await run();
    const note = ws.read('data/.tg-get-state.json');
    expect(note).not.toContain(emu.token);
    expect(note).not.toContain(emu.token.split(':')[1]);
  });
});
