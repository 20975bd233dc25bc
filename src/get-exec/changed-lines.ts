/**
 * The changed range of a data file (line-diff.ts), read line by line for the after-an-edit check
 * (edit-check.ts): its records by the one TSV reader, and which of its lines are the same bytes as an
 * old line (kept from the cache, not read again) or an old line edited in place (paired with it, so
 * that a row whose dates did not change needs no date read).
 */
import { TsvScanner, type TableRow } from '../shared/files/tsv.js';
import type { StoredWarning } from './edit-cache.js';
import { findRegion, hasLoneCr, lineStartsOf, type Found, type Region, type Snapshot } from './line-diff.js';

/** Most changed lines read this way: beyond that, or beyond a tenth of a big file, the full path is as quick. */
export const LINE_LIMIT = 1_000;

const limitFor = (lines: number): number => Math.min(LINE_LIMIT, Math.max(64, Math.floor(lines / 10)));

/** FNV-1a over a string's UTF-16 units: equal hashes of two ids send the run down the full path, so a collision costs time only. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a over bytes [from, to): a line's hash, never 0 (0 marks "no key" in the cache). */
export function hashBytes(bytes: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0 || 1;
}

/** The hashes of the lines that start at `starts` (the last one ending at `end`). */
export function lineHashes(bytes: Buffer, starts: ArrayLike<number>, end: number): Uint32Array {
  const out = new Uint32Array(starts.length);
  for (let i = 0; i < starts.length; i++) out[i] = hashBytes(bytes, starts[i]!, i + 1 < starts.length ? starts[i + 1]! : end);
  return out;
}

/** The changed range as lines. `rows[i]` is new line i's record; `same[i]`/`paired[i]` the old line index, or -1. */
export interface ChangedLines {
  found: NonNullable<Found>;
  header: TableRow;
  rows: TableRow[];
  hashes: Uint32Array;
  /** The old line with the same bytes (before or after the edited lines), or -1. */
  same: Int32Array;
  /** The old line this one replaced in place (as many lines edited as before), or -1. */
  paired: Int32Array;
}

/** The records of the range, after the file's header; null when they are not one a line, or not UTF-8. */
function readRecords(bytes: Buffer, headerEnd: number, region: Region, lines: number): { header: TableRow; rows: TableRow[] } | null {
  if (hasLoneCr(bytes, region.start, region.newEnd)) return null;
  let text: string;
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    text = decoder.decode(bytes.subarray(0, headerEnd)) + decoder.decode(bytes.subarray(region.start, region.newEnd));
  } catch {
    return null;
  }
  const rows: TableRow[] = [];
  const scanner = new TsvScanner('', (row) => rows.push(row));
  scanner.push(text, true);
  const { header } = scanner.end();
  // One record a line: a quoted cell over several lines makes fewer records than lines.
  if (rows.length !== lines || rows.some((row, i) => row.line !== i + 2 || row.error !== undefined)) return null;
  return { header, rows };
}

/**
 * What changed in `bytes` since `snapshot` (whose lines hashed to `oldHashes`): undefined when
 * nothing did, null when the check cannot read it line by line (the full path then does).
 */
export function changedLines(snapshot: Snapshot, oldHashes: Uint32Array, bytes: Buffer): ChangedLines | null | undefined {
  const found = findRegion(snapshot, bytes);
  if (found === null) return undefined;
  const { region } = found;
  const total = snapshot.lineStarts.length;
  if (region.firstLine < 1 || total < 2) return null;
  const starts = lineStartsOf(bytes, region.start, region.newEnd);
  const limit = limitFor(total);
  if (starts.length > limit || region.oldLines > limit) return null;
  const read = readRecords(bytes, snapshot.lineStarts[1]!, region, starts.length);
  if (read === null) return null;
  const hashes = lineHashes(bytes, starts, region.newEnd);
  const n = starts.length;
  const first = region.firstLine;
  let a = 0;
  while (a < n && a < region.oldLines && hashes[a] === oldHashes[first + a]) a++;
  let b = 0;
  while (b < n - a && b < region.oldLines - a && hashes[n - 1 - b] === oldHashes[first + region.oldLines - 1 - b]) b++;
  const same = new Int32Array(n).fill(-1);
  const paired = new Int32Array(n).fill(-1);
  for (let i = 0; i < a; i++) same[i] = first + i;
  for (let i = 0; i < b; i++) same[n - 1 - i] = first + region.oldLines - 1 - i;
  if (n - b - a === region.oldLines - b - a) for (let i = a; i < n - b; i++) paired[i] = first + i;
  return { found, header: read.header, rows: read.rows, hashes, same, paired };
}

/** Splices `middle` into `old` in place of `region`'s old lines. */
export function splice<T extends Uint8Array | Uint32Array | Float64Array>(old: T, region: Region, middle: T, make: (n: number) => T): T {
  const after = region.firstLine + region.oldLines;
  const out = make(region.firstLine + middle.length + old.length - after);
  out.set(old.subarray(0, region.firstLine), 0);
  out.set(middle, region.firstLine);
  out.set(old.subarray(after), region.firstLine + middle.length);
  return out;
}

/**
 * The warnings after the edit: those of lines before the range as they were, those of lines after it
 * and of the range's unchanged lines renumbered. The range's other lines have none (a row with a
 * warning is not taken by the check). Lines are 1-based in warnings, 0-based in the range.
 */
export function warningsAfter(warnings: readonly StoredWarning[], changed: ChangedLines): StoredWarning[] {
  const { region } = changed.found;
  const end = region.firstLine + region.oldLines;
  const moved = changed.rows.length - region.oldLines;
  const kept = new Map<number, number>();
  changed.same.forEach((old, i) => {
    if (old >= 0) kept.set(old, region.firstLine + i);
  });
  const out: StoredWarning[] = [];
  for (const w of warnings) {
    const old = w.line - 1;
    if (old < region.firstLine) out.push(w);
    else if (old >= end) out.push({ ...w, line: w.line + moved });
    else if (kept.has(old)) out.push({ ...w, line: kept.get(old)! + 1 });
  }
  return out;
}

/** True when old line `index` has a warning. */
export const warned = (warnings: readonly StoredWarning[], index: number): boolean => warnings.some((w) => w.line - 1 === index);
