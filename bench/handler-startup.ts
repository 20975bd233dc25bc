/**
 * tg-handler's start-up over a big join log (issue 15): spawn to ready, ready being its first
 * getUpdates at the emulator, and the peak RSS by then. A round of the current layout starts the
 * bot three times on one folder, as a server sees it: the first start (no snapshot yet: it reads
 * the whole log), SIGTERM (it writes its ledger snapshot), the restart (timed: the goal), SIGTERM,
 * 1,000 membership rows appended as `tg-get members` would, and the restart after them (the
 * snapshot plus the rows after it). Also a first start on a legacy log (the legacy columns only, so
 * the header is rewritten in front of every row), and the yardstick of the round: the bare telegraf
 * bot (bench/bare-bot.ts) started the same way, with no files at all. The `queue` kind runs the
 * three starts of the current layout as a real deployment does: the review queue on (ADMIN_CHAT_ID,
 * an admin's private chat at the emulator) and personal links (max_members on every 100th link),
 * so the held requests and the links' counts are made at start too.
 */
import { appendFile, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BotApiEmulator } from '../src/emulator/index.js';
import { openBenchGroup } from './bench-group.js';
import { Running, childEnv, readPeakRssKiB } from './child.js';
import { fakeLinks, GROUP, inviteId, RESPONSE_HEADER, registryText, responseRows } from './data.js';

/** first: no snapshot; restart: after a SIGTERM; appended: after a SIGTERM and rows another program appended; legacy: first start on a legacy log. */
export type StartupCase = 'first' | 'restart' | 'appended' | 'legacy' | 'bare' | 'queue-first' | 'queue-restart' | 'queue-appended';

/** Every this many registry rows, one has max_members in the `queue` kind. */
const LIMITED_EVERY = 100;
/** The `queue` kind's registry: the same links, a max_members column, every 100th link limited to 5 people. */
function limitedRegistry(links: readonly string[]): string {
  const [header, ...rows] = registryText(links).trimEnd().split('\n');
  return `${[`${header!}\tmax_members`, ...rows.map((row, i) => `${row}\t${i % LIMITED_EVERY === 0 ? '5' : ''}`)].join('\n')}\n`;
}

export interface StartupRun {
  case: StartupCase;
  /** The round (1-based): ratios are taken against the bare bot of the same round. */
  round: number;
  logRows: number;
  /** Spawn to the first getUpdates the emulator saw. */
  readyMs: number;
  peakRssKiB: number | null;
  problems: string[];
}

/** The legacy layout: the first eight columns, without chat_id, tg_request_date and ours. */
const LEGACY_COLUMNS = 8;
/** Rows another program appends between the stop and the restart of the `appended` case. */
export const APPENDED_ROWS = 1000;

/** Writes the join log in pieces, so a million rows are never one string here. */
async function writeLog(file: string, rows: number, links: readonly string[], legacy: boolean): Promise<void> {
  const out = await open(file, 'w');
  try {
    const header = legacy ? RESPONSE_HEADER.split('\t').slice(0, LEGACY_COLUMNS).join('\t') : RESPONSE_HEADER;
    await out.write(`${header}\n`);
    for (let from = 0; from < rows; from += 20_000) {
      let text = responseRows(from, Math.min(rows, from + 20_000), links);
      if (legacy) text = text.split('\n').map((line) => line.split('\t').slice(0, LEGACY_COLUMNS).join('\t')).join('\n');
      await out.write(text);
    }
  } finally {
    await out.close();
  }
}

/** `count` membership rows as `tg-get members` writes them: people of the log found gone, and people found in the group. */
function membershipRows(count: number, links: readonly string[]): string {
  const nowS = Math.floor(Date.now() / 1000);
  const when = new Date(nowS * 1000).toISOString().replace('T', ' ').slice(0, 19);
  let out = '';
  for (let i = 0; i < count; i++) {
    const k = i % Math.max(1, links.length);
    const [user, status] = i % 2 === 0 ? [1_000_000_000 + i * 7, 'left'] : [2_000_000_000 + i, 'joined'];
    out += `${inviteId(k)}\t${user}\t\t\t${when}\t${status}\t\t${links[k] ?? ''}\t${GROUP}\t${nowS}\tmembers\t\n`;
  }
  return out;
}

const delay = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));

/**
 * Starts `args` and measures spawn to its first getUpdates, then stops it with SIGTERM. The emulator
 * records a call when it ends, and the first long poll ends only after 50 s (or when the bot stops):
 * so the bot is stopped once it said "started" and its poll had a moment to go out, and the call's
 * arrival time is read once the stop ended it. The peak RSS is taken before the stop (whose snapshot
 * write is not start-up).
 */
async function timedStart(emu: BotApiEmulator, args: string[], which: StartupCase, nodeFlags: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ readyMs: number; peakRssKiB: number | null; problems: string[] }> {
  const t0 = Date.now();
  const ready = emu.waitForCall('getUpdates', (call) => call.at >= t0, 600_000);
  const running = Running.start(args, { env: { ...childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP }), ...extraEnv }, nodeFlags });
  try {
    await running.waitForLine(/started as/, 600_000);
    await Promise.race([ready, delay(300)]);
    const peakRssKiB = readPeakRssKiB(running.pid);
    // The stop writes the snapshot the next start reads.
    const exit = await running.stop(60_000);
    const call = await Promise.race([ready, delay(5000)]);
    if (call === null) throw new Error(`${which}: no getUpdates reached the emulator before the stop; stderr: ${running.stderrTail.join(' | ')}`);
    return { readyMs: call.at - t0, peakRssKiB, problems: exit.code === 0 ? [] : [`${which} exited with ${exit.code ?? exit.signal}`] };
  } finally {
    if (running.child.exitCode === null && running.child.signalCode === null) await running.stop(2000);
  }
}

/**
 * One round of a kind: `current` gives the first start, the restart and the restart after appended
 * rows (one folder, in that order); `queue` the same with the review queue and personal links on;
 * `legacy` a first start on a legacy log; `bare` the yardstick.
 */
export async function measureStartup(kind: 'current' | 'queue' | 'legacy' | 'bare', round: number, logRows: number, registryLinks: number, nodeFlags: readonly string[]): Promise<StartupRun[]> {
  const { emu, dir, program, close } = await openBenchGroup('tg-bench-startup-');
  try {
    const links = fakeLinks(registryLinks);
    await writeFile(path.join(dir, 'invite_data.txt'), kind === 'queue' ? limitedRegistry(links) : registryText(links));
    const log = path.join(dir, 'responde_data.txt');
    if (kind !== 'bare') await writeLog(log, logRows, links, kind === 'legacy');
    const args = program(kind === 'bare');
    const env: NodeJS.ProcessEnv = kind === 'queue' ? { ADMIN_CHAT_ID: String(emu.addPrivateChat({ id: 1900, first_name: 'Mo', username: 'mod' })) } : {};
    const run = async (which: StartupCase): Promise<StartupRun> => ({ case: which, round, logRows, ...(await timedStart(emu, args, which, nodeFlags, env)) });
    if (kind === 'legacy' || kind === 'bare') return [await run(kind)];
    const [first, restart, appended] = kind === 'queue' ? (['queue-first', 'queue-restart', 'queue-appended'] as const) : (['first', 'restart', 'appended'] as const);
    const runs = [await run(first), await run(restart)];
    await appendFile(log, membershipRows(APPENDED_ROWS, links));
    runs.push(await run(appended));
    return runs;
  } finally {
    await close(undefined);
  }
}
