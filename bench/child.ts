/**
 * Running the real bins as child processes, and measuring them from the outside: wall time from spawn
 * to exit, and peak resident memory (the kernel's high-water mark, VmHWM / ru_maxrss), so the
 * programs run exactly as in production with nothing of the bench loaded into them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding bin/tg-get. */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bin', 'tg-get'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the repository root (a folder with bin/tg-get)');
    dir = up;
  }
  return dir;
})();

let binRoot = REPO_ROOT;

/** Measures the bins of another checkout (its bin/ and built dist/), e.g. to compare a change with its base. */
export function setBinRoot(dir: string): void {
  if (!existsSync(path.join(dir, 'bin', 'tg-get'))) throw new Error(`bench: ${dir} has no bin/tg-get`);
  binRoot = path.resolve(dir);
}

export const binPath = (name: 'tg-get' | 'tg-handler'): string => path.join(binRoot, 'bin', name);

/** Flags given to every measured `node` child (e.g. --cpu-prof with --profile); none by default. */
let extraNodeFlags: readonly string[] = [];

/** Gives every bin run from now on these node flags; `node -e 0` runs are left alone. */
export function setBinNodeFlags(flags: readonly string[]): void {
  extraNodeFlags = [...flags];
}

/** Profiles every bin run from now on into `dir` (node --cpu-prof). */
export function profileChildrenInto(dir: string): void {
  setBinNodeFlags(['--cpu-prof', '--cpu-prof-dir', dir]);
}

/** The node flags for running `args`: the bench's extra flags for our bins and the yardstick bot only (so a profile of each can be compared), then `own`. */
function withFlags(args: readonly string[], own: readonly string[] = []): string[] {
  const bin = args[0] !== undefined && (args[0].startsWith(path.join(binRoot, 'bin')) || args[0].endsWith('bare-bot.js'));
  return bin ? [...extraNodeFlags, ...own, ...args] : [...own, ...args];
}

/**
 * The node flags a systemd unit starts a bin with: those between `node` and the bin's path on its
 * ExecStart line (`ExecStart=/usr/bin/node --max-old-space-size=256 /opt/.../bin/tg-handler ...`
 * gives `--max-old-space-size=256`). Pure; none when the line starts the bin some other way.
 */
export function unitNodeFlags(unitText: string, bin: 'tg-get' | 'tg-handler'): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unitText)?.[1] ?? '';
  const words = line.trim().split(/\s+/);
  const at = words.findIndex((word) => word.endsWith(`/bin/${bin}`));
  return at > 0 && /(^|\/)node$/.test(words[0]!) ? words.slice(1, at) : [];
}

/** The node flags of `deploy/<bin>.service` in the checkout measured: the bin as the service runs it. */
export function serviceNodeFlags(bin: 'tg-get' | 'tg-handler'): string[] {
  const unit = path.join(binRoot, 'deploy', `${bin}.service`);
  return existsSync(unit) ? unitNodeFlags(readFileSync(unit, 'utf8'), bin) : [];
}

/** What a bin needs to talk to the emulator. */
export interface BotEnv {
  token: string;
  apiRoot: string;
  chatId: number;
}

/**
 * The zone the data files are read in: one with summer time, as most users have, so that date cells
 * cost what they cost in production (UTC would let a date library take short cuts).
 */
export const BENCH_ZONE = 'Europe/Berlin';

/**
 * A clean environment: PATH and HOME from ours, the bot settings, and TZ, so that nothing of the
 * caller's shell (a real BOT_TOKEN, NODE_OPTIONS) changes what is measured.
 */
export function childEnv(bot: BotEnv | null): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    TZ: BENCH_ZONE,
    ...(bot === null ? {} : { BOT_TOKEN: bot.token, TELEGRAM_API_ROOT: bot.apiRoot, CHAT_ID: String(bot.chatId) }),
  };
}

/** Peak RSS of a live process in KiB (VmHWM), or null when it is gone or /proc is missing. */
export function readPeakRssKiB(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** True when /usr/bin/time is GNU time (it can write the child's ru_maxrss with -f %M). */
export const hasGnuTime: boolean = (() => {
  const result = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
  return result.status === 0 && /GNU/.test(`${result.stdout}${result.stderr}`);
})();

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Peak RSS in KiB, when asked for. */
  peakRssKiB: number | null;
  /** How the peak was taken. */
  rssMethod: string;
}

export interface RunOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Measure the peak RSS too (under GNU time when present, else by sampling /proc). */
  rss?: boolean;
  timeoutMs?: number;
}

/**
 * Runs `node <args>` to its exit. Wall time is taken around spawn and exit in this process, so it
 * includes Node's own start-up, as a user (or cron) sees it.
 */
export function runNode(args: readonly string[], options: RunOptions): Promise<Finished> {
  const useTime = options.rss === true && hasGnuTime;
  const rssFile = path.join(os.tmpdir(), `tg-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const command = useTime ? '/usr/bin/time' : process.execPath;
  const argv = useTime ? ['-f', '%M', '-o', rssFile, process.execPath, ...withFlags(args)] : withFlags(args);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: options.cwd ?? REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let sampled: number | null = null;
    const sampler =
      options.rss === true && !useTime
        ? setInterval(() => {
            const kib = child.pid === undefined ? null : readPeakRssKiB(child.pid);
            if (kib !== null) sampled = Math.max(sampled ?? 0, kib);
          }, 2)
        : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let peakRssKiB: number | null = sampled;
      if (useTime) {
        try {
          const text = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
          peakRssKiB = /^\d+$/.test(text) ? Number(text) : null;
        } catch {
          peakRssKiB = null;
        }
        rmSync(rssFile, { force: true });
      }
      resolve({
        code,
        signal,
        wallMs,
        stdout,
        stderr,
        peakRssKiB,
        rssMethod: options.rss !== true ? 'none' : useTime ? 'GNU time %M (ru_maxrss at exit)' : '/proc VmHWM sampled every 2 ms (approximate)',
      });
    });
  });
}

/** A long-running child (tg-handler) whose output is watched line by line. */
export class Running {
  private lineListeners = new Set<(line: string) => void>();
  private buffered = '';
  /** The last lines of stderr, for diagnostics. */
  readonly stderrTail: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      // Read but not split while nobody waits for a line: the emulator shares this process, and
      // tg-handler prints a line per request, which the bare bot does not (journald reads them in
      // production, in a process of its own). A line cut at the chunk's start is then lost: only
      // "started" is waited for, before any request.
      if (this.lineListeners.size === 0) {
        this.buffered = '';
        return;
      }
      const parts = (this.buffered + chunk).split('\n');
      this.buffered = parts.pop() ?? '';
      for (const line of parts) {
        for (const listener of [...this.lineListeners]) listener(line);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        this.stderrTail.push(line);
        if (this.stderrTail.length > 20) this.stderrTail.shift();
      }
    });
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Runs `node [nodeFlags] <args>`; the bench's own flags (--profile) come first. */
  static start(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; nodeFlags?: readonly string[] }): Running {
    const child = spawn(process.execPath, withFlags(args, options.nodeFlags), { cwd: options.cwd ?? REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Running(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first stdout line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = (outcome: string | Error) => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const listener = (line: string) => {
        if (pattern.test(line)) done(line);
      };
      const timer = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${this.stderrTail.join(' | ')}`)), timeoutMs);
      this.lineListeners.add(listener);
      void this.exited.then(({ code }) => done(new Error(`exited (code ${code}) before a line matching ${pattern}; stderr: ${this.stderrTail.join(' | ')}`)));
    });
  }

  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}
