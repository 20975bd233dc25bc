/**
 * The invite registry as the running handler sees it: data/invite_data.txt, re-read whenever it
 * changed, so links tg-get adds while the handler runs are known without a restart. tg-get replaces
 * the file by rename, so a read never sees half a file; a change shows as a new inode, size or mtime.
 */
import { fingerprint, sameFingerprint, type Fingerprint } from '../shared/files/fingerprint.js';
import { indexRegistry, type Invite } from '../shared/registry/registry.js';
import { LinkIndex } from '../shared/registry/match.js';
import type { Logger } from '../shared/cli/log.js';
import { messageOf } from '../shared/errors.js';

/** How often at most the file is looked at while lookups keep finding their rows. */
export const CHECK_EVERY_MS = 1000;

/** Problems listed one by one after a change; the rest are counted. */
const MAX_LISTED_PROBLEMS = 10;

/** What the join-request handler asks of the registry. */
export interface Registry {
  /** The row for a join request's link: by full URL, else by link name. */
  lookup(link: string | undefined, name: string | undefined): Promise<Invite | undefined>;
}

export interface RegistryWatchOptions {
  /** The file's path and its name in messages. */
  file: string;
  name: string;
  zone: string;
  logger: Logger;
  /** Milliseconds of a monotonic clock, for the check interval; default performance.now. */
  clock?: () => number;
}

/** Keeps a LinkIndex of the registry fresh. */
export class RegistryWatch implements Registry {
  private index = new LinkIndex<Invite>([]);
  /** The version read last; undefined before the first look. */
  private seen: Fingerprint | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: RegistryWatchOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Reads the file for the first time (a missing file is a warning: every request is then unknown). */
  async start(): Promise<void> {
    await this.refresh(true);
  }

  /** How many rows with a link the index holds. */
  get size(): number {
    return this.index.size;
  }

  async lookup(link: string | undefined, name: string | undefined): Promise<Invite | undefined> {
    await this.refresh(false);
    const hit = this.index.find(link, name);
    if (hit !== undefined) return hit;
    // A miss may be a link tg-get made a moment ago: look at the file again, whatever the interval.
    await this.refresh(true);
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
    this.seen = print;
    if (print === null) {
      this.index = new LinkIndex<Invite>([]);
      logger.warn(`${name}: file not found; every join request is left to an admin until tg-get makes links (the handler notices the file without a restart)`);
      return;
    }
    try {
      const { index, problems, warnings } = await indexRegistry(file, name, zone);
      this.index = index;
      for (const warning of warnings) logger.warn(warning.message);
      for (const problem of problems.slice(0, MAX_LISTED_PROBLEMS)) logger.warn(`${problem.message} (this row is ignored until fixed)`);
      if (problems.length > MAX_LISTED_PROBLEMS) logger.warn(`${name}: ${problems.length - MAX_LISTED_PROBLEMS} more ${problems.length - MAX_LISTED_PROBLEMS === 1 ? 'row' : 'rows'} with problems; run tg-get to list them all`);
      logger.debug(`${name}: ${this.index.size} invite ${this.index.size === 1 ? 'link' : 'links'} known`);
    } catch (error) {
      // Keep the last good index: a request via a known link must not turn "unknown" over a bad save.
      logger.warn(`${messageOf(error)} (keeping the ${this.index.size} ${this.index.size === 1 ? 'link' : 'links'} read before)`);
    }
  }
}
