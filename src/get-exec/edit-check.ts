/**
 * tg-get right after an edit: the every-minute run whose files changed since the last run that had
 * nothing to do. Instead of reading and checking every row and opening every QR file, it reads only
 * the lines that changed (line-diff.ts) against what that run learnt of each line (edit-cache.ts),
 * and answers "still nothing to do" or "don't know". Anything it does not know for sure sends the run
 * down the full path, which then gives every message, warning and exit code exactly as without the
 * cache: a changed line that is not a clean, finished row (bad, warned about, needing a link, a QR
 * code, a revocation, a send), an id or link another line has, a header, setting, LINKS/ or
 * data/.tg-get-links.json that changed, a changed range over LINE_LIMIT lines, a record spread over
 * several lines, a line break that is a lone CR, bytes that are not UTF-8. Loads no zod.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { qrFiles, quickRows } from '../shared/cli/lazy.js';
import type { Paths } from '../shared/config/paths.js';
import { fingerprintSync, sameFingerprint, type Fingerprint } from '../shared/files/fingerprint.js';
import { rowObject } from '../shared/files/table.js';
import type { TableRow } from '../shared/files/tsv.js';
import { formatPosition } from '../shared/errors.js';
import { changedLines, hash32, splice, warned, warningsAfter, type ChangedLines } from './changed-lines.js';
import { readLineCache, REGISTRY_CACHE_FILE, SCHEDULE_CACHE_FILE, writeLineCache, type CacheFiles, type RegistryLines, type ScheduleLines } from './edit-cache.js';
import type { IdleCheck } from './idle-skip.js';
import { takeSnapshot } from './line-diff.js';
import { LINK_STATE_FILE, readLinkState, type LinkState } from './link-state.js';
import { qrFileName } from './safe-name.js';

/**
 * The cells a registry row's facts for the check come from (id, link, dates, limit, status), as one
 * hash: an edited line with the same key is the same row for tg-get (its other cells are any text).
 */
export const registryKey = (values: Readonly<Record<string, string | undefined>>): number =>
  hash32([values.id, values.link, values.dt_create, values.dt_expire, values.max_members ?? '\u0001', values.link_status ?? '\u0001'].join('\u0000')) || 1;

/** The cells a schedule row's state comes from: its time, status and sending time. */
export const scheduleKey = (values: Readonly<Record<string, string | undefined>>): number =>
  hash32([values.dt_time ?? '', values.post_status ?? '', values.dt_posted ?? ''].join('\u0000')) || 1;

export const cacheFiles = (paths: Pick<Paths, 'dataDir'>): CacheFiles => ({ registry: path.join(paths.dataDir, REGISTRY_CACHE_FILE), schedule: path.join(paths.dataDir, SCHEDULE_CACHE_FILE) });
const linkStateFile = (paths: Pick<Paths, 'dataDir'>): string => path.join(paths.dataDir, LINK_STATE_FILE);

const rowValues = (header: TableRow, row: TableRow) => rowObject({ header }, row);

/** The messages the full path prints for `lines`' warnings. */
const warningMessages = (lines: Pick<RegistryLines, 'name' | 'warnings'>): string[] =>
  lines.warnings.map((w) => `${formatPosition({ file: lines.name, line: w.line, column: w.column, ...(w.field === undefined ? {} : { field: w.field }) })}: ${w.problem}`);

interface RegistryInputs {
  zone: string;
  linksDir: string;
  /** Read on first use: only a changed registry line needs it. */
  linkState: () => LinkState;
}

/** A changed registry line's QR files, to be checked for its link. */
interface QrCheck {
  png: string;
  link: string;
}

/** What both files' lines share after the edit: the renewed snapshot, the warnings, and each line's hash and key. */
function renewed(old: RegistryLines | ScheduleLines, bytes: Buffer, fingerprint: Fingerprint, changed: ChangedLines, keys: Uint32Array) {
  const { region, headBlocks, tailFrom } = changed.found;
  return {
    snapshot: takeSnapshot(bytes, { old: old.snapshot, region, headBlocks, tailFrom }),
    fingerprint,
    name: old.name,
    warnings: warningsAfter(old.warnings, changed),
    hashes: splice(old.hashes, region, changed.hashes, (n) => new Uint32Array(n)),
    keys: splice(old.keys, region, keys, (n) => new Uint32Array(n)),
  };
}

/**
 * The registry's lines after the edit, when every changed line is a clean row whose link is current
 * (and whose QR files, in `qr`, are still to be checked); else null.
 */
