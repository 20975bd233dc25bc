/**
 * tg-handler with the membership ledger (#12): a join log of 100,000 approved members (the ledger
 * tg-handler holds in memory), then N join requests through registry links with, interleaved, the
 * chat_member updates Telegram sends: one per approval (from the bot, no row) and one leave of an
 * existing member per join request (a `left` row, attributed from the ledger, decided under the join
 * log's lock). Timed from the queue being filled to every update confirmed (each row is on disk
 * before its update is confirmed). Peak RSS is the figure the 150 MB goal is about.
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmulatorUser } from '../src/emulator/index.js';
import { openBenchGroup } from './bench-group.js';
import { Running, childEnv, readPeakRssKiB } from './child.js';
import { GROUP, inviteId, MONTHS_AGO, registryText, responsesText } from './data.js';
import { createBotLinks } from './links.js';
import { fmt } from './report.js';
import { perSecond } from './stats.js';

export interface MembersScenario {
  /** Members in the ledger at start (approve rows of the join log). */
  members: number;
  registryLinks: number;
  /** Join requests; as many existing members leave, interleaved. */
  joins: number;
  nodeFlags: readonly string[];
}

export interface MembersFigures extends MembersScenario {
  startupMs: number;
  /** Queue filled -> every update (requests, approvals' chat_member, leaves) confirmed. */
  durableMs: number;
  /** Join requests per second, with their chat_member updates and the leaves beside them. */
  joinsPerSecond: number;
  /** chat_member updates handled per second (approvals' and leaves). */
  memberUpdatesPerSecond: number;
  startupPeakRssKiB: number | null;
  peakRssKiB: number | null;
  problems: string[];
}

/** The user ids of responsesText's rows (bench/data.ts): row i is this + i. */
const EXISTING_USER_BASE = 1_000_000_000;
/** The user ids of the new requests. */
const NEW_USER_BASE = 2_000_000_000;
/** The peak RSS goal of tg-handler (BENCHMARKS.md). */
export const PEAK_RSS_GOAL_MIB = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the rows appended after `from` by status; reads the file whole at the end only. */
async function appendedStatuses(file: string, from: number): Promise<Map<string, { count: number; blankLink: number }>> {
  const text = (await readFile(file)).subarray(from).toString('utf8');
  const counts = new Map<string, { count: number; blankLink: number }>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const cells = line.split('\t');
    const entry = counts.get(cells[5] ?? '') ?? { count: 0, blankLink: 0 };
    entry.count++;
    if ((cells[0] ?? '') === '') entry.blankLink++;
    counts.set(cells[5] ?? '', entry);
  }
  return counts;
}

async function fileSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

export async function measureMembers(scenario: MembersScenario, say: (line: string) => void): Promise<MembersFigures> {
  const { emu, dir, program, close } = await openBenchGroup('tg-bench-members-');
  let handler: Running | undefined;
  const problems: string[] = [];
  try {
    const links = await createBotLinks(emu, GROUP, scenario.registryLinks);
    const responses = path.join(dir, 'responde_data.txt');
    await writeFile(path.join(dir, 'invite_data.txt'), registryText(links));
    await writeFile(responses, responsesText(scenario.members, links, MONTHS_AGO));
    // Those who will leave are members on Telegram's side too (no update for that).
    const leavers: EmulatorUser[] = [];
    for (let i = 0; i < Math.min(scenario.joins, scenario.members); i++) {
      const user = { id: EXISTING_USER_BASE + i, first_name: `First${i}`, last_name: `Last${i}`, username: `user_${EXISTING_USER_BASE + i}` };
      emu.setChatMember(GROUP, user, { status: 'member' });
      leavers.push(user);
    }

    const started = performance.now();
    handler = Running.start(program(), {
      env: childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP }),
      nodeFlags: scenario.nodeFlags,
    });
    await handler.waitForLine(/ started as /, 300_000);
    const startupMs = performance.now() - started;
    const startupPeakRssKiB = readPeakRssKiB(handler.pid);
    await sleep(300);

    const before = await fileSize(responses);
    for (let i = 0; i < scenario.joins; i++) {
      const user = { id: NEW_USER_BASE + i, first_name: `Guest${i}`, last_name: 'Bench', username: `guest_${i}` };
      emu.requestJoin({ chatId: GROUP, user, inviteLink: links[i % links.length]! });
      const leaver = leavers[i];
      if (leaver !== undefined) emu.leave(GROUP, leaver.id);
    }
    const t0 = performance.now();
    say(`  ${scenario.joins} join requests and ${leavers.length} leaves queued (plus a chat_member per approval as they happen); waiting until all are confirmed`);
    let exited = false;
    void handler.exited.then(() => (exited = true));
    // Every approval queues its chat_member at once, so the queue is empty only when all are handled.
    while (emu.pendingUpdateCount() > 0 || emu.callsTo('approveChatJoinRequest').length < scenario.joins) {
      if (exited) throw new Error(`tg-handler exited; stderr: ${handler.stderrTail.join(' | ')}`);
      if (performance.now() - t0 > 600_000) throw new Error(`updates still unconfirmed after 10 minutes; stderr: ${handler.stderrTail.join(' | ')}`);
      await sleep(5);
    }
    const durableMs = performance.now() - t0;
    const peakRssKiB = readPeakRssKiB(handler.pid);
    const exit = await handler.stop();
    handler = undefined;

    if (exit.code !== 0) problems.push(`tg-handler exited with ${exit.code ?? exit.signal}`);
    const counts = await appendedStatuses(responses, before);
    const approve = counts.get('approve')?.count ?? 0;
    const left = counts.get('left') ?? { count: 0, blankLink: 0 };
    if (approve !== scenario.joins) problems.push(`${approve} approve rows, expected ${scenario.joins}`);
    if (left.count !== leavers.length) problems.push(`${left.count} left rows, expected ${leavers.length}`);
    if (left.blankLink > 0) problems.push(`${left.blankLink} left rows without the link from the ledger (expected ${inviteId(0)}...)`);
    const others = [...counts.keys()].filter((s) => s !== 'approve' && s !== 'left');
    if (others.length > 0) problems.push(`unexpected rows: ${others.join(', ')} (the bot's own approvals must write no joined row)`);
    return {
      ...scenario,
      startupMs,
      durableMs,
      joinsPerSecond: perSecond(scenario.joins, durableMs),
      memberUpdatesPerSecond: perSecond(scenario.joins + leavers.length, durableMs),
      startupPeakRssKiB,
      peakRssKiB,
      problems,
    };
  } finally {
    await close(handler);
  }
}

/** The lines bench/main.ts prints for it. */
export function describeMembers(f: MembersFigures): string[] {
  const peak = f.peakRssKiB === null ? null : f.peakRssKiB / 1024;
  const verdict = peak === null ? '(peak RSS not measured)' : peak <= PEAK_RSS_GOAL_MIB ? `(goal: at most ${PEAK_RSS_GOAL_MIB} MB: met)` : `(goal: at most ${PEAK_RSS_GOAL_MIB} MB: MISSED)`;
  return [
    `  ${fmt.rate(f.joinsPerSecond)} join requests, with ${fmt.count(f.joins * 2)} chat_member updates beside them (${Math.round(f.memberUpdatesPerSecond)} a second), ${fmt.count(f.members)} members in the ledger; ${fmt.ms(f.durableMs)} in all`,
    `  start-up ${fmt.ms(f.startupMs)}, peak RSS ${fmt.mib(f.startupPeakRssKiB)} by "started", ${fmt.mib(f.peakRssKiB)} in all ${verdict}`,
  ];
}
