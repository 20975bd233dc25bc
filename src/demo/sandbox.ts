/**
 * The demo's sandbox: a copy of the sample data in a temp folder, the Bot API emulator on 127.0.0.1
 * standing in for Telegram, and the real bins run against both as child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotApiEmulator } from '../emulator/index.js';

/** The repository (or installed package) root: bin/ and examples/ live here. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The samples the demo and the sandbox play with: `data/` (a registry, a schedule, a join log, the
 * menu and the file the bot sends) and `assets/` (the pictures the schedule names). The shipped
 * data/ holds headers only, so a first real run never posts these.
 */
export const EXAMPLES_DIR = path.join(PACKAGE_ROOT, 'examples');

/** The demo's group: a private supergroup, as attribution needs. */
export const DEMO_CHAT_ID = -1001234567890;

export interface Sandbox {
  dir: string;
  dataDir: string;
  emulator: BotApiEmulator;
  /** The environment the bins get: the emulator's token and address, the demo group, a fixed zone. */
  env: NodeJS.ProcessEnv;
}

/**
 * Copies the examples' data/ and assets/ into a fresh temp folder and starts the emulator (on an
 * ephemeral port of 127.0.0.1 unless `port` is given). examples/ itself is never touched.
 */
export async function openSandbox(zone: string, opts: { port?: number; prefix?: string } = {}): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(os.tmpdir(), opts.prefix ?? 'tg-invite-tracker-demo-'));
  await cp(path.join(EXAMPLES_DIR, 'data'), path.join(dir, 'data'), { recursive: true });
  await cp(path.join(EXAMPLES_DIR, 'assets'), path.join(dir, 'assets'), { recursive: true });
  await mkdir(path.join(dir, 'LINKS'));
  const emulator = await BotApiEmulator.start(opts.port === undefined ? {} : { port: opts.port });
  emulator.addChat({ id: DEMO_CHAT_ID, type: 'supergroup', title: 'Demo club' });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BOT_TOKEN: emulator.token,
    CHAT_ID: String(DEMO_CHAT_ID),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    TZ: zone,
  };
  return { dir, dataDir: path.join(dir, 'data'), emulator, env };
}

export interface RunResult {
  code: number | null;
  lines: string[];
}

/** Starts a bin in the sandbox; every line it prints goes to `onLine`. */
export function startBin(sandbox: Sandbox, bin: 'tg-get' | 'tg-handler', args: string[], onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', bin), ...args], { cwd: sandbox.dir, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    stream?.on('end', () => {
      if (buffered !== '') onLine(buffered);
    });
  }
  return child;
}

/** Runs a bin to its end. */
export function runBin(sandbox: Sandbox, bin: 'tg-get' | 'tg-handler', args: string[], onLine: (line: string) => void): Promise<RunResult> {
  const lines: string[] = [];
  const child = startBin(sandbox, bin, args, (line) => {
    lines.push(line);
    onLine(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines }));
  });
}

/** Resolves when the child prints a line matching `pattern`; rejects if it exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, lines: string[], pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.some((l) => pattern.test(l))) done(null);
    }, 50);
    const deadline = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => done(new Error(`exited with code ${code} before printing ${pattern}`));
    child.once('exit', onExit);
    function done(error: Error | null) {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
  });
}
