/**
 * The invite registry as the running handler sees it: data/invite_data.txt, re-read whenever it
 * changed, so links tg-get adds while the handler runs are known without a restart. tg-get replaces
 * the file by rename, so it never shows half a file; but an editor or a spreadsheet may truncate it
 * and write it in pieces. A version that looks half-saved (changed within the last moment, and
 * ending in an unterminated line, or empty after having rows, or gone, or changing while read) is
 * not used: the last good registry stays, and a request that misses waits (bounded) for the file to
 * settle before it is decided. A file that has not changed for a moment is used as it is: a legacy
 * file may well lack its last line ending.
 */
import { open } from 'node:fs/promises';
import { fingerprint, sameFingerprint, type Fingerprint } from '../shared/files/fingerprint.js';
import { indexRegistry, type IndexedInvite } from '../shared/registry/registry.js';
import { LinkIndex } from '../shared/registry/match.js';
import type { Logger } from '../shared/cli/log.js';
import { messageOf } from '../shared/errors.js';

/** How often at most the file is looked at while lookups keep finding their rows. */
export const CHECK_EVERY_MS = 1000;

/** A file changed less than this long ago (by its mtime) may still be being written. */
export const QUIET_MS = 1000;
/** How long a request that misses waits at most for a half-saved file to settle, and how often it looks. */
export const SETTLE_MAX_MS = 2000;
export const SETTLE_STEP_MS = 100;

/** Problems listed one by one after a change; the rest are counted. */
const MAX_LISTED_PROBLEMS = 10;

/** What the join-request handler asks of the registry. */
export interface Registry {
  /**
   * The row for a join request's link: by full URL, else by link name. A hit while no look at the
   * file is due comes as it is (a burst looks up every request, and an await each was a promise and
   * a turn each), anything else as a promise.
   */
  lookup(link: string | undefined, name: string | undefined): IndexedInvite | Promise<IndexedInvite | undefined>;
}

export interface RegistryWatchOptions {
  /** The file's path and its name in messages. */
  file: string;
  name: string;
  zone: string;
  logger: Logger;
  /** Milliseconds of a monotonic clock, for the check interval; default performance.now. */
  clock?: () => number;
  /** Wall-clock milliseconds, compared with the file's mtime; default Date.now. */
  now?: () => number;
  /** Waits between looks at a half-saved file; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Whether the file's last byte ends a line (true for an empty file); undefined when it cannot be read. */
async function endsWithLineBreak(file: string): Promise<boolean | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size === 0) return true;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      return last[0] === 10 || last[0] === 13;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** Keeps a LinkIndex of the registry fresh. */
export class RegistryWatch implements Registry {
  private index = new LinkIndex<IndexedInvite>([]);
  /** The version read last; undefined before the first look. */
  private seen: Fingerprint | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly clock: () => number;
  /** Why the file on disk was not used at the last look (it looks half-saved), else undefined. */
  private unsettled: string | undefined;
  /** When (monotonic) the file was first seen missing after having rows. */
  private missingSince: number | undefined;
  private warnedUnsettled = false;

  constructor(private readonly options: RegistryWatchOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Reads the file for the first time (a missing file is a warning: every request is then unknown). */
  async start(): Promise<void> {
    await this.refresh(true);
  }

  /** The usable rows as last read (revoked rows and later rows with a taken id left out), in file order. */
  rows(): IndexedInvite[] {
    return this.index.rows();
  }

  /** How many rows with a link the index holds. */
  get size(): number {
    return this.index.size;
  }

  lookup(link: string | undefined, name: string | undefined): IndexedInvite | Promise<IndexedInvite | undefined> {
    // A hit while no look at the file is due or under way (what refresh(false) would then skip)
    // takes no async step: a burst looks up every join request.
    if (this.refreshing === undefined && this.clock() - this.lastCheck < CHECK_EVERY_MS) {
      const hit = this.index.find(link, name);
      if (hit !== undefined) return hit;
    }
    return this.lookupAfterRefresh(link, name);
  }

  private async lookupAfterRefresh(link: string | undefined, name: string | undefined): Promise<IndexedInvite | undefined> {
    await this.refresh(false);
    const hit = this.index.find(link, name);
    if (hit !== undefined) return hit;
    // A miss may be a link tg-get made a moment ago: look at the file again, whatever the interval.
    await this.refresh(true);
    // A miss while the file is half-saved: wait for the rest of it before deciding.
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let waited = 0; this.unsettled !== undefined && waited < SETTLE_MAX_MS; waited += SETTLE_STEP_MS) {
      const found = this.index.find(link, name);
      if (found !== undefined) return found;
      await sleep(SETTLE_STEP_MS);
      await this.refresh(true);
    }
    if (this.unsettled !== undefined && !this.warnedUnsettled) {
      this.warnedUnsettled = true;
      this.options.logger.warn(`${this.options.name}: ${this.unsettled} for over ${SETTLE_MAX_MS / 1000} s; deciding with the ${this.index.size} link(s) read before`);
    }
    return this.index.find(link, name);
  }

