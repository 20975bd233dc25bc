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
import { qrFiles } from '../shared/cli/lazy.js';
import type { Paths } from '../shared/config/paths.js';
import { fingerprintSync, sameFingerprint, type Fingerprint } from '../shared/files/fingerprint.js';
import { rowObject } from '../shared/files/table.js';
import { TsvScanner, type TableRow } from '../shared/files/tsv.js';
import { formatPosition } from '../shared/errors.js';
import { LINE_CACHE_FILE, readLineCache, writeLineCache, type RegistryLines, type ScheduleLines, type StoredWarning } from './edit-cache.js';
import type { IdleCheck } from './idle-skip.js';
import { findRegion, hasLoneCr, lineStartsOf, takeSnapshot, type Region } from './line-diff.js';
import { LINK_STATE_FILE, readLinkState, type LinkState } from './link-state.js';
import { quickInvite, quickPost } from './quick-rows.js';
import { qrFileName } from './safe-name.js';

/** Most changed lines read this way: beyond that, or beyond a tenth of a big file, the full path is as quick. */
export const LINE_LIMIT = 1_000;

const limitFor = (lines: number): number => Math.min(LINE_LIMIT, Math.max(64, Math.floor(lines / 10)));

/** FNV-1a over a string's UTF-16 units: equal hashes of two ids send the run down the full path, so a collision costs time only. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const lineCacheFile = (paths: Pick<Paths, 'dataDir'>): string => path.join(paths.dataDir, LINE_CACHE_FILE);
const linkStateFile = (paths: Pick<Paths, 'dataDir'>): string => path.join(paths.dataDir, LINK_STATE_FILE);

/**
 * The changed lines' records, read by the one TSV reader after the file's own header; null when they
 * are not one record a line, or not UTF-8.
 */
function readRegion(bytes: Buffer, headerEnd: number, region: Region): { header: TableRow; rows: TableRow[] } | null {
  if (hasLoneCr(bytes, region.start, region.newEnd)) return null;
  let text: string;
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    text = decoder.decode(bytes.subarray(0, headerEnd)) + decoder.decode(bytes.subarray(region.start, region.newEnd));
  } catch {
    return null;
  }
  const rows: TableRow[] = [];
  let header: TableRow | undefined;
  const scanner = new TsvScanner('', (row, head) => {
    header = head;
    rows.push(row);
  });
  scanner.push(text, true);
  const frame = scanner.end();
  header ??= frame.header;
  // One record a line: a quoted cell over several lines makes fewer records than lines.
  if (rows.length !== lineStartsOf(bytes, region.start, region.newEnd).length) return null;
  if (rows.some((row, i) => row.line !== i + 2 || row.error !== undefined)) return null;
  return { header, rows };
}

/** The region of a file that changed, when it can be read line by line here; null: take the full path. */
function changedLines(snapshot: RegistryLines['snapshot'], bytes: Buffer) {
  const found = findRegion(snapshot, bytes);
  if (found === null) return { found, read: { header: null, rows: [] } };
  const { region } = found;
  const lines = snapshot.lineStarts.length;
  if (region.firstLine < 1 || lines < 2) return null;
  const read = readRegion(bytes, snapshot.lineStarts[1]!, region);
  if (read === null) return null;
  const limit = limitFor(lines);
  if (read.rows.length > limit || region.oldLines > limit) return null;
  return { found, read };
}

/** The warnings of the lines outside `region`, renumbered; the region's lines have none (a warned row takes the full path). */
function shiftWarnings(warnings: readonly StoredWarning[], region: Region, newLines: number): StoredWarning[] {
  const end = region.firstLine + region.oldLines;
  const shift = newLines - region.oldLines;
  // `line` is 1-based, the region's line indexes 0-based.
  return warnings.filter((w) => w.line - 1 < region.firstLine || w.line - 1 >= end).map((w) => (w.line - 1 >= end ? { ...w, line: w.line + shift } : w));
}

/** The messages the full path prints for `lines`' warnings. */
const warningMessages = (lines: Pick<RegistryLines, 'name' | 'warnings'>): string[] =>
  lines.warnings.map((w) => `${formatPosition({ file: lines.name, line: w.line, column: w.column, ...(w.field === undefined ? {} : { field: w.field }) })}: ${w.problem}`);

/** Splices `middle` into `old` in place of `region`'s old lines. */
function splice<T extends Uint8Array | Uint32Array | Float64Array>(old: T, region: Region, middle: T, make: (n: number) => T): T {
  const after = region.firstLine + region.oldLines;
  const out = make(region.firstLine + middle.length + old.length - after);
  out.set(old.subarray(0, region.firstLine), 0);
  out.set(middle, region.firstLine);
  out.set(old.subarray(after), region.firstLine + middle.length);
  return out;
}

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

/**
 * The registry's lines after the edit, when every changed line is a clean row whose link is current
 * (and whose QR files, in `qr`, are still to be checked); else null.
 */
