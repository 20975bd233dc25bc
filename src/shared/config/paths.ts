/**
 * Where everything is: the three folders (defaults written here, once) and the full paths of the
 * files in them, resolved once per run against the working directory. Loads no zod, so tg-get's
 * idle check can use it before the configuration schema is loaded.
 */
import path from 'node:path';
import { INVITE_FILE, RESPONSE_FILE, SCHEDULE_FILE } from '../files/names.js';

/** The folders, relative to the working directory, when --data-dir, --assets-dir, --links-dir are not given. */
export const DEFAULT_DIRS = { dataDir: 'data', assetsDir: 'assets', linksDir: 'LINKS' } as const;

/** tg-get's note of its last idle run (see get-exec/idle-state.ts), in the data folder: LINKS/ is fingerprinted itself. */
export const IDLE_STATE_FILE = '.tg-get-state.json';

/** tg-handler's snapshot of the join log's ledger and recent keys (shared/join-log/ledger-snapshot.ts), in the data folder: a cache, safe to delete. */
export const LEDGER_CACHE_FILE = '.tg-handler-ledger';

/** The three folders, absolute. */
export interface Dirs {
  dataDir: string;
  assetsDir: string;
  linksDir: string;
}

/** The folders and the files in them, all absolute. */
export interface Paths extends Dirs {
  /** The registry of invite links, invite_data.txt. */
  registry: string;
  /** The posts, text_schedule.txt. */
  schedule: string;
  /** Who joined through which link, responde_data.txt. */
  joinLog: string;
  /** tg-get's idle note. */
  idleState: string;
  /** tg-handler's ledger snapshot. */
  ledgerCache: string;
}

/** Resolves the folders given (commander's option names) against `cwd`; missing ones get DEFAULT_DIRS. Pure. */
export function resolveDirs(options: { dataDir?: string | undefined; assetsDir?: string | undefined; linksDir?: string | undefined }, cwd: string): Dirs {
  return {
    dataDir: path.resolve(cwd, options.dataDir ?? DEFAULT_DIRS.dataDir),
    assetsDir: path.resolve(cwd, options.assetsDir ?? DEFAULT_DIRS.assetsDir),
    linksDir: path.resolve(cwd, options.linksDir ?? DEFAULT_DIRS.linksDir),
  };
}

/** The full paths of the data files in `dirs`. Pure. */
export function pathsOf(dirs: Dirs): Paths {
  const { dataDir, assetsDir, linksDir } = dirs;
  return {
    dataDir,
    assetsDir,
    linksDir,
    registry: path.join(dataDir, INVITE_FILE),
    schedule: path.join(dataDir, SCHEDULE_FILE),
    joinLog: path.join(dataDir, RESPONSE_FILE),
    idleState: path.join(dataDir, IDLE_STATE_FILE),
    ledgerCache: path.join(dataDir, LEDGER_CACHE_FILE),
  };
}
