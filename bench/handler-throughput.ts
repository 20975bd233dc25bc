/**
 * tg-handler end to end: N join requests through registry links, each from a new user, timed from the
 * moment the first is handed out by getUpdates to the moment the last one's row is durable in
 * responde_data.txt. "Durable" is read off the Bot API side: tg-handler confirms an update (the offset
 * of its next getUpdates) only after every handler of the batch returned, and a handler returns only
 * after its row was fsynced. So the arrival of the first getUpdates whose offset passes the last join
 * request is the moment the last row is on disk. As a cross-check, the file is read at that moment,
 * inside the emulator's answer to that call: every row must be in it already. (The file is not
 * watched while the burst runs: the watching ran in the emulator's process, on the two cores both
 * bots share, for tg-handler's runs only, and the yardstick's runs had no such load.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openBenchGroup } from './bench-group.js';
import { Running, childEnv, readPeakRssKiB } from './child.js';
import { GROUP, lastDays, MONTHS_AGO, registryText, responsesText } from './data.js';
import { createBotLinks } from './links.js';
import { perSecond } from './stats.js';

export interface HandlerScenario {
  /** Rows already in responde_data.txt when the handler starts. */
  existingRows: number;
  /** Links in the registry (all made by the bot, so requests carry them whole). */
  registryLinks: number;
  /** Join requests queued at once. */
  joins: number;
  /** The existing rows all date from the last six days (every key kept in memory), not from months ago. */
  recent: boolean;
  /** tg-handler runs with the node flags of its systemd unit (true), or with none, as `node bin/tg-handler` by hand. */
  asService: boolean;
  /** The node flags it runs with. */
  nodeFlags: readonly string[];
  /**
   * Run the yardstick instead of tg-handler: a bare telegraf bot that only approves (bench/bare-bot.ts).
   * It writes no rows; its rate is taken to the confirmation of the last request, as tg-handler's is.
   */
  bare?: boolean;
}

export interface HandlerFigures extends HandlerScenario {
  /** Spawn to the "started" line: reading the registry and the join log. */
  startupMs: number;
  /** First update handed out -> last row durable (confirmed). */
  durableMs: number;
  /** First update handed out -> last row visible in the file: durableMs when every row was in the file as the last request was confirmed, else NaN (and a problem). */
  visibleMs: number;
  joinsPerSecond: number;
  /** Peak RSS by the "started" line: reading the files. */
  startupPeakRssKiB: number | null;
  /** Peak RSS over the whole run, read just before SIGTERM. */
  peakRssKiB: number | null;
  approveCalls: number;
  rowsWritten: number;
  exitCode: number | null;
  /** What did not go as expected (wrong counts, exit code); empty when the run is sound. */
  problems: string[];
}

/** The yardstick bot, compiled beside this file. */

/** The first user id of the requests; far from the ids of the existing rows. */
const USER_BASE = 2_000_000_000;

/** Lines appended to `file` since byte `from`, read at once (synchronously: inside the emulator's answer to a call). */
function linesSince(file: string, from: number): number {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 16);
    let lines = 0;
    for (let offset = from; ; ) {
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read === 0) return lines;
      for (let i = 0; i < read; i++) if (buffer[i] === 10) lines++;
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a data file and flushes it to the disk, as files a bot finds at its start have long been:
 * else tg-handler's first fdatasync of the join log wrote the whole log the bench had just written
 * (15 MB at 100,000 rows, 6-7 ms of the first batch), a cost the yardstick, writing nothing, had not.
 */
