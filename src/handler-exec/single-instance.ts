/**
 * One tg-handler per data folder (the bot's join log and registry live there). Two would fight
 * over getUpdates (Telegram answers the older poll 409, which stops it) and append to one join log. The newcomer refuses before it
 * touches a file or Telegram; the one already running never notices.
 *
 * The lock is a file made with O_EXCL semantics (written beside it, then hard-linked into place, so
 * it is never seen empty) holding the owner's pid and the kernel's start time of that process. A
 * lock whose process is gone (a crash, SIGKILL, a reboot) or whose pid now belongs to another
 * process is stale and taken over at once: a restart after a crash never waits.
 */
import { readFileSync } from 'node:fs';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_FAILED } from '../shared/cli/exit.js';
import { ExitError, InstanceBusyError, messageOf } from '../shared/errors.js';

/** The lock file in the data folder. */
export const DATA_LOCK_NAME = '.tg-handler.lock';

interface Owner {
  pid: number;
  /** /proc/<pid>/stat's start time (clock ticks since boot); null where there is no /proc. */
  start: string | null;
  bot: string;
}

/** When the process `pid` started, as the kernel counts it; null when it cannot be read. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True when `owner` names a process that is still running (and is the same process, not a reused pid). */
export function isAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = startTimeOf(owner.pid);
  return owner.start === null || start === null || start === owner.start;
}

function parseOwner(text: string): Owner | undefined {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return { pid: value.pid, start: typeof value.start === 'string' ? value.start : null, bot: String(value.bot ?? '?') };
  } catch {
    return undefined;
  }
}

async function readOwner(file: string): Promise<Owner | undefined | 'gone'> {
  try {
    return parseOwner(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/** A held lock; `release` removes it (only while it is still ours). */
export interface InstanceLock {
  release(): Promise<void>;
}

async function takeOne(file: string, me: Owner, what: string): Promise<void> {
  const text = JSON.stringify(me);
  const temp = `${file}.${me.pid}.${Date.now()}`;
  try {
    await writeFile(temp, `${text}\n`, { mode: 0o644 });
  } catch (error) {
    await unlink(temp).catch(() => {});
    // A full disk or a read-only folder: 1, so a supervisor's restart tries again once it is fixed.
    const why = (error as { message?: unknown }).message;
    throw new ExitError(EXIT_FAILED, `${file}: cannot write the single-instance lock (${typeof why === 'string' ? why : messageOf(error)}); free some space or make the data folder writable`, { cause: error });
  }
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await link(temp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = await readOwner(file);
        if (owner === 'gone') continue;
        if (owner !== undefined && isAlive(owner)) throw new InstanceBusyError(what, owner.pid);
        // Stale (its process is gone) or unreadable: ours now.
        await unlink(file).catch(() => {});
        continue;
      }
      // Two newcomers taking over one stale lock at once: the one whose file is in place runs.
      const after = await readOwner(file);
      if (after !== 'gone' && after !== undefined && after.pid === me.pid && after.start === me.start) return;
      if (after !== 'gone' && after !== undefined) throw new InstanceBusyError(what, after.pid);
    }
    throw new InstanceBusyError(what, undefined);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function releaseOne(file: string, me: Owner): Promise<void> {
  const owner = await readOwner(file).catch(() => undefined);
  if (owner !== 'gone' && owner !== undefined && owner.pid === me.pid && owner.start === me.start) await unlink(file).catch(() => {});
}

/**
 * Takes the single-instance lock of the data folder, `<dataDir>/.tg-handler.lock`, for the bot
 * `botId` (the token's public number before the colon; never the token). Throws InstanceBusyError
 * naming the running process when a live one holds it.
 */
export async function acquireInstanceLock(dataDir: string, botId: string): Promise<InstanceLock> {
  const me: Owner = { pid: process.pid, start: startTimeOf(process.pid), bot: botId };
  const file = path.join(dataDir, DATA_LOCK_NAME);
  await takeOne(file, me, `the data folder ${dataDir}`);
  return { release: () => releaseOne(file, me) };
}
