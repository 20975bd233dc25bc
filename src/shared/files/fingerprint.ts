/**
 * What identifies a file's version without reading it: inode, size and modification time. tg-get's
 * idle skip and tg-handler's registry watch both ask "has this file changed?" with it. Loads nothing
 * but node:fs (the idle skip must stay cheap).
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file's version; null when there is no file. */
export type Fingerprint = { ino: number; size: number; mtimeMs: number } | null;

const of = (s: { ino: number; size: number; mtimeMs: number }): Fingerprint => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs });

/** The file's fingerprint; null when it does not exist. Throws other stat errors (e.g. EACCES). */
export async function fingerprint(file: string): Promise<Fingerprint> {
  try {
    return of(await stat(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `fingerprint`, synchronously, with any stat error read as "no file". */
export function fingerprintSync(file: string): Fingerprint {
  try {
    return of(statSync(file));
  } catch {
    return null;
  }
}

/** True when both name the same version (or both no file). */
export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