async function writeSynced(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureHandler(scenario: HandlerScenario, say: (line: string) => void): Promise<HandlerFigures> {
  const { emu, dir, program, close } = await openBenchGroup('tg-bench-handler-');
  let handler: Running | undefined;
  const problems: string[] = [];
  try {
    const links = await createBotLinks(emu, GROUP, scenario.registryLinks);
    const responses = path.join(dir, 'responde_data.txt');
    const logText = responsesText(scenario.existingRows, links, scenario.recent ? lastDays(scenario.existingRows) : MONTHS_AGO);
    await writeSynced(path.join(dir, 'invite_data.txt'), registryText(links));
    await writeSynced(responses, logText);

    const started = performance.now();
    handler = Running.start(program(scenario.bare === true), {
      env: childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP }),
      nodeFlags: scenario.nodeFlags,
    });
    await handler.waitForLine(/ started as /, 300_000);
    const startupMs = performance.now() - started;
    const startupPeakRssKiB = readPeakRssKiB(handler.pid);
    // telegraf prints "started" just before its first getUpdates: let that long poll arrive.
    await sleep(300);

    const logBytes = Buffer.byteLength(logText);
    // The emulator runs in this process: its garbage (earlier runs' chats, calls and updates) is
    // collected now, not by a full collection inside the measured burst. Without this, the runs
    // after a small set-up (1,000 rows, the yardstick) had the emulator's mark-compact inside their
    // burst (30-60 ms of its thread), and the 100,000-row runs, whose set-up allocates the 15 MB
    // log, had it before (npm run bench gives node --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    let lastJoinId = 0;
    for (let i = 0; i < scenario.joins; i++) {
      const user = { id: USER_BASE + i, first_name: `Guest${i}`, last_name: 'Bench', username: `guest_${i}` };
      lastJoinId = emu.requestJoin({ chatId: GROUP, user, inviteLink: links[i % links.length]! });
    }
    // The queue was filled in one turn of the loop; the waiting getUpdates is answered on the next.
    const t0Wall = Date.now();
    say(`  ${scenario.joins} join requests queued; waiting for the rows`);

    // The rows in the file at the moment the last request is confirmed (the bare bot writes none).
    let visibleAtConfirm = 0;
    const confirmed = emu.waitForCall('getUpdates', (c) => {
      if (Number(c.params['offset'] ?? 0) <= lastJoinId) return false;
      if (scenario.bare !== true) visibleAtConfirm = linesSince(responses, logBytes);
      return true;
    }, 600_000);
    const exited = handler.exited.then(() => {
      throw new Error(`${scenario.bare === true ? 'the bare bot' : 'tg-handler'} exited before confirming the last request; stderr: ${handler?.stderrTail.join(' | ') ?? ''}`);
    });
    // It exits later in every run, when stopped: that rejection is nobody's concern then.
    exited.catch(() => {});
    const call = await Promise.race([confirmed, exited]);
    const durableMs = call.at - t0Wall;
    const visibleMs = scenario.bare !== true && visibleAtConfirm >= scenario.joins ? durableMs : Number.NaN;
    if (scenario.bare !== true && visibleAtConfirm < scenario.joins) problems.push(`only ${visibleAtConfirm} of ${scenario.joins} rows were in the file when the last request was confirmed`);
    const peakRssKiB = readPeakRssKiB(handler.pid);
    const exit = await handler.stop();
    handler = undefined;

    const approveCalls = emu.callsTo('approveChatJoinRequest').filter((c) => c.status === 200).length;
    if (approveCalls !== scenario.joins) problems.push(`${approveCalls} approveChatJoinRequest calls answered 200, expected ${scenario.joins}`);
    if (exit.code !== 0) problems.push(`tg-handler exited with ${exit.code ?? exit.signal}`);
    const appended = (await readFile(responses)).subarray(logBytes).toString('utf8').split('\n').filter((line) => line !== '');
    const rowsWritten = appended.filter((line) => line.split('\t')[5] === 'approve').length;
    if (scenario.bare === true) {
      if (appended.length !== 0) problems.push(`the bare bot's folder got ${appended.length} rows`);
    } else if (rowsWritten !== scenario.joins || appended.length !== scenario.joins) problems.push(`${appended.length} rows appended (${rowsWritten} approve), expected ${scenario.joins} approve rows`);
    return {
      ...scenario,
      startupMs,
      durableMs,
      visibleMs,
      joinsPerSecond: perSecond(scenario.joins, durableMs),
      startupPeakRssKiB,
      peakRssKiB,
      approveCalls,
      rowsWritten,
      exitCode: exit.code,
      problems,
    };
  } finally {
    await close(handler);
  }
}
