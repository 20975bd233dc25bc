/**
 * The every-minute run's shortcut: decide, before the configuration schema or any parser is loaded,
 * whether a run can have anything to do; and after a full run that had nothing to do, note so.
 * The decision itself is idle-state.ts's (pure); this module gathers what it is decided on.
 */
import { createHash } from 'node:crypto';
import { packageVersion } from '../shared/cli/cli.js';
import type { Paths } from '../shared/config/paths.js';
import type { RawSettings } from '../shared/config/load.js';
import { canSkip, readState, sameFingerprints, takeFingerprints, writeState, type Fingerprints } from './idle-state.js';

/** What an every-minute run is compared on: its settings' hash and the files' fingerprints at its start. */
export interface IdleCheck {
  settings: string;
  before: Fingerprints;
}

/**
 * Everything besides the files that a run's decisions depend on, as they were given: the arguments,
 * the folder, the settings from the environment, .env and --token-file, and this version of tg-get.
 * A hash, so the token is not in the file.
 */
export function settingsKey(argv: readonly string[], cwd: string, raw: RawSettings): string {
  const { BOT_TOKEN, CHAT_ID, TELEGRAM_API_ROOT, TZ } = raw.env;
  const inputs = [packageVersion(), argv, cwd, BOT_TOKEN, CHAT_ID, TELEGRAM_API_ROOT, TZ, raw.dotEnv, raw.tokenFromFile ?? null];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** Takes the fingerprints and settings an every-minute run starts with. */
export function startIdleCheck(argv: readonly string[], cwd: string, raw: RawSettings, paths: Paths): IdleCheck {
  return { settings: settingsKey(argv, cwd, raw), before: takeFingerprints(paths) };
}

/** True when the last run with nothing to do saw the same settings and files, and no post is due yet. */
export function nothingCanHaveChanged(check: IdleCheck, paths: Paths, now: Date): boolean {
  return canSkip(readState(paths.idleState), check.before, check.settings, now);
}

/**
 * Notes that this run had nothing to do, unless a file changed while it ran. `nextDueMs`: when the
 * next post falls due (null for none). Throws what writing the note throws.
 */
export async function noteIdle(check: IdleCheck, paths: Paths, nextDueMs: number | null): Promise<void> {
  if (!sameFingerprints(check.before, takeFingerprints(paths))) return;
  await writeState(paths.idleState, { settings: check.settings, files: check.before, nextDueMs });
}
