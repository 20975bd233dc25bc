/**
 * When tg-handler reads and writes its ledger snapshot (ledger-snapshot.ts): read at start, under the
 * join log's lock, before anything else reads the file; written at a clean stop, and now and then
 * while running (off the request path: a timer, never a decision waiting for it).
 */
import { statSync } from 'node:fs';
import type { ResponseLog } from './append.js';
import type { LedgerFile, LogFold } from './ledger-file.js';
import { loadSnapshot, writeSnapshot } from './ledger-snapshot.js';
import type { SavedStart } from './log-reader.js';
import type { MembershipLog } from './membership-log.js';

/** How often the running bot looks whether a new snapshot is due. */
const CHECK_EVERY_MS = 10 * 60_000;
/** A snapshot is due once the log grew this much since the last one (about 100,000 rows)... */
const DUE_AFTER_BYTES = 16 << 20;
/** ...or once this long has passed and it grew at all. */
const DUE_AFTER_MS = 3600_000;
/** After a start that read the whole log, the first snapshot is written this soon (after start-up, not during it). */
const FIRST_AFTER_MS = 30_000;

/** A fold the snapshot carries: its state as JSON, and back. */
export interface SavedFold extends LogFold {
  /** The state folded so far, as JSON (small: it is written with every snapshot). */
  save(): unknown;
  /** Takes back what `save` gave (the state up to the snapshot's offset); false when it cannot. */
  restore(data: unknown): boolean;
}

/** tg-handler's ledger snapshot: `resume` at start, `save` at stop, `keepFresh` while running. */
export class LedgerCache {
  /** What start-up did, for the log: went on from the snapshot, or read the whole log and why. */
  outcome = 'not read yet';
  private savedSize = -1;
  private savedAt = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly cacheFile: string,
    private readonly logFile: string,
    private readonly clock: () => number = Date.now,
    private readonly folds: Record<string, SavedFold> = {},
  ) {}

  /** For ResponseLog.open: restores `source` from the snapshot when it is good for the file, and returns the log's part of it; else null. */
  async resume(source: LedgerFile): Promise<SavedStart | null> {
    const found = loadSnapshot(this.cacheFile, this.logFile);
    if ('reason' in found) {
      this.outcome = `read the whole join log: ${found.reason}`;
      return null;
    }
    const { ledger, position, saved, folds } = found.snapshot;
    for (const [name, fold] of Object.entries(this.folds)) {
      if (fold.restore(folds[name])) continue;
      for (const done of Object.values(this.folds)) done.reset();
      this.outcome = `read the whole join log: the snapshot's ${name} could not be used`;
      return null;
    }
    source.restore(ledger, position);
    this.savedSize = position.offset;
    this.savedAt = this.clock();
    this.outcome = `went on from the snapshot ${this.cacheFile} (${ledger.size} people, read from byte ${position.offset})`;
    return saved;
  }

  /** Writes a snapshot of the ledger as the file has it now and of `log`'s keys (see MembershipLog.snapshot). */
  save(members: MembershipLog, log: ResponseLog): Promise<void> {
    return members.snapshot((ledger, position) => {
      const folds = Object.fromEntries(Object.entries(this.folds).map(([name, fold]) => [name, fold.save()]));
      writeSnapshot(this.cacheFile, this.logFile, ledger, position, log.saved(), folds);
      this.savedSize = position.offset;
      this.savedAt = this.clock();
    });
  }

  /** Saves now and then while the bot runs (see the constants); `onError` hears a save that failed (the bot carries on). */
  keepFresh(members: MembershipLog, log: ResponseLog, onError: (error: unknown) => void): void {
    if (this.savedSize < 0) this.timers.push(setTimeout(() => void this.save(members, log).catch(onError), FIRST_AFTER_MS).unref());
    this.timers.push(setInterval(() => void this.saveIfDue(members, log).catch(onError), CHECK_EVERY_MS).unref());
  }

  /** Saves when due: the log grew 16 MiB since the last save, or an hour passed and it grew at all. Resolves true when it saved. */
  async saveIfDue(members: MembershipLog, log: ResponseLog): Promise<boolean> {
    let size: number;
    try {
      size = statSync(this.logFile).size;
    } catch {
      return false;
    }
    const grown = size - this.savedSize;
    if (this.savedSize < 0 || !(grown >= DUE_AFTER_BYTES || (grown !== 0 && this.clock() - this.savedAt >= DUE_AFTER_MS))) return false;
    await this.save(members, log);
    return true;
  }

  /** Stops the timers of `keepFresh`. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
