/**
 * tg-handler's snapshot of what it read from the join log (data/.tg-handler-ledger): the ledger's
 * typed arrays as bytes, the recent redelivery keys and problems, what other folds of the same rows
 * keep (the held requests, the personal links' counts: see LogFold), and where in which file reading
 * stopped, so a restart reads only what was appended since instead of the whole history.
 *
 * A cache, never a source of truth: it is used only when it is whole (its own SHA-1 matches) and
 * still describes the file: same file (device and inode), at least as long as the offset read, the
 * same first 64 KiB and the same 64 KiB before the offset. Else the whole log is read, as without
 * one. When the file's ctime and size are both as they were when the snapshot was written, nothing
 * wrote to it since; when its size is the same but its ctime is not, something rewrote it in place
 * (an editor that keeps the inode), and the whole log is read too.
 *
 * What the checks cannot see: an in-place edit that keeps the file's inode and the length of what it
 * changed (else the bytes before the offset move and the tail hash differs), outside the first 64 KiB
 * and the 64 KiB before the offset, together with rows appended (else the size is the same and the
 * change time gives it away). Then the ledger and the keys keep what the old bytes of the edited
 * rows said until the snapshot is deleted or the file replaced: a hand-edited person keeps their old
 * standing, an edited request its old key (a redelivery of the new one could get a second row).
 * Closing it would mean hashing the whole file at every start, which is what the snapshot avoids;
 * README tells whoever edits the log by hand in place to delete the snapshot.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Ledger, type LedgerParts } from './ledger.js';
import type { LedgerPosition } from './ledger-file.js';
import type { SavedStart } from './log-reader.js';

/** Bumped whenever what is written changes: a snapshot of another version is not read. */
export const SNAPSHOT_VERSION = 2;
const MAGIC = Buffer.from('TGLEDGER', 'latin1');
/** Bytes hashed at the file's start and before the offset. */
const CHECK_BYTES = 1 << 16;
const DIGEST_BYTES = 20;

/** What the snapshot says of the join log it was made from. */
interface LogMark {
  position: LedgerPosition;
  headHash: string;
  tailHash: string;
  size: number;
  ctimeNs: string;
}

interface Meta {
  version: number;
  log: LogMark;
  saved: SavedStart;
  folds: Record<string, unknown>;
  ledger: Omit<LedgerParts, 'table' | 'userOf' | 'chatOf' | 'linkOf' | 'sinceOf' | 'joinedOf' | 'flagsOf'> & { capacity: number; tableLength: number };
}

/** A snapshot found good for the file: go on from `position` with these. */
export interface Snapshot {
  ledger: Ledger;
  position: LedgerPosition;
  saved: SavedStart;
  /** Each fold's state as its `save` gave it, by name. */
  folds: Record<string, unknown>;
}

type ArrayName = 'table' | 'userOf' | 'chatOf' | 'linkOf' | 'sinceOf' | 'joinedOf' | 'flagsOf';
const ARRAYS: Array<[ArrayName, (n: number) => Uint32Array | Float64Array | Uint8Array]> = [
  ['table', (n) => new Uint32Array(n)],
  ['userOf', (n) => new Float64Array(n)],
  ['chatOf', (n) => new Uint32Array(n)],
  ['linkOf', (n) => new Uint32Array(n)],
  ['sinceOf', (n) => new Uint32Array(n)],
  ['joinedOf', (n) => new Uint32Array(n)],
  ['flagsOf', (n) => new Uint8Array(n)],
];

/** The bytes of a typed array's first `count` items, sharing its memory. */
const bytesOf = (array: Uint32Array | Float64Array | Uint8Array, count: number): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, count * array.BYTES_PER_ELEMENT);

