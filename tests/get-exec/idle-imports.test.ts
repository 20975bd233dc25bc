/**
 * The every-minute run that has nothing to do must stay cheap: it loads neither zod, telegraf nor
 * the data files' parsers (src/shared/cli/lazy.ts; bench/get-idle.ts measures the time). The built
 * bin runs with loader hooks that record every module it loads; a full run is the control that
 * shows the hooks see those modules when they are loaded.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pathToFileURL } from 'node:url';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { INVITE_HEADER, ROOT, runTgGet, SCHEDULE_HEADER, startEmulator, Workspace } from './helpers.js';

const HOOKS = pathToFileURL(path.join(ROOT, 'tests', 'support', 'imports', 'record.mjs')).href;
/** What an idle run must not load: the libraries, and our modules that read data files or talk to Telegram. */
const HEAVY = [/\/node_modules\/zod\//, /\/node_modules\/telegraf\//, /\/node_modules\/papaparse\//, /\/node_modules\/qrcode\//, /\/dist\/shared\/(files\/(tsv|store|data-file)|registry|schedule|join-log|config\/schema|telegram\/client)/, /\/dist\/get-exec\/(links|qr|posts|report)/];

let emu: BotApiEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await startEmulator();
  // A post in 2099: never due, so the second run notes that nothing is to be done until then.
  ws = new Workspace({ invites: `${INVITE_HEADER}\nanna\ta@example.org\n`, schedule: `${SCHEDULE_HEADER}\n2099-01-01 10:00\tLater\t\n` });
});
afterEach(async () => {
  await emu.stop();
  ws.remove();
});

async function recordedRun(): Promise<{ stdout: string; code: number | null; loaded: string[] }> {
  const log = ws.path('imports.txt');
  rmSync(log, { force: true });
  const result = await runTgGet(['--verbose'], { cwd: ws.dir, emu, env: { NODE_OPTIONS: `--import ${HOOKS}`, RECORD_IMPORTS: log } });
  const loaded = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
  return { stdout: result.stdout, code: result.code, loaded };
}

const heavy = (loaded: string[]) => loaded.filter((url) => HEAVY.some((pattern) => pattern.test(url)));

describe('tg-get every minute with nothing to do', () => {
  it('loads no zod, telegraf, parser or step module; a full run does', async () => {
    const first = await recordedRun(); // makes the link and its QR code
    expect(first.code).toBe(0);
    const full = await recordedRun(); // finds nothing to do, and notes it
    expect(full.stdout).toMatch(/0 links made, 0 QR codes written, 0 posts sent, 0 rows failed/);
    expect(heavy(full.loaded).some((url) => url.includes('/node_modules/zod/'))).toBe(true);
    expect(heavy(full.loaded).some((url) => url.includes('/dist/shared/config/schema.js'))).toBe(true);
    expect(heavy(first.loaded).some((url) => url.includes('/node_modules/telegraf/'))).toBe(true);

    const idle = await recordedRun();
    expect(idle.code).toBe(0);
    expect(idle.stdout).toContain('nothing changed since the last run that had nothing to do');
    expect(idle.loaded.some((url) => url.endsWith('/dist/get-exec/main.js'))).toBe(true);
    expect(heavy(idle.loaded)).toEqual([]);
  });
});

describe('tg-get right after an edit that leaves nothing to do', () => {
  it('reads the changed lines without zod, telegraf, the QR library or any step module', async () => {
    await recordedRun(); // makes the link and its QR code
    await recordedRun(); // finds nothing to do, and notes it with the after-an-edit cache
    ws.write('data/text_schedule.txt', `${SCHEDULE_HEADER}\n2099-01-01 10:00\tLater, edited\t\n`);
    const edited = await recordedRun();
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('read only the lines changed since the last run that had nothing to do');
    // The TSV reader reads the changed lines; nothing else of the full path's is loaded.
    expect(heavy(edited.loaded).filter((url) => !url.endsWith('/dist/shared/files/tsv.js'))).toEqual([]);
    expect(edited.loaded.some((url) => url.endsWith('/dist/get-exec/edit-check.js'))).toBe(true);
  });
});
