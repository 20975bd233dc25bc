/**
 * The after-an-edit cache, data/.tg-get-registry.cache and data/.tg-get-schedule.cache: what a run
 * that found nothing to do learnt of each line of the registry and the schedule, so that the next
 * run after an edit reads only the changed lines (edit-check.ts); one file each, so that an edit
 * rewrites its own file's part only. A cache only: binary, written atomically (a temp file renamed over
 * it), checked by a SHA-1 of its content; missing, of another version or broken, it is ignored and
 * the run reads everything, as without it. Deleting it is always safe.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Fingerprint } from '../shared/files/fingerprint.js';
import { writeNote } from './cache-file.js';
import type { Snapshot } from './line-diff.js';

/** The files, in the data folder beside the idle note. */
export const REGISTRY_CACHE_FILE = '.tg-get-registry.cache';
export const SCHEDULE_CACHE_FILE = '.tg-get-schedule.cache';

const MAGIC = 'TGLC';
const VERSION = 6;
const SUM_BYTES = 20;

/** A warning about a usable row (a time a daylight-saving change skips or repeats), printed again at every run. */
export interface StoredWarning {
  line: number;
  column: number;
  field?: string;
  problem: string;
}

/** What both files' parts share: the file's name in messages, and the warnings about its rows, in the order the full path prints them. */
interface FileLines {
  snapshot: Snapshot;
  /** The file's fingerprint when it was read for this snapshot (null when unknown): the same one again means the same bytes, as for the idle note. */
  fingerprint: Fingerprint;
  name: string;
  warnings: StoredWarning[];
  /** A hash of each line's bytes: the changed range's lines that hash alike are the old lines, kept. */
  hashes: Uint32Array;
  /** A hash of the cells a usable row's facts come from (0 for other lines): an edited line with the same key keeps them. */
  keys: Uint32Array;
}

/** The registry's lines: 1 where a usable row is (0: a blank line or the header), with hashes of its id and link. */
export interface RegistryLines extends FileLines {
  kind: Uint8Array;
  ids: Uint32Array;
  links: Uint32Array;
  /** Usable rows: a registry without any is reported at every run, so it is never cached. */
  entries: number;
}

/** The schedule's lines: when each waiting post falls due (ms); NaN for a posted or missed row, a blank line, the header. */
export interface ScheduleLines extends FileLines {
  due: Float64Array;
}

export interface LineCache {
  /** The settings key of the run that wrote it (idle-skip.ts `settingsKey`): another key means the full path. */
  settings: string;
  zone: string;
  /** LINKS/ and data/.tg-get-links.json as that run left them. */
  linksDir: Fingerprint;
  linkState: Fingerprint;
  registry: RegistryLines;
  schedule: ScheduleLines;
}

interface SnapshotMeta {
  name: string;
  warnings: StoredWarning[];
  fingerprint: Fingerprint;
  blockBytes: number;
  size: number;
  hashBytes: number;
  headerBytes: number;
  lines: number;
}

const snapshotMeta = (s: Snapshot): Omit<SnapshotMeta, 'name' | 'warnings' | 'fingerprint'> => ({ blockBytes: s.blockBytes, size: s.size, hashBytes: s.head.length, headerBytes: s.header.length, lines: s.lineStarts.length });

const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The two cache files (the registry's and the schedule's), so that an edit to one rewrites only its own. */
export interface CacheFiles {
  registry: string;
  schedule: string;
}

/** A cache file's parts: magic, version, the meta's length, the meta (JSON), the sections, a SHA-1 of all. */
function encode(meta: object, sections: readonly ArrayBufferView[]): Uint8Array[] {
  const json = Buffer.from(JSON.stringify(meta));
  const top = Buffer.alloc(12);
  top.write(MAGIC, 0, 'latin1');
  top.writeUInt32LE(VERSION, 4);
  top.writeUInt32LE(json.length, 8);
  const parts = [top, json, ...sections.map(bytesOf)];
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return [...parts, hash.digest()];
}

/**
 * Writes the parts of `cache` that `which` names, each atomically (no fsync: a cache lost in a power
 * cut is a missing or broken cache, which the checksum catches). Throws what writing throws.
 */
