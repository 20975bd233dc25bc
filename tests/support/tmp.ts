/** Real temp folders for tests that touch files. */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LEGACY_DIR = path.join(REPO_ROOT, 'tests', 'fixtures', 'legacy-format');

/** A fresh temp folder; remove it with `cleanup`. */
export async function tempDir(prefix = 'tg-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A temp data folder holding byte-exact copies of the legacy samples. */
export async function legacyDataDir(): Promise<string> {
  const dir = await tempDir('tg-legacy-');
  await cp(LEGACY_DIR, dir, { recursive: true });
  return dir;
}

export async function readLegacy(name: string): Promise<Buffer> {
  return readFile(path.join(LEGACY_DIR, name));
}
