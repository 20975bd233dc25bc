/**
 * Running the real tg-get (bin/tg-get over dist/) against the Bot API emulator, in a temp folder of
 * data files. The child runs asynchronously: the emulator answers from this very process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { parseTable } from '../../src/shared/files/tsv.js';
import { rowObject } from '../../src/shared/files/table.js';
import { png } from '../emulator/helpers.js';
import { TempFolder } from '../support/temp-folder.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'tg-get');
/** Byte-for-byte copies of ../shared/reference/legacy-format/. */
export const LEGACY = path.join(ROOT, 'tests', 'fixtures', 'legacy-format');
export const GROUP = -1001234567890;

export const INVITE_HEADER = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire';
export const SCHEDULE_HEADER = 'dt_time\ttext\tfile_path';

/** A temp working folder with data/, assets/ and LINKS/. */
export class Workspace extends TempFolder {
  constructor(files: { invites?: string; schedule?: string; assets?: Record<string, Buffer> } = {}) {
    super('tg-get-');
    mkdirSync(this.path('data'));
    mkdirSync(this.path('assets'));
    mkdirSync(this.path('LINKS'));
    if (files.invites !== undefined) this.write('data/invite_data.txt', files.invites);
    if (files.schedule !== undefined) this.write('data/text_schedule.txt', files.schedule);
    for (const [name, bytes] of Object.entries(files.assets ?? {})) writeFileSync(this.path('assets', name), bytes);
  }

  bytes(file: string): Buffer {
    return readFileSync(this.path(file));
  }

  /** A data file's non-blank rows as objects by header name (missing cells ''), read by the project's own parser. */
  records(file: string): Record<string, string>[] {
    const table = parseTable(this.read(file), file);
    return table.rows.filter((row) => !row.blank).map((row) => rowObject(table, row));
  }

  links(): string[] {
    return readdirSync(this.path('LINKS')).filter((f) => f.endsWith('.png')).sort();
  }

}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  emu?: BotApiEmulator;
  env?: Record<string, string>;
  /** Called once the child is running, e.g. to kill it. */
  onSpawn?: (child: ChildProcess) => void;
}

/** The environment tg-get gets: only what we give it, never the tester's own BOT_TOKEN. */
export function cliEnv(options: CliOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    TZ: 'UTC',
    ...(options.emu ? { BOT_TOKEN: options.emu.token, TELEGRAM_API_ROOT: options.emu.apiRoot, CHAT_ID: String(GROUP) } : {}),
    ...options.env,
  };
}

/** Runs `tg-get args` to its end. */
export function runTgGet(args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cliEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** An emulator with the group the tests post to. */
export async function startEmulator(options: Parameters<typeof BotApiEmulator.start>[0] = {}): Promise<BotApiEmulator> {
  const emu = await BotApiEmulator.start(options);
  emu.addChat({ id: GROUP, type: 'supergroup', title: 'Test group' });
  return emu;
}

/** A registry of `n` rows `row-1`.. with blank links. */
export function blankRegistry(n: number, prefix = 'row'): string {
  const rows = Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}\tperson${i + 1}@example.org\tLINKS`);
  return `${[INVITE_HEADER, ...rows].join('\n')}\n`;
}

/** A small valid PNG for posts. */
export const PICTURE = png(8, 8);

// jsqr is a UMD bundle whose typings declare an ES default export; at run time the module is the function.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

/** Decodes a QR code PNG with a real decoder (pngjs + jsQR): the text, and the image's size. */
export function decodeQr(bytes: Buffer): { text: string | null; width: number; height: number } {
  const image = PNG.sync.read(bytes);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
  return { text: code?.data ?? null, width: image.width, height: image.height };
}

/** Polls `check` until it is true (or throws after `timeoutMs`); a check that throws counts as false. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  const safe = () => {
    try {
      return check();
    } catch {
      return false;
    }
  };
  while (!safe()) {
    if (Date.now() - start > timeoutMs) throw new Error(`until: ${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
