/**
 * Lets the every-minute run skip its work when nothing can have changed. After a full run that found
 * nothing to do and changed nothing, tg-get notes the registry's, the schedule's and LINKS/'s
 * fingerprints (size, mtime, inode) and when the next post falls due. A later run whose fingerprints
 * and settings are the same, before that time, has nothing to do either: it reads no data file and
 * loads none of the parsing code. Any edit, new file, deleted QR code or due post means a full run.
 */
import { readFileSync } from 'node:fs';
import type { Paths } from '../shared/config/paths.js';
import { writeNote } from './cache-file.js';
const VERSION = 1;

import { fingerprintSync, sameFingerprint, type Fingerprint } from '../shared/files/fingerprint.js';

export interface Fingerprints {
  registry: Fingerprint;
  schedule: Fingerprint;
  links: Fingerprint;
}

export interface IdleState {
  version: number;
  /** Everything the run's decisions depend on besides the files: zone, group, options. */
  settings: string;
  files: Fingerprints;
  /** When the next unposted row falls due (ms), or null when none is waiting. */
  nextDueMs: number | null;
}

/** Fingerprints the three places a run depends on. */
export function takeFingerprints(paths: Pick<Paths, 'registry' | 'schedule' | 'linksDir'>): Fingerprints {
  return { registry: fingerprintSync(paths.registry), schedule: fingerprintSync(paths.schedule), links: fingerprintSync(paths.linksDir) };
}

/** True when both sets name the same files in the same state. Pure. */
export function sameFingerprints(a: Fingerprints, b: Fingerprints): boolean {
  return sameFingerprint(a.registry, b.registry) && sameFingerprint(a.schedule, b.schedule) && sameFingerprint(a.links, b.links);
}

/** True when a run with these fingerprints and settings, at `now`, has nothing to do. Pure. */
export function canSkip(state: IdleState | null, files: Fingerprints, settings: string, now: Date): boolean {
  if (state === null || state.version !== VERSION || state.settings !== settings) return false;
  if (files.registry === null || files.schedule === null || !sameFingerprints(state.files, files)) return false;
  return state.nextDueMs === null || now.getTime() < state.nextDueMs;
}

/** Reads the state from `file` (Paths.idleState); null when missing or unreadable (then the run is simply a full one). */
export function readState(file: string): IdleState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as IdleState;
  } catch {
    return null;
  }
}

/** Records in `file` (Paths.idleState) that a run with these fingerprints had nothing to do. */
export async function writeState(file: string, state: Omit<IdleState, 'version'>): Promise<void> {
  writeNote(file, `${JSON.stringify({ version: VERSION, ...state })}\n`);
}
