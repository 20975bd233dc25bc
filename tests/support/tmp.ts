/**
 * The one temp-folder helper of the suite: every test that touches files works in a real folder made
 * here (never a mocked fs), and removes it when done. Program fixtures (tests/get-exec/helpers.ts,
 * tests/handler-exec/helpers.ts) build on it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Byte-for-byte copies of /work/shared/reference/legacy-format/. */
export const LEGACY_DIR = path.join(REPO_ROOT, 'tests', 'fixtures', 'legacy-format');

/** A legacy sample's bytes, exactly as they are on disk. */
export async function readLegacy(name: string): Promise<Buffer> {
  return readFile(path.join(LEGACY_DIR, name));
}

/** A fresh folder under the system's temp folder, with paths, reads and writes relative to it. */
export class TempFolder {
  readonly dir: string;

  constructor(prefix = 'tg-test-') {
    this.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  write(file: string, text: string | Buffer): void {
    writeFileSync(this.path(file), text);
  }

  read(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  bytes(file: string): Buffer {
    return readFileSync(this.path(file));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
