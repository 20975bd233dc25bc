/**
 * Which lines of a data file changed since a run checked it, without a copy of the old file: the run
 * keeps a `Snapshot` (a hash of each block of the file and where each line starts). The next run
 * hashes the new file's blocks from the start until one differs, and, since one edit moves what
 * follows it by the change in size, the old blocks from the end, shifted by that much, until one
 * differs. What lies between, widened to whole lines, is the changed range, in the old file and in
 * the new. Only those lines need reading; the lines before keep their number, those after shift by
 * the difference. Pure (hashing aside, which is node:crypto).
 */
import { createHash } from 'node:crypto';

/** Bytes of a block hash (SHA-1, cut): enough to tell edits apart, not meant against an adversary. */
const HASH_BYTES = 16;

/** A file as a run last checked it. */
export interface Snapshot {
  blockBytes: number;
  size: number;
  /** Hashes of the blocks (the last may be short), HASH_BYTES each. */
  head: Buffer;
  /** Byte offset where each line starts; line 0 is the header. A line ends after its LF. */
  lineStarts: Uint32Array;
  /** The first line's bytes (with its LF): the header, which a small file's first block would otherwise always include. */
  header: Buffer;
}

/** The changed lines: old lines [firstLine, firstLine + oldLines) became the new file's bytes [start, newEnd). */
export interface Region {
  firstLine: number;
  oldLines: number;
  /** Where the changed lines start (the same in both files) and end, in the old file and in the new. */
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Block size for a file of `size` bytes: about 1,000 blocks, between 64 B and 16 KiB. */
export function blockBytesFor(size: number): number {
  let bytes = 64;
  while (bytes < 16_384 && bytes * 1024 < size) bytes *= 2;
  return bytes;
}

function hashInto(out: Buffer, at: number, bytes: Buffer, from: number, to: number): void {
  createHash('sha1').update(bytes.subarray(from, to)).digest().copy(out, at * HASH_BYTES, 0, HASH_BYTES);
}

const blockCount = (size: number, block: number): number => Math.ceil(size / block);

/** True when block `i` of `hashes` equals the hash of bytes [from, to). */
function sameBlock(hashes: Buffer, i: number, bytes: Buffer, from: number, to: number): boolean {
  const one = Buffer.allocUnsafe(HASH_BYTES);
  hashInto(one, 0, bytes, from, to);
  return one.equals(hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
}

/** Line starts of `bytes` from `from` (a line start) to `to`, shifted by nothing. */
export function lineStartsOf(bytes: Buffer, from = 0, to = bytes.length): number[] {
  const starts: number[] = [];
  if (from >= to) return starts;
  starts.push(from);
  for (let i = bytes.indexOf(10, from); i >= 0 && i + 1 < to; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

/** True when `bytes` holds a CR that is not part of a CRLF (a line break of its own, which the snapshot does not count). */
export function hasLoneCr(bytes: Buffer, from = 0, to = bytes.length): boolean {
  for (let i = bytes.indexOf(13, from); i >= 0 && i < to; i = bytes.indexOf(13, i + 1)) if (bytes[i + 1] !== 10 || i + 1 >= to) return true;
  return false;
}

/** What `findRegion` found besides the region: how many blocks at the start matched, and the first old block of the matched end. */
export interface Matched {
  headBlocks: number;
  /** The first block of the old file that matched at the end (shifted), or the block count when none did. */
  tailFrom: number;
}

/**
 * The snapshot of `bytes`. `reuse` (with the region and what matched) takes the unchanged blocks'
 * hashes and line starts from the old snapshot instead of computing them again.
 */
export function takeSnapshot(bytes: Buffer, reuse?: { old: Snapshot; region: Region } & Matched): Snapshot {
  const block = reuse?.old.blockBytes ?? blockBytesFor(bytes.length);
  const size = bytes.length;
  const blocks = blockCount(size, block);
  const head = Buffer.alloc(blocks * HASH_BYTES);
  const keepHead = reuse === undefined ? 0 : Math.min(reuse.headBlocks, blocks);
  if (reuse !== undefined) reuse.old.head.copy(head, 0, 0, keepHead * HASH_BYTES);
  // The matched end keeps its hashes when it moved by whole blocks (a change that kept the size: by none).
  const shift = reuse === undefined ? 0 : size - reuse.old.size;
  const oldBlocks = reuse === undefined ? 0 : blockCount(reuse.old.size, block);
  const aligned = reuse !== undefined && shift % block === 0 && reuse.tailFrom < oldBlocks;
  const tailFrom = aligned ? reuse.tailFrom + shift / block : blocks;
  if (aligned) reuse.old.head.copy(head, tailFrom * HASH_BYTES, reuse.tailFrom * HASH_BYTES);
  for (let i = keepHead; i < Math.min(blocks, tailFrom); i++) hashInto(head, i, bytes, i * block, Math.min(size, (i + 1) * block));
  let lineStarts: Uint32Array;
  if (reuse === undefined) lineStarts = Uint32Array.from(lineStartsOf(bytes));
  else {
    const { old, region } = reuse;
    const lastLine = region.firstLine + region.oldLines;
    const middle = lineStartsOf(bytes, region.start, region.newEnd);
    lineStarts = new Uint32Array(region.firstLine + middle.length + (old.lineStarts.length - lastLine));
    lineStarts.set(old.lineStarts.subarray(0, region.firstLine), 0);
    lineStarts.set(middle, region.firstLine);
    const moved = region.newEnd - region.oldEnd;
    const after = region.firstLine + middle.length;
    for (let i = lastLine; i < old.lineStarts.length; i++) lineStarts[after + i - lastLine] = old.lineStarts[i]! + moved;
  }
  const headerEnd = lineStarts.length > 1 ? lineStarts[1]! : 0;
  return { blockBytes: block, size, head, lineStarts, header: Buffer.from(bytes.subarray(0, headerEnd)) };
}

/** The index of the last line starting at or before `offset`. */
function lineAt(starts: Uint32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** What `findRegion` found: null when the file is the same, else the changed lines and what matched. */
export type Found = ({ region: Region } & Matched) | null;

/** The lines of `bytes` that differ from the file `old` was taken of (see the module's comment). */
export function findRegion(old: Snapshot, bytes: Buffer): Found {
  const block = old.blockBytes;
  const min = Math.min(old.size, bytes.length);
  const oldBlocks = blockCount(old.size, block);
  let k = 0;
  while ((k + 1) * block <= min && sameBlock(old.head, k, bytes, k * block, (k + 1) * block)) k++;
  if (old.size === bytes.length && (k * block === min || (k === oldBlocks - 1 && sameBlock(old.head, k, bytes, k * block, min)))) return null;
  let p = k * block;
  if (p < old.header.length && old.header.length <= min && bytes.subarray(0, old.header.length).equals(old.header)) p = old.header.length;
  // From the end: old block j, if unchanged, is now `shift` bytes further on; the last block may be short.
  const shift = bytes.length - old.size;
  let tailFrom = oldBlocks;
  while (tailFrom > 0) {
    const j = tailFrom - 1;
    const from = j * block;
    const to = Math.min(old.size, from + block);
    if (from < p || from + shift < p || !sameBlock(old.head, j, bytes, from + shift, to + shift)) break;
    tailFrom = j;
  }
  const s = old.size - Math.min(old.size, tailFrom * block);
  const firstLine = old.size === 0 ? 0 : lineAt(old.lineStarts, p);
  const start = old.size === 0 ? 0 : old.lineStarts[firstLine]!;
  let oldEnd = old.size - s;
  let newEnd = bytes.length - s;
  const oldLineEnd = oldEnd === start || oldEnd === old.size || old.lineStarts[lineAt(old.lineStarts, oldEnd)] === oldEnd;
  const newLineEnd = newEnd === start || newEnd === bytes.length || bytes[newEnd - 1] === 10;
  if (!oldLineEnd || !newLineEnd) {
    // Widen both into the common end to the next line break (the same bytes in both files).
    const lf = bytes.indexOf(10, newEnd);
    const q = lf < 0 ? s : lf + 1 - newEnd;
    oldEnd += q;
    newEnd += q;
  }
  const lastLine = oldEnd === old.size ? old.lineStarts.length : lineAt(old.lineStarts, oldEnd);
  if (oldEnd !== old.size && old.lineStarts[lastLine] !== oldEnd) throw new Error(`line-diff: ${oldEnd} is not a line start of the old file`);
  return { region: { firstLine, oldLines: lastLine - firstLine, start, oldEnd, newEnd }, headBlocks: k, tailFrom };
}