function registryAfter(old: RegistryLines, read: Read, inputs: RegistryInputs, qr: QrCheck[]): RegistryLines | null {
  if (read.same) return old;
  const { bytes, fingerprint } = read;
  const changed = changedLines(old.snapshot, bytes);
  if (changed === null) return null;
  if (changed.found === null) return { ...old, fingerprint };
  const { region, headBlocks, tailFrom } = changed.found;
  const { header, rows } = changed.read;
  const count = rows.length;
  const kind = new Uint8Array(count);
  const ids = new Uint32Array(count);
  const links = new Uint32Array(count);
  const newIds = new Set<number>();
  const newLinks = new Set<number>();
  for (const [i, row] of rows.entries()) {
    if (row.blank) continue;
    const invite = quickInvite(rowObject({ header: header! }, row), inputs.zone);
    if (invite === undefined || invite.revoked || invite.link === '') return null;
    const told = inputs.linkState()[invite.link];
    if (told === undefined || told.revoked || told.expire !== invite.expire) return null;
    const png = path.join(inputs.linksDir, qrFileName(invite.id));
    if (path.dirname(png) !== path.resolve(inputs.linksDir)) return null;
    qr.push({ png, link: invite.link });
    kind[i] = 1;
    ids[i] = hash32(invite.id);
    links[i] = hash32(invite.link);
    if (newIds.has(ids[i]!)) return null;
    newIds.add(ids[i]!);
    newLinks.add(links[i]!);
  }
  const end = region.firstLine + region.oldLines;
  let entries = old.entries + newIds.size;
  for (let i = region.firstLine; i < end; i++) {
    if (old.kind[i] !== 1) continue;
    entries--;
    // A link no row has any more is dropped from data/.tg-get-links.json: the full path writes that.
    if (!newLinks.has(old.links[i]!)) return null;
  }
  if (newIds.size > 0) {
    for (let i = 0; i < old.kind.length; i++) if (old.kind[i] === 1 && (i < region.firstLine || i >= end) && newIds.has(old.ids[i]!)) return null;
  }
  if (entries <= 0) return null;
  return {
    snapshot: takeSnapshot(bytes, { old: old.snapshot, region, headBlocks, tailFrom }),
    fingerprint,
    name: old.name,
    warnings: shiftWarnings(old.warnings, region, count),
    kind: splice(old.kind, region, kind, (n) => new Uint8Array(n)),
    ids: splice(old.ids, region, ids, (n) => new Uint32Array(n)),
    links: splice(old.links, region, links, (n) => new Uint32Array(n)),
    entries,
  };
}

/** The schedule's lines after the edit, when every changed line is a clean row, posted, missed or waiting; else null. */
function scheduleAfter(old: ScheduleLines, read: Read, zone: string): ScheduleLines | null {
  if (read.same) return old;
  const { bytes, fingerprint } = read;
  const changed = changedLines(old.snapshot, bytes);
  if (changed === null) return null;
  if (changed.found === null) return { ...old, fingerprint };
  const { region, headBlocks, tailFrom } = changed.found;
  const { header, rows } = changed.read;
  const due = new Float64Array(rows.length).fill(Number.NaN);
  for (const [i, row] of rows.entries()) {
    if (row.blank) continue;
    const post = quickPost(rowObject({ header: header! }, row), zone);
    if (post === undefined || post.kind === 'other') return null;
    if (post.kind === 'waiting') due[i] = post.dueMs;
  }
  return {
    snapshot: takeSnapshot(bytes, { old: old.snapshot, region, headBlocks, tailFrom }),
    fingerprint,
    name: old.name,
    warnings: shiftWarnings(old.warnings, region, rows.length),
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
  const file = lineCacheFile(paths);
  const cache = readLineCache(file);
  if (cache === null || cache.settings !== check.settings) return null;
  if (!sameFingerprint(cache.linksDir, check.before.links) || !sameFingerprint(cache.linkState, fingerprintSync(linkStateFile(paths)))) return null;
  const registryRead = readFile(paths.registry, cache.registry.fingerprint, check.before.registry);
  const scheduleRead = readFile(paths.schedule, cache.schedule.fingerprint, check.before.schedule);
  if (registryRead === null || scheduleRead === null) return null;
  let state: LinkState | undefined;
  const qr: QrCheck[] = [];
  const registry = registryAfter(cache.registry, registryRead, { zone: cache.zone, linksDir: paths.linksDir, linkState: () => (state ??= readLinkState(linkStateFile(paths))) }, qr);
  if (registry === null) return null;
  if (qr.length > 0) {
    const { recordedLink, recordedSvgLink, svgFileOf } = await qrFiles();
    if (qr.some(({ png, link }) => recordedLink(png) !== link || recordedSvgLink(svgFileOf(png)) !== link)) return null;
  }
  const schedule = scheduleAfter(cache.schedule, scheduleRead, cache.zone);
  if (schedule === null) return null;
  const nextDueMs = nextDue(schedule.due, now.getTime());
  if (nextDueMs === undefined) return null;
  if (registry !== cache.registry || schedule !== cache.schedule) writeLineCache(file, { ...cache, registry, schedule });
  const changed = registry.snapshot !== cache.registry.snapshot || schedule.snapshot !== cache.schedule.snapshot;
  return { nextDueMs, changed, warnings: [...warningMessages(registry), ...warningMessages(schedule)], zone: cache.zone };
}
