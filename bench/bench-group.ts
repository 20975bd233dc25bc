/**
 * What every tg-handler bench run starts from: the Bot API emulator with the bench group, a fresh
 * temp folder for the data files, the command that starts tg-handler (or the bare telegraf bot, the
 * yardstick) on it, and the clean-up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotApiEmulator } from '../src/emulator/index.js';
import { binPath, type Running } from './child.js';
import { GROUP } from './data.js';

/** The yardstick: a bare telegraf bot that only approves (bench/bare-bot.ts, built beside this). */
export const BARE_BOT = fileURLToPath(new URL('./bare-bot.js', import.meta.url));

export interface BenchGroup {
  emu: BotApiEmulator;
  /** The data folder (LINKS/ and assets/ inside it). */
  dir: string;
  /** The node arguments that start tg-handler on `dir`, or the bare bot. */
  program: (bare?: boolean) => string[];
  /** Stops `running` (when still running), the emulator, and removes the folder. */
  close: (running: Running | undefined) => Promise<void>;
}

/** Starts the emulator with the bench group and makes a temp folder named `prefix…`. */
export async function openBenchGroup(prefix: string): Promise<BenchGroup> {
  const emu = await BotApiEmulator.start();
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  emu.addChat({ id: GROUP, type: 'supergroup', title: 'Bench group' });
  return {
    emu,
    dir,
    program: (bare = false) => (bare ? [BARE_BOT] : [binPath('tg-handler'), '--data-dir', dir, '--links-dir', path.join(dir, 'LINKS'), '--assets-dir', path.join(dir, 'assets')]),
    close: async (running) => {
      if (running) await running.stop(2000);
      await emu.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