  /** Re-reads the file when its fingerprint changed; checks at most once per interval unless forced. */
  refresh(force: boolean): Promise<void> {
    if (this.refreshing !== undefined) return this.refreshing;
    if (!force && this.clock() - this.lastCheck < CHECK_EVERY_MS) return Promise.resolve();
    this.refreshing = this.reloadIfChanged().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reloadIfChanged(): Promise<void> {
    this.lastCheck = this.clock();
    const { file, name, zone, logger } = this.options;
    let print: Fingerprint;
    try {
      print = await fingerprint(file);
    } catch (error) {
      logger.warn(`${name}: ${messageOf(error)} (keeping the ${this.index.size} ${this.index.size === 1 ? 'link' : 'links'} read before)`);
      return;
    }
    if (this.seen !== undefined && sameFingerprint(print, this.seen)) return;
    if (print === null && this.index.size > 0) {
      // Gone after having rows: an editor may delete before it writes. Keep the links a moment.
      this.missingSince ??= this.lastCheck;
      if (this.lastCheck - this.missingSince < QUIET_MS) return this.setUnsettled('is missing for a moment (being saved?)');
    }
    this.missingSince = undefined;
    if (print === null) {
      this.seen = print;
      this.setSettled();
      this.index = new LinkIndex<IndexedInvite>([]);
      logger.warn(`${name}: file not found; every join request is left to an admin until tg-get makes links (the handler notices the file without a restart)`);
      return;
    }
    try {
      const whole = await endsWithLineBreak(file);
      const { index, problems, warnings } = await indexRegistry(file, name, zone);
      const after = await fingerprint(file);
      const fresh = (this.options.now ?? Date.now)() - print.mtimeMs < QUIET_MS;
      if (!sameFingerprint(print, after)) return this.setUnsettled('changed while it was read (being saved?)');
      if (fresh && whole === false) return this.setUnsettled('ends in an unfinished line and was changed a moment ago (being saved?)');
      if (fresh && index.size === 0 && this.index.size > 0) return this.setUnsettled('has no links left and was changed a moment ago (being saved?)');
      this.seen = print;
      this.setSettled();
      this.index = index;
      for (const warning of warnings) logger.warn(warning.message);
      for (const problem of problems.slice(0, MAX_LISTED_PROBLEMS)) logger.warn(`${problem.message} (this row is ignored until fixed)`);
      if (problems.length > MAX_LISTED_PROBLEMS) logger.warn(`${name}: ${problems.length - MAX_LISTED_PROBLEMS} more ${problems.length - MAX_LISTED_PROBLEMS === 1 ? 'row' : 'rows'} with problems; run tg-get to list them all`);
      logger.debug(`${name}: ${this.index.size} invite ${this.index.size === 1 ? 'link' : 'links'} known`);
    } catch (error) {
      // Keep the last good index: a request via a known link must not turn "unknown" over a bad save.
      this.seen = print;
      logger.warn(`${messageOf(error)} (keeping the ${this.index.size} ${this.index.size === 1 ? 'link' : 'links'} read before)`);
    }
  }

  /** The file on disk is not used (the version read last stays); the next look reads it again. */
  private setUnsettled(why: string): void {
    if (this.unsettled === undefined) this.options.logger.debug(`${this.options.name}: ${why}; keeping the ${this.index.size} link(s) read before`);
    this.unsettled = why;
  }

  private setSettled(): void {
    this.unsettled = undefined;
    this.warnedUnsettled = false;
  }
}
