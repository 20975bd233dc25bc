/**
 * Debian's headless Chromium, run as a plain program: dump the DOM after the page has loaded, or take
 * a screenshot. Each run gets a fresh profile and no network chatter.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { TempFolder } from '../../support/tmp.js';

const run = promisify(execFile);

/** The Chromium binary: $CHROMIUM_BIN, else the first of Debian's and Ubuntu's paths that can be run; null when none. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next
    }
  }
  return null;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars', '--mute-audio'];

async function withProfile<T>(fn: (profile: string) => Promise<T>): Promise<T> {
  const profile = new TempFolder('tg-chromium-');
  try {
    return await fn(profile.dir);
  } finally {
    profile.remove();
  }
}

/** The page's DOM after loading (and running any script the page has), serialized. */
export function dumpDom(chromium: string, file: string, size = '1200,900'): Promise<string> {
  return withProfile(async (profile) => {
    const { stdout } = await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, `--window-size=${size}`, '--dump-dom', pathToFileURL(file).href], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  });
}

/** Renders the page into a PNG of the given window size. */
export function screenshot(chromium: string, file: string, png: string, size = '1200,900'): Promise<void> {
  return withProfile(async (profile) => {
    await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${png}`, `--window-size=${size}`, pathToFileURL(file).href], { timeout: 60_000 });
  });
}