async function registryAfter(old: RegistryLines, read: Read, inputs: RegistryInputs, qr: QrCheck[]): Promise<RegistryLines | null> {
  if (read.same) return old;
  const { bytes, fingerprint } = read;
  const changed = changedLines(old.snapshot, old.hashes, bytes);
  if (changed === null) return null;
  if (changed === undefined) return { ...old, fingerprint };
  const { region, headBlocks, tailFrom } = changed.found;
  const count = changed.rows.length;
  const kind = new Uint8Array(count);
  const ids = new Uint32Array(count);
  const links = new Uint32Array(count);
  const keys = new Uint32Array(count);
  const fresh = new Set<number>();
  for (const [i, row] of changed.rows.entries()) {
    const same = changed.same[i]!;
    const was = same >= 0 ? same : changed.paired[i]!;
    const values = same >= 0 || row.blank ? undefined : rowValues(changed.header, row);
    const key = same >= 0 ? old.keys[same]! : values === undefined ? 0 : registryKey(values);
    // The same bytes, or the same row for tg-get (its id, link, dates, status): what was checked of it holds.
    if (same >= 0 || (was >= 0 && old.keys[was] !== 0 && key === old.keys[was] && !warned(old.warnings, was))) {
      kind[i] = old.kind[was]!;
      ids[i] = old.ids[was]!;
      links[i] = old.links[was]!;
      keys[i] = key;
      continue;
    }
    if (values === undefined) continue;
    const invite = (await quickRows()).quickInvite(values, inputs.zone);
    if (invite === undefined || invite.revoked || invite.link === '') return null;
    const told = inputs.linkState()[invite.link];
    if (told === undefined || told.revoked || told.expire !== invite.expire) return null;
    const png = path.join(inputs.linksDir, qrFileName(invite.id));
    if (path.dirname(png) !== path.resolve(inputs.linksDir)) return null;
    qr.push({ png, link: invite.link });
    kind[i] = 1;
    ids[i] = hash32(invite.id);
    links[i] = hash32(invite.link);
    keys[i] = key;
    fresh.add(i);
  }
  const end = region.firstLine + region.oldLines;
  const regionLinks = new Set<number>();
  let entries = old.entries;
  for (let i = 0; i < count; i++) if (kind[i] === 1) (entries++, regionLinks.add(links[i]!));
  for (let i = region.firstLine; i < end; i++) {
    if (old.kind[i] !== 1) continue;
    entries--;
    // A link no row has any more is dropped from data/.tg-get-links.json: the full path writes that.
    if (!regionLinks.has(old.links[i]!)) return null;
  }
  if (entries <= 0) return null;
  const after = {
    ...renewed(old, bytes, fingerprint, changed, keys),
    kind: splice(old.kind, region, kind, (n) => new Uint8Array(n)),
    ids: splice(old.ids, region, ids, (n) => new Uint32Array(n)),
    links: splice(old.links, region, links, (n) => new Uint32Array(n)),
    entries,
  };
  // An id must name one row: a freshly read row's id may not be any other row's.
  if (fresh.size > 0) {
    const freshIds = new Set([...fresh].map((i) => ids[i]!));
    let seen = 0;
    for (let i = 0; i < after.kind.length; i++) if (after.kind[i] === 1 && freshIds.has(after.ids[i]!)) seen++;
    if (seen !== freshIds.size || freshIds.size !== fresh.size) return null;
  }
  return after;
}

/** The schedule's lines after the edit, when every changed line is a clean row, posted, missed or waiting; else null. */
async function scheduleAfter(old: ScheduleLines, read: Read, zone: string): Promise<ScheduleLines | null> {
  if (read.same) return old;
  const { bytes, fingerprint } = read;
  const changed = changedLines(old.snapshot, old.hashes, bytes);
  if (changed === null) return null;
  if (changed === undefined) return { ...old, fingerprint };
  const { region, headBlocks, tailFrom } = changed.found;
  const due = new Float64Array(changed.rows.length).fill(Number.NaN);
  const keys = new Uint32Array(changed.rows.length);
  for (const [i, row] of changed.rows.entries()) {
    const same = changed.same[i]!;
    if (same >= 0) {
      due[i] = old.due[same]!;
      keys[i] = old.keys[same]!;
      continue;
    }
    if (row.blank) continue;
    const values = rowValues(changed.header, row);
    keys[i] = scheduleKey(values);
    const was = changed.paired[i]!;
    if (was >= 0 && old.keys[was] !== 0 && keys[i] === old.keys[was] && !warned(old.warnings, was)) {
      // Its time and status are as they were, and were read then: only the one rule on the other cells is left.
      if ((values.text ?? '').trim() === '' && (values.file_path ?? '').trim() === '') return null;
      due[i] = old.due[was]!;
      continue;
    }
    const post = (await quickRows()).quickPost(values, zone);
    if (post === undefined || post.kind === 'other') return null;
    if (post.kind === 'waiting') due[i] = post.dueMs;
  }
  return {
    ...renewed(old, bytes, fingerprint, changed, keys),
    due: splice(old.due, region, due, (n) => new Float64Array(n)),
  };
}

