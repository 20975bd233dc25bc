/**
 * QR codes per second on their own, by calling tg-get's own QR modules in this process: drawing only
 * (renderQrPng: the module matrix and the PNG), and the whole QR step (writeQrCodes: check the file,
 * draw, write it atomically) on a registry of new links.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createContext } from '../src/get-exec/context.js';
import { renderQrPng } from '../src/get-exec/qr-image.js';
import { writeQrCodes } from '../src/get-exec/qr.js';
import { pathsOf } from '../src/shared/config/paths.js';
import type { Config } from '../src/shared/config/schema.js';
import { silentLogger } from '../src/shared/cli/log.js';
import { inviteSpec } from '../src/shared/registry/registry.js';
import { loadFile } from '../src/shared/files/data-file.js';
import { registryText } from './data.js';
import { perSecond } from './stats.js';

export interface QrFigures {
  codes: number;
  renderPerSecond: number;
  stepPerSecond: number;
  /** Bytes of one PNG, for the record. */
  pngBytes: number;
}

/** Links shaped like Telegram's: https://t.me/+ and 16 URL-safe characters. */
function fakeLinks(count: number): string[] {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length: count }, () => `https://t.me/+${[...randomBytes(16)].map((b) => chars[b & 63]).join('')}`);
}

export async function measureQr(codes: number): Promise<QrFigures> {
  const links = fakeLinks(codes);
  // Warm up: the first call loads the qrcode library and lets the JIT see the hot loops.
  let pngBytes = 0;
  for (const link of links.slice(0, 20)) pngBytes = (await renderQrPng(link)).length;
  const renderStart = performance.now();
  for (const link of links) await renderQrPng(link);
  const renderPerSecond = perSecond(codes, performance.now() - renderStart);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-qr-'));
  try {
    const file = path.join(dir, 'invite_data.txt');
    await writeFile(file, registryText(links));
    const config: Config = {
      token: '',
      chatId: null,
      apiRoot: 'http://127.0.0.1:9',
      dataDir: dir,
      assetsDir: path.join(dir, 'assets'),
      linksDir: path.join(dir, 'LINKS'),
      zone: 'UTC',
      logLevel: 'quiet',
      webhook: undefined,
    };
    const registry = await loadFile(file, inviteSpec('UTC'));
    const ctx = createContext({ config, paths: pathsOf(config), log: silentLogger, dryRun: false });
    const stepStart = performance.now();
    await writeQrCodes(ctx, registry);
    const stepMs = performance.now() - stepStart;
    if (ctx.tally.qrWritten !== codes) throw new Error(`writeQrCodes wrote ${ctx.tally.qrWritten} of ${codes} QR codes`);
    return { codes, renderPerSecond, stepPerSecond: perSecond(codes, stepMs), pngBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
