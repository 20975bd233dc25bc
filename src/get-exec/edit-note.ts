/**
 * After a full run that had nothing to do: writes the after-an-edit cache (edit-cache.ts) from the
 * rows that run read, so that the next run after an edit reads only the changed lines
 * (edit-check.ts). Only a clean run is noted: no row with a problem, every record on
 * one line, no lone CR, at least one usable registry row, and the files unchanged since the run began.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Paths } from '../shared/config/paths.js';
import type { Loaded } from '../shared/files/data-file.js';
import { rowObject } from '../shared/files/table.js';
import { fingerprintSync, sameFingerprint } from '../shared/files/fingerprint.js';
import type { Invite } from '../shared/registry/registry.js';
import type { ScheduledPost } from '../shared/schedule/schedule.js';
import { writeLineCache, type RegistryLines, type ScheduleLines, type StoredWarning } from './edit-cache.js';
import { hash32, lineHashes } from './changed-lines.js';
import { cacheFiles, registryKey, scheduleKey } from './edit-check.js';
import type { IdleCheck } from './idle-skip.js';
import { takeFingerprints, sameFingerprints } from './idle-state.js';
import { hasLoneCr, takeSnapshot, type Snapshot } from './line-diff.js';
import { LINK_STATE_FILE } from './link-state.js';

/** What the run read of both files. */
export interface CheckedFiles {
  registry: Loaded<Invite>;
  schedule: Loaded<ScheduledPost>;
}

/** The snapshot of a file whose every record is one line, as `loaded` read it; null otherwise. */
function snapshotOf(bytes: Buffer, loaded: Loaded<unknown>): Snapshot | null {
  if (loaded.problems.length > 0 || hasLoneCr(bytes)) return null;
  const snapshot = takeSnapshot(bytes);
  const { table } = loaded;
  if (table.header.line !== 1 || table.header.raw === null || table.rows.length + 1 !== snapshot.lineStarts.length) return null;
  for (const [i, row] of table.rows.entries()) if (row.line !== i + 2) return null;
  return snapshot;
}

/** The warnings the full path prints about `loaded`'s usable rows, to be printed again. */
const warningsOf = (loaded: Loaded<unknown>): StoredWarning[] =>
  loaded.warnings.map(({ position, problem }) => ({ line: position.line, column: position.column, ...(position.field === undefined ? {} : { field: position.field }), problem }));

/**
 * Writes the cache for the files `checked` holds when the run can be noted (see the module's
 * comment); removes nothing and does nothing otherwise. Throws what writing throws.
 */
export function noteLines(check: IdleCheck, paths: Paths, zone: string, checked: CheckedFiles): void {
  const registryBytes = readFileSync(paths.registry);
  const scheduleBytes = readFileSync(paths.schedule);
  // The bytes must be those the run read: the same fingerprints as when it began.
  if (!sameFingerprints(check.before, takeFingerprints(paths))) return;
  const registrySnapshot = snapshotOf(registryBytes, checked.registry);
  const scheduleSnapshot = snapshotOf(scheduleBytes, checked.schedule);
  if (registrySnapshot === null || scheduleSnapshot === null || checked.registry.entries.length === 0) return;
  const lines = registrySnapshot.lineStarts.length;
  const registry: RegistryLines = {
    snapshot: registrySnapshot,
    hashes: lineHashes(registryBytes, registrySnapshot.lineStarts, registryBytes.length),
    keys: new Uint32Array(lines),
    fingerprint: check.before.registry, name: checked.registry.table.file, warnings: warningsOf(checked.registry), kind: new Uint8Array(lines), ids: new Uint32Array(lines), links: new Uint32Array(lines), entries: checked.registry.entries.length };
  for (const { row, value } of checked.registry.entries) {
    registry.kind[row.line - 1] = 1;
    registry.ids[row.line - 1] = hash32(value.id);
    registry.links[row.line - 1] = hash32(value.link.trim());
    registry.keys[row.line - 1] = registryKey(rowObject(checked.registry.table, row));
  }
  const scheduleLines = scheduleSnapshot.lineStarts.length;
  const schedule: ScheduleLines = {
    snapshot: scheduleSnapshot,
    hashes: lineHashes(scheduleBytes, scheduleSnapshot.lineStarts, scheduleBytes.length),
    keys: new Uint32Array(scheduleLines),
    fingerprint: check.before.schedule, name: checked.schedule.table.file, warnings: warningsOf(checked.schedule), due: new Float64Array(scheduleSnapshot.lineStarts.length).fill(Number.NaN) };
  for (const { row, value } of checked.schedule.entries) {
    schedule.keys[row.line - 1] = scheduleKey(rowObject(checked.schedule.table, row));
    if (value.post_status === '') schedule.due[row.line - 1] = value.dt_time.getTime();
    else if (value.post_status !== 'posted' && value.post_status !== 'missed') return;
  }
  const linkState = fingerprintSync(path.join(paths.dataDir, LINK_STATE_FILE));
  if (!sameFingerprint(check.before.links, fingerprintSync(paths.linksDir))) return;
  writeLineCache(cacheFiles(paths), { settings: check.settings, zone, linksDir: check.before.links, linkState, registry, schedule });
}