/** Reads `into` whole at `at`; false when the file ends first. */
function readFully(fd: number, into: Uint8Array, at: number): boolean {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, at + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

/** SHA-1 (hex) of the file's bytes [from, to). */
function hashRange(fd: number, from: number, to: number): string {
  const bytes = Buffer.allocUnsafe(Math.max(0, to - from));
  if (!readFully(fd, bytes, from)) return '';
  return createHash('sha1').update(bytes).digest('hex');
}

/** The join log's mark as it stands: `position` was read from it. */
function markOf(fd: number, position: LedgerPosition): LogMark {
  const stats = fstatSync(fd, { bigint: true });
  const { offset } = position;
  return {
    position,
    headHash: hashRange(fd, 0, Math.min(CHECK_BYTES, offset)),
    tailHash: hashRange(fd, Math.max(0, offset - CHECK_BYTES), offset),
    size: Number(stats.size),
    ctimeNs: String(stats.ctimeNs),
  };
}

/** Why the snapshot does not describe the log at `fd`, or null when it does. */
function mismatch(fd: number, mark: LogMark): string | null {
  const stats = fstatSync(fd, { bigint: true });
  const { offset, identity } = mark.position;
  if (`${stats.dev}:${stats.ino}` !== identity) return 'the join log was replaced since (another file)';
  if (Number(stats.size) < offset) return 'the join log is shorter than what the snapshot read';
  if (Number(stats.size) === mark.size && String(stats.ctimeNs) !== mark.ctimeNs) return 'the join log was rewritten in place since (same size, new change time)';
  const now = markOf(fd, mark.position);
  if (now.headHash !== mark.headHash) return 'the join log\'s first 64 KiB changed since';
  if (now.tailHash !== mark.tailHash) return 'the join log\'s bytes before the snapshot\'s offset changed since';
  return null;
}

/**
 * Reads the snapshot at `cacheFile` and checks it against the join log at `logFile`: resolves with
 * it when whole, of this version and still true of the file, else with why not (no file is a reason
 * too). The ledger's arrays are read straight into the arrays it keeps (no second copy). Never throws.
 */
export function loadSnapshot(cacheFile: string, logFile: string): { snapshot: Snapshot } | { reason: string } {
  let fd: number | undefined;
  let logFd: number | undefined;
  try {
    try {
      fd = openSync(cacheFile, 'r');
    } catch (error) {
      return { reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no snapshot yet' : `the snapshot cannot be read (${(error as Error).message})` };
    }
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(MAGIC.length + 8);
    if (!readFully(fd, head, 0) || !head.subarray(0, MAGIC.length).equals(MAGIC)) return { reason: 'the snapshot is not one (wrong start)' };
    if (head.readUInt32LE(MAGIC.length) !== SNAPSHOT_VERSION) return { reason: `the snapshot is of another version (${head.readUInt32LE(MAGIC.length)})` };
    const metaBytes = head.readUInt32LE(MAGIC.length + 4);
    if (head.length + metaBytes + DIGEST_BYTES > size) return { reason: 'the snapshot is cut short' };
    const metaBuffer = Buffer.allocUnsafe(metaBytes);
    readFully(fd, metaBuffer, head.length);
    const hash = createHash('sha1').update(head).update(metaBuffer);
    const meta = JSON.parse(metaBuffer.toString('utf8')) as Meta;
    const { slots, capacity, tableLength } = meta.ledger;
    const arraysBytes = tableLength * 4 + slots * (8 + 4 * 4 + 1);
    if (head.length + metaBytes + arraysBytes + DIGEST_BYTES !== size || !(capacity >= slots)) return { reason: 'the snapshot\'s length does not match what it says it holds' };
    try {
      logFd = openSync(logFile, 'r');
    } catch {
      return { reason: 'the join log cannot be opened' };
    }
    const why = mismatch(logFd, meta.log);
    if (why !== null) return { reason: why };
    const parts: Partial<LedgerParts> = {};
    let at = head.length + metaBytes;
    for (const [name, make] of ARRAYS) {
      const array = make(name === 'table' ? tableLength : capacity);
      const bytes = bytesOf(array, name === 'table' ? tableLength : slots);
      readFully(fd, bytes, at);
      hash.update(bytes);
      at += bytes.length;
      (parts as Record<ArrayName, typeof array>)[name] = array;
    }
    const digest = Buffer.alloc(DIGEST_BYTES);
    readFully(fd, digest, at);
    if (!hash.digest().equals(digest)) return { reason: 'the snapshot is damaged (checksum)' };
    const ledger = Ledger.fromParts({ ...(parts as LedgerParts), ...meta.ledger });
    return { snapshot: { ledger, position: meta.log.position, saved: meta.saved, folds: meta.folds ?? {} } };
  } catch (error) {
    return { reason: `the snapshot cannot be used (${(error as Error).message})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (logFd !== undefined) closeSync(logFd);
  }
}

/** Writes `bytes` at the fd's current end and into `hash`. */
function put(fd: number, hash: Hash, bytes: Uint8Array): void {
  hash.update(bytes);
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes the snapshot of `ledger` (read from `logFile` up to `position`), of the log's `saved`
 * start and of the `folds` of the same rows (JSON) to `cacheFile`: into a temp file beside it, renamed over it, so a crash leaves the old
 * snapshot or the new one (no fsync: a snapshot lost to a power cut only costs one whole read).
 * Synchronous on purpose: nothing may change the ledger while its arrays are written. Throws what
 * writing throws (the temp file is removed).
 */
export function writeSnapshot(cacheFile: string, logFile: string, ledger: Ledger, position: LedgerPosition, saved: SavedStart, folds: Record<string, unknown> = {}): void {
  const logFd = openSync(logFile, 'r');
  let mark: LogMark;
  try {
    mark = markOf(logFd, position);
  } finally {
    closeSync(logFd);
  }
  const { table, userOf, chatOf, linkOf, sinceOf, joinedOf, flagsOf, ...names } = ledger.toParts();
  const meta: Meta = { version: SNAPSHOT_VERSION, log: mark, saved, folds, ledger: { ...names, capacity: flagsOf.length, tableLength: table.length } };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const head = Buffer.alloc(MAGIC.length + 8);
  MAGIC.copy(head);
  head.writeUInt32LE(SNAPSHOT_VERSION, MAGIC.length);
  head.writeUInt32LE(metaBytes.length, MAGIC.length + 4);
  removeStaleTemps(cacheFile);
  const temp = `${cacheFile}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const hash = createHash('sha1');
    put(fd, hash, head);
    put(fd, hash, metaBytes);
    put(fd, hash, bytesOf(table, table.length));
    for (const array of [userOf, chatOf, linkOf, sinceOf, joinedOf, flagsOf]) put(fd, hash, bytesOf(array, names.slots));
    put(fd, createHash('sha1'), hash.digest());
    closeSync(fd);
    renameSync(temp, cacheFile);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    try {
      unlinkSync(temp);
    } catch {
      // Gone already.
    }
    throw error;
  }
}

/** Temp files a killed writer left (one tg-handler runs per data folder, so none is being written). */
function removeStaleTemps(cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  const prefix = `${path.basename(cacheFile)}.`;
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && name.endsWith('.tmp')) unlinkSync(path.join(dir, name));
  } catch {
    // Left for the next write.
  }
}
