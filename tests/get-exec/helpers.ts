/**
 * Running tg-get against the Bot API emulator, in a temp folder of data files: the real bin
 * (bin/tg-get over dist/, asynchronously: the emulator answers from this very process), or `main`
 * in this process where a test needs to shorten a wait the bin cannot be told about (MainDeps).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { main, type MainDeps } from '../../src/get-exec/main.js';
import { MIN_LOCK_STALE_MS } from '../../src/shared/files/lock.js';
import { DEFAULT_RETRY } from '../../src/shared/telegram/client.js';
import { png } from '../emulator/helpers.js';
import { LEGACY_DIR, REPO_ROOT, TempFolder } from '../support/tmp.js';

export const ROOT = REPO_ROOT;
export const BIN = path.join(ROOT, 'bin', 'tg-get');
/** Byte-for-byte copies of ../shared/reference/legacy-format/. */
export const LEGACY = LEGACY_DIR;
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

  /** A data file's non-blank rows as objects by header name (missing cells ''). */
  records(file: string): Record<string, string>[] {
    return records(this.read(file));
  }

  links(): string[] {
    return readdirSync(this.path('LINKS')).filter((f) => f.endsWith('.png')).sort();
  }

}

/**
 * Tab-separated text's non-blank rows as objects by header name, missing cells ''. Read by papaparse
 * (settings from BOT-API-NOTES.md), never by src/shared/files: a bug the project's reader shares with
 * its writer must not pass unseen.
 */
export function records(text: string): Record<string, string>[] {
  const parsed = Papa.parse<string[]>(text, { delimiter: '\t', skipEmptyLines: 'greedy', dynamicTyping: false });
  const [header = [], ...rows] = parsed.data;
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
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

/**
 * Runs tg-get's `main` in this process with `args`, the bin's environment and `deps`: for the tests
 * that shorten a wait (back-off, a killed run's lock age) the bin cannot be told about. Output is
 * collected a line at a time, as the bin would print it.
 */
export async function runMain(args: string[], options: CliOptions & { deps?: MainDeps }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { cwd: options.cwd, out: (line: string) => (stdout += `${line}\n`), err: (line: string) => (stderr += `${line}\n`) };
  const code = await main(args, cliEnv(options), { io, ...options.deps });
  return { code, signal: null, stdout, stderr };
}

/** Deps for a test not about the back-off: Telegram retries after 10, 20, 40 ms instead of 0.5, 1, 2 s. */
export const SHORT_BACKOFF: MainDeps = { retry: { ...DEFAULT_RETRY, backoffMs: 10 } };

/** Deps for a test not about the lock's age: a killed run's lock is taken over after 2 s instead of 10. */
export const SHORT_LOCK_AGE: MainDeps = { lockStaleMs: MIN_LOCK_STALE_MS };

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

/**
 * Decodes a QR code PNG with a real decoder (pngjs + jsQR): the text, and the image's size. It runs in
 * a plain Node process (tests/support/workers/qr-decode.mjs): in jest's sandbox one decode took about
 * 0.7 s instead of 0.1 s.
 */
export function decodeQr(bytes: Buffer): { text: string | null; width: number; height: number } {
  const output = execFileSync(process.execPath, [path.join(ROOT, 'tests', 'support', 'workers', 'qr-decode.mjs')], { input: bytes });
  return JSON.parse(output.toString('utf8')) as { text: string | null; width: number; height: number };
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
