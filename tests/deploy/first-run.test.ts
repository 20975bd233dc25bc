import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, runTgGet, startEmulator } from '../get-exec/helpers.js';
import { REPO_ROOT, TempFolder } from '../support/tmp.js';

/** Every file of a folder (recursively, dot files too) with its bytes. */
function contents(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = readFileSync(file).toString('base64');
  }
  return files;
}

/** A checkout as a new admin has it: the shipped data/, assets/ and LINKS/, copied as they are. */
let checkout: TempFolder;
let emu: BotApiEmulator;
beforeAll(async () => {
  checkout = new TempFolder('tg-first-run-');
  for (const folder of ['data', 'assets', 'LINKS']) cpSync(path.join(REPO_ROOT, folder), checkout.path(folder), { recursive: true });
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
  checkout.remove();
});

describe('a first real run on the shipped data/', () => {
  it('ships no sample rows: the registry, the schedule and the join log hold their headers only', () => {
    for (const file of ['invite_data.txt', 'text_schedule.txt', 'responde_data.txt']) {
      const lines = readFileSync(path.join(REPO_ROOT, 'data', file), 'utf8').split('\n').filter((l) => l.trim() !== '');
      expect({ file, rows: lines.length }).toEqual({ file, rows: 1 });
    }
    expect(readdirSync(path.join(REPO_ROOT, 'assets')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('tg-get makes no link, writes no QR code, sends nothing to the group and changes no data file', async () => {
    const before = contents(checkout.path('data'));
    const result = await runTgGet([], { cwd: checkout.dir, emu });
    // What it prints for an empty registry is tg-get's to say; here: no failure, nothing done.
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/error/i);
    const acting = emu.calls.filter((c) => !/^get/.test(c.method)).map((c) => c.method);
    expect(acting).toEqual([]);
    expect(emu.inviteLinks(GROUP)).toEqual([]);
    expect(emu.messages(GROUP)).toEqual([]);
    expect(readdirSync(checkout.path('LINKS')).filter((f) => f !== '.gitkeep')).toEqual([]);
    // tg-get may leave its own note (.tg-get-state.json, git-ignored); the admin's files stay as shipped.
    const after = contents(checkout.path('data'));
    delete after['.tg-get-state.json'];
    expect(after).toEqual(before);
  });
});