export function writeLineCache(files: CacheFiles, cache: LineCache, which: { registry: boolean; schedule: boolean } = { registry: true, schedule: true }): void {
  const { registry: r, schedule: s } = cache;
  const common = { settings: cache.settings, zone: cache.zone };
  if (which.registry) {
    const meta = { ...common, kind: 'registry', linksDir: cache.linksDir, linkState: cache.linkState, entries: r.entries, ...snapshotMeta(r.snapshot), name: r.name, warnings: r.warnings, fingerprint: r.fingerprint };
    writeNote(files.registry, encode(meta, [r.snapshot.head, r.snapshot.header, r.snapshot.lineStarts, r.hashes, r.keys, r.kind, r.ids, r.links]));
  }
  if (which.schedule) {
    const meta = { ...common, kind: 'schedule', ...snapshotMeta(s.snapshot), name: s.name, warnings: s.warnings, fingerprint: s.fingerprint };
    writeNote(files.schedule, encode(meta, [s.snapshot.head, s.snapshot.header, s.snapshot.lineStarts, s.hashes, s.keys, s.due]));
  }
}

/** Reads sections one after another, each copied out (typed arrays need aligned memory). */
class Reader {
  private at: number;
  constructor(
    private readonly bytes: Buffer,
    start: number,
  ) {
    this.at = start;
  }
  take(length: number): Buffer {
    if (this.at + length > this.bytes.length) throw new Error('short');
    const out = Buffer.from(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return out;
  }
  into<T extends Uint32Array | Float64Array>(out: T): T {
    const length = out.byteLength;
    if (this.at + length > this.bytes.length) throw new Error('short');
    Buffer.from(out.buffer).set(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return out;
  }
  get offset(): number {
    return this.at;
  }
}

function snapshotFrom(reader: Reader, meta: SnapshotMeta): Snapshot {
  const head = reader.take(meta.hashBytes);
  const header = reader.take(meta.headerBytes);
  return { blockBytes: meta.blockBytes, size: meta.size, head, header, lineStarts: reader.into(new Uint32Array(meta.lines)) };
}

type Common = Pick<LineCache, 'settings' | 'zone'> & { kind: string };
type RegistryMeta = Common & Pick<LineCache, 'linksDir' | 'linkState'> & SnapshotMeta & { entries: number };
type ScheduleMeta = Common & SnapshotMeta;

/** A cache file's meta and a reader after it; null when the file is missing, of another version, or does not check out. */
function decode<M extends Common>(file: string, kind: string): { meta: M; reader: Reader; end: number } | null {
  const bytes = readFileSync(file);
  if (bytes.length < 12 + SUM_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return null;
  const body = bytes.subarray(0, bytes.length - SUM_BYTES);
  if (!createHash('sha1').update(body).digest().equals(bytes.subarray(bytes.length - SUM_BYTES))) return null;
  const jsonLength = body.readUInt32LE(8);
  const meta = JSON.parse(body.toString('utf8', 12, 12 + jsonLength)) as M;
  return meta.kind === kind ? { meta, reader: new Reader(body, 12 + jsonLength), end: body.length } : null;
}

/** Reads both cache files; null when either is missing, of another version, does not check out, or they disagree. */
export function readLineCache(files: CacheFiles): LineCache | null {
  try {
    const r = decode<RegistryMeta>(files.registry, 'registry');
    const s = decode<ScheduleMeta>(files.schedule, 'schedule');
    if (r === null || s === null || r.meta.settings !== s.meta.settings || r.meta.zone !== s.meta.zone) return null;
    const lines = r.meta.lines;
    const registrySnapshot = snapshotFrom(r.reader, r.meta);
    const registry: RegistryLines = {
      snapshot: registrySnapshot,
      hashes: r.reader.into(new Uint32Array(lines)),
      keys: r.reader.into(new Uint32Array(lines)),
      kind: new Uint8Array(r.reader.take(lines)),
      ids: r.reader.into(new Uint32Array(lines)),
      links: r.reader.into(new Uint32Array(lines)),
      name: r.meta.name,
      warnings: r.meta.warnings,
      fingerprint: r.meta.fingerprint,
      entries: r.meta.entries,
    };
    const scheduleLines = s.meta.lines;
    const scheduleSnapshot = snapshotFrom(s.reader, s.meta);
    const schedule: ScheduleLines = {
      snapshot: scheduleSnapshot,
      hashes: s.reader.into(new Uint32Array(scheduleLines)),
      keys: s.reader.into(new Uint32Array(scheduleLines)),
      due: s.reader.into(new Float64Array(scheduleLines)),
      name: s.meta.name,
      warnings: s.meta.warnings,
      fingerprint: s.meta.fingerprint,
    };
    if (r.reader.offset !== r.end || s.reader.offset !== s.end) return null;
    return { settings: r.meta.settings, zone: r.meta.zone, linksDir: r.meta.linksDir, linkState: r.meta.linkState, registry, schedule };
  } catch {
    return null;
  }
}
