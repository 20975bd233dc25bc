/**
 * tg-handler's start-up over a big join log (issue 15): spawn to ready, ready being its first
 * getUpdates at the emulator, and the peak RSS by then. Two cases, alternated in each round: a
 * restart (the log already has our header) and a first start on a legacy log (the legacy columns
 * only, so the header is rewritten in front of every row). The yardstick of the round is the bare
 * telegraf bot (bench/bare-bot.ts) started the same way, with no files at all.
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openBenchGroup } from './bench-group.js';
import { Running, childEnv, readPeakRssKiB } from './child.js';
import { fakeLinks, GROUP, RESPONSE_HEADER, registryText, responseRows } from './data.js';

export type StartupCase = 'restart' | 'legacy' | 'bare';

export interface StartupRun {
  case: StartupCase;
  logRows: number;
  /** Spawn to the first getUpdates the emulator saw. */
  readyMs: number;
  peakRssKiB: number | null;
  problems: string[];
}

/** The legacy layout: the first eight columns, without chat_id, tg_request_date and ours. */
const LEGACY_COLUMNS = 8;

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

/** One start of tg-handler (or the bare bot) over a fresh copy of the files. */
export async function measureStartup(which: StartupCase, logRows: number, registryLinks: number, nodeFlags: readonly string[]): Promise<StartupRun> {
  const { emu, dir, program, close } = await openBenchGroup('tg-bench-startup-');
  let running: Running | undefined;
  const problems: string[] = [];
  try {
    const links = fakeLinks(registryLinks);
    await writeFile(path.join(dir, 'invite_data.txt'), registryText(links));
    if (which !== 'bare') await writeLog(path.join(dir, 'responde_data.txt'), logRows, links, which === 'legacy');
    const ready = emu.waitForCall('getUpdates', () => true, 600_000);
    const t0 = Date.now();
    running = Running.start(program(which === 'bare'), { env: childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP }), nodeFlags });
    const exited = running.exited.then(() => {
      throw new Error(`${which} exited before its first getUpdates; stderr: ${running?.stderrTail.join(' | ')}`);
    });
    const call = await Promise.race([ready, exited]);
    const readyMs = call.at - t0;
    const peakRssKiB = readPeakRssKiB(running.pid);
    const exit = await running.stop();
    running = undefined;
    if (exit.code !== 0) problems.push(`${which} exited with ${exit.code ?? exit.signal}`);
    return { case: which, logRows, readyMs, peakRssKiB, problems };
  } finally {
    await close(running);
  }
}
