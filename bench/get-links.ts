/**
 * tg-get making links with their QR codes while the emulator answers at once: a registry of new rows,
 * nothing else to do. One plain `tg-get` run, as cron starts it, timed from spawn to exit.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotApiEmulator } from '../src/emulator/index.js';
import { binPath, childEnv, runNode } from './child.js';
import { GROUP, SCHEDULE_HEADER, registryText } from './data.js';
import { median } from './stats.js';

export interface LinksScenario {
  links: number;
  runs: number;
}

export interface LinksFigures extends LinksScenario {
  wallMs: number;
  runsMs: number[];
  peakRssKiB: number | null;
  rssMethod: string;
  linksPerSecond: number;
  problems: string[];
}

export async function measureLinks(scenario: LinksScenario, say: (line: string) => void): Promise<LinksFigures> {
  const problems: string[] = [];
  const runsMs: number[] = [];
  let peak: number | null = null;
  let rssMethod = 'none';
  for (let run = 0; run < scenario.runs; run++) {
    const emu = await BotApiEmulator.start();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-links-'));
    try {
      emu.addChat({ id: GROUP, type: 'supergroup', title: 'Bench group' });
      const data = path.join(dir, 'data');
      const linksDir = path.join(dir, 'LINKS');
      await mkdir(data);
      await mkdir(path.join(dir, 'assets'));
      await writeFile(path.join(data, 'invite_data.txt'), registryText(new Array<null>(scenario.links).fill(null)));
      await writeFile(path.join(data, 'text_schedule.txt'), `${SCHEDULE_HEADER}\r\n`);
      const env = childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP });
      const result = await runNode([binPath('tg-get'), '--data-dir', data, '--links-dir', linksDir, '--assets-dir', path.join(dir, 'assets')], { env, cwd: dir, rss: true });
      say(`  run ${run + 1}/${scenario.runs}: ${(result.wallMs / 1000).toFixed(2)} s`);
      runsMs.push(result.wallMs);
      if (result.peakRssKiB !== null) peak = Math.max(peak ?? 0, result.peakRssKiB);
      rssMethod = result.rssMethod;

      if (result.code !== 0) problems.push(`run ${run + 1}: tg-get exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const made = emu.callsTo('createChatInviteLink').filter((c) => c.status === 200).length;
      if (made !== scenario.links) problems.push(`run ${run + 1}: ${made} links made, expected ${scenario.links}`);
      const pngs = (await readdir(linksDir).catch(() => [] as string[])).filter((f) => f.endsWith('.png')).length;
      if (pngs !== scenario.links) problems.push(`run ${run + 1}: ${pngs} QR files, expected ${scenario.links}`);
      const registry = await readFile(path.join(data, 'invite_data.txt'), 'utf8');
      const recorded = (registry.match(/https:\/\/t\.me\/\+/g) ?? []).length;
      if (recorded !== scenario.links) problems.push(`run ${run + 1}: ${recorded} links in invite_data.txt, expected ${scenario.links}`);
    } finally {
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const wallMs = median(runsMs);
  return { ...scenario, wallMs, runsMs, peakRssKiB: peak, rssMethod, linksPerSecond: (scenario.links * 1000) / wallMs, problems };
}