/** When the first waiting post falls due (ms), null for none; undefined when one is due by `now` (the full path sends it). */
function nextDue(due: Float64Array, now: number): number | null | undefined {
  let next = Number.POSITIVE_INFINITY;
  for (let i = 0; i < due.length; i++) if (due[i]! < next) next = due[i]!;
  if (next === Number.POSITIVE_INFINITY) return null;
  return next > now ? next : undefined;
}

/** A data file as this run sees it: the same version the cache was written for, or its bytes now. */
type Read = { same: true } | { same: false; bytes: Buffer; fingerprint: Fingerprint };

/**
 * Reads `file` unless its fingerprint at the run's start is the one the cache was written for (the
 * idle note's rule: the same inode, size and time mean the same bytes). The bytes read get that
 * fingerprint only when the file did not change while being read; null when it cannot be read.
 */
function readFile(file: string, known: Fingerprint, before: Fingerprint): Read | null {
  if (known !== null && sameFingerprint(known, before)) return { same: true };
  try {
    const bytes = readFileSync(file);
    return { same: false, bytes, fingerprint: sameFingerprint(before, fingerprintSync(file)) ? before : null };
  } catch {
    return null;
  }
}

/** What the after-an-edit check found: nothing to do, with the warnings the full path would print. */
export interface EditCheck {
  nextDueMs: number | null;
  /** False when both files hold what they held (only their time stamps changed). */
  changed: boolean;
  /** The full path's warnings about usable rows, registry first, each as its message. */
  warnings: string[];
  /** The zone of the run that wrote the cache (the settings are the same), for the log's time stamps. */
  zone: string;
}

/**
 * The after-an-edit check (see the module's comment). Returns when the next post falls due when the
 * run has nothing to do, after updating the cache to the files as they are now; null when only the
 * full path can tell.
 */
export async function checkEdits(check: IdleCheck, paths: Paths, now: Date): Promise<EditCheck | null> {
  const files = cacheFiles(paths);
  const cache = readLineCache(files);
  if (cache === null || cache.settings !== check.settings) return null;
  if (!sameFingerprint(cache.linksDir, check.before.links) || !sameFingerprint(cache.linkState, fingerprintSync(linkStateFile(paths)))) return null;
  const registryRead = readFile(paths.registry, cache.registry.fingerprint, check.before.registry);
  const scheduleRead = readFile(paths.schedule, cache.schedule.fingerprint, check.before.schedule);
  if (registryRead === null || scheduleRead === null) return null;
  let state: LinkState | undefined;
  const qr: QrCheck[] = [];
  const registry = await registryAfter(cache.registry, registryRead, { zone: cache.zone, linksDir: paths.linksDir, linkState: () => (state ??= readLinkState(linkStateFile(paths))) }, qr);
  if (registry === null) return null;
  if (qr.length > 0) {
    const { recordedLink, recordedSvgLink, svgFileOf } = await qrFiles();
    if (qr.some(({ png, link }) => recordedLink(png) !== link || recordedSvgLink(svgFileOf(png)) !== link)) return null;
  }
  const schedule = await scheduleAfter(cache.schedule, scheduleRead, cache.zone);
  if (schedule === null) return null;
  const nextDueMs = nextDue(schedule.due, now.getTime());
  if (nextDueMs === undefined) return null;
  if (registry !== cache.registry || schedule !== cache.schedule) writeLineCache(files, { ...cache, registry, schedule }, { registry: registry !== cache.registry, schedule: schedule !== cache.schedule });
  const changed = registry.snapshot !== cache.registry.snapshot || schedule.snapshot !== cache.schedule.snapshot;
  return { nextDueMs, changed, warnings: [...warningMessages(registry), ...warningMessages(schedule)], zone: cache.zone };
}
