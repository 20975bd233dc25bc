/**
 * The after-an-edit cache, data/.tg-get-lines.cache: what a run that found nothing to do learnt of
 * each line of the registry and the schedule, so that the next run after an edit reads only the
 * changed lines (edit-check.ts). A cache only: binary, written atomically (a temp file renamed over
 * it), checked by a SHA-1 of its content; missing, of another version or broken, it is ignored and
 * the run reads everything, as without it. Deleting it is always safe.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Fingerprint } from '../shared/files/fingerprint.js';
import { writeNote } from './cache-file.js';
import type { Snapshot } from './line-diff.js';

/** The file, in the data folder beside the idle note. */
export const LINE_CACHE_FILE = '.tg-get-lines.cache';

const MAGIC = 'TGLC';
const VERSION = 5;
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

/** Writes `cache` to `file` atomically. Throws what writing throws. */
export function writeLineCache(file: string, cache: LineCache): void {
  const { registry: r, schedule: s } = cache;
  const meta = {
    settings: cache.settings,
    zone: cache.zone,
    linksDir: cache.linksDir,
    linkState: cache.linkState,
    entries: r.entries,
    registry: { ...snapshotMeta(r.snapshot), name: r.name, warnings: r.warnings, fingerprint: r.fingerprint },
    schedule: { ...snapshotMeta(s.snapshot), name: s.name, warnings: s.warnings, fingerprint: s.fingerprint },
  };
  const json = Buffer.from(JSON.stringify(meta));
  const top = Buffer.alloc(12);
  top.write(MAGIC, 0, 'latin1');
  top.writeUInt32LE(VERSION, 4);
  top.writeUInt32LE(json.length, 8);
  const parts = [top, json, r.snapshot.head, r.snapshot.header, bytesOf(r.snapshot.lineStarts), bytesOf(r.hashes), bytesOf(r.keys), bytesOf(r.kind), bytesOf(r.ids), bytesOf(r.links), s.snapshot.head, s.snapshot.header, bytesOf(s.snapshot.lineStarts), bytesOf(s.hashes), bytesOf(s.keys), bytesOf(s.due)];
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  parts.push(hash.digest());
  // No fsync: a cache lost in a power cut is a missing or broken cache, which the checksum catches.
  writeNote(file, Buffer.concat(parts));
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

/** Reads the cache; null when it is missing, of another version, or does not check out. */
export function readLineCache(file: string): LineCache | null {
  try {
    const bytes = readFileSync(file);
    if (bytes.length < 12 + SUM_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return null;
    const body = bytes.subarray(0, bytes.length - SUM_BYTES);
    if (!createHash('sha1').update(body).digest().equals(bytes.subarray(bytes.length - SUM_BYTES))) return null;
    const jsonLength = body.readUInt32LE(8);
    const meta = JSON.parse(body.toString('utf8', 12, 12 + jsonLength)) as Omit<LineCache, 'registry' | 'schedule'> & { entries: number; registry: SnapshotMeta; schedule: SnapshotMeta };
    const reader = new Reader(body, 12 + jsonLength);
    const registrySnapshot = snapshotFrom(reader, meta.registry);
    const lines = meta.registry.lines;
    const registryHashes = reader.into(new Uint32Array(lines));
    const registryKeys = reader.into(new Uint32Array(lines));
    const registry: RegistryLines = { snapshot: registrySnapshot, hashes: registryHashes, keys: registryKeys, name: meta.registry.name, warnings: meta.registry.warnings, fingerprint: meta.registry.fingerprint, kind: new Uint8Array(reader.take(lines)), ids: reader.into(new Uint32Array(lines)), links: reader.into(new Uint32Array(lines)), entries: meta.entries };
    const scheduleSnapshot = snapshotFrom(reader, meta.schedule);
    const scheduleLines = meta.schedule.lines;
    const scheduleHashes = reader.into(new Uint32Array(scheduleLines));
    const scheduleKeys = reader.into(new Uint32Array(scheduleLines));
    const schedule: ScheduleLines = { snapshot: scheduleSnapshot, hashes: scheduleHashes, keys: scheduleKeys, name: meta.schedule.name, warnings: meta.schedule.warnings, fingerprint: meta.schedule.fingerprint, due: reader.into(new Float64Array(meta.schedule.lines)) };
    if (reader.offset !== body.length) return null;
    return { settings: meta.settings, zone: meta.zone, linksDir: meta.linksDir, linkState: meta.linkState, registry, schedule };
  } catch {
    return null;
  }
}
