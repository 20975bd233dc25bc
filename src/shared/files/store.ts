/**
 * The I/O beside the pure table code: reading a data file strictly as UTF-8, rewriting it atomically,
 * locking it against other processes, and appending whole lines.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { DataFileError, DataFileMissingError, LockBusyError } from '../errors.js';
import { PlainTableScanner, scanTable, type TableFrame, type TableRow } from './tsv.js';

/** A path as messages show it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a data file as UTF-8 (with or without BOM). Throws DataFileMissingError naming what the file
 * should contain when it does not exist, and DataFileError when it is not UTF-8 (we would lose bytes
 * writing it back, so we refuse to read it at all).
 */
export async function readDataFile(file: string, expected: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataFileMissingError(displayPath(file), expected, { cause: error });
    throw error;
  }
  return decodeUtf8(bytes, displayPath(file));
}

/** Decodes bytes that must be UTF-8, naming the line of the first bad byte on failure. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    // The lenient decoder marks bad bytes with U+FFFD; the first one is where the trouble starts.
    const lenient = Buffer.from(bytes).toString('utf8');
    const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new DataFileError(
      { file: name, line, column },
      'the file is not UTF-8 text; save it as "UTF-8" (or "Unicode text") in your editor or spreadsheet and run again',
      { cause: error },
    );
  }
}

/** What `scanDataFile` learns of a file besides its rows. */
export type ScannedFrame = TableFrame & { endsWithLineBreak: boolean };

/**
 * Bytes read at a time by `scanDataFile`. Small on purpose: Node hands a decoded piece of about 1 MB
 * or more to V8 as an external string, which stays in memory until a full collection (1 MiB pieces
 * of a 14 MB log held 30 MB at once; 64 KiB pieces hold under 2 MB).
 */
const CHUNK_BYTES = 1 << 16;

/** True when the open file holds the byte anywhere; reads it through `buffer`. */
async function holdsByte(handle: FileHandle, buffer: Buffer, byte: number): Promise<boolean> {
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return false;
    if (buffer.subarray(0, bytesRead).includes(byte)) return true;
    position += bytesRead;
  }
}

/**
 * `scanTable` over a data file without holding the whole of it: the join log grows without bound, and
 * its text (plus the bytes it was decoded from) would be most of a process's memory. Text with no
 * quote at all, as tg-handler writes it, is read and decoded 64 KiB at a time; a file with a quote
 * anywhere is read whole, as a quoted cell may hold line breaks. Same rows, line numbers and errors
 * as `scanTable(readDataFile(file))`, `name` standing for the file in messages.
 */
export async function scanDataFile(file: string, name: string, expected: string, onRow: (row: TableRow, header: TableRow) => void): Promise<ScannedFrame> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataFileMissingError(name, expected, { cause: error });
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    if (await holdsByte(handle, buffer, 0x22)) {
      // Through the open handle, from the start (the reads so far were positioned): the same file,
      // even if another one was renamed over it meanwhile.
      const text = decodeUtf8(await handle.readFile(), name);
      return { ...scanTable(text, name, onRow), endsWithLineBreak: /[\r\n]$/.test(text) };
    }
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decode = async (bytes?: Buffer): Promise<string> => {
      try {
        return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
      } catch (error) {
        decodeUtf8(await handle.readFile(), name); // throws the error that names the bad byte's line
        throw error;
      }
    };
    const scanner = new PlainTableScanner(name, onRow);
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      scanner.push(await decode(buffer.subarray(0, bytesRead)));
    }
    scanner.push(await decode());
    return scanner.end();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a file's content atomically: a temp file in the same folder, fsync, rename, then fsync of
 * the folder. A crash at any moment leaves either the old or the new file, never a mix.
 */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { fsync: true });
  fsyncDir(path.dirname(file));
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How long a lock may go without a heartbeat before another process may take it over. */
export const LOCK_STALE_MS = 10_000;

export interface LockOptions {
  /** How long to wait for another holder; default 30 s (a crashed holder's lock goes stale after 10 s). */
  waitMs?: number;
  /** Told when the lock could not be kept (the folder vanished, the clock jumped). */
  onCompromised?: (error: Error) => void;
}

/**
 * Runs `fn` holding a cross-process lock on `file` (a `<file>.lock` folder kept fresh while held).
 * Another tg-get or tg-handler waits for it; a lock left by a killed process goes stale and is taken
 * over. Throws LockBusyError when the wait runs out.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? 30_000;
  const retryEveryMs = 100;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath: `${file}.lock`,
      stale: LOCK_STALE_MS,
      update: LOCK_STALE_MS / 4,
      retries: { retries: Math.max(0, Math.ceil(waitMs / retryEveryMs)), factor: 1, minTimeout: retryEveryMs, maxTimeout: retryEveryMs },
      onCompromised: options.onCompromised ?? (() => {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new LockBusyError(displayPath(file), { cause: error });
    throw error;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

/**
 * Appends whole lines to a file opened in append mode. Lines handed over in the same tick are written
 * with one write() and made durable with one fdatasync() (group commit), so many writers cost one
 * disk flush; each `append` resolves once its lines are on disk. O_APPEND keeps every write whole
 * even beside other processes appending to the same file.
 */
export class AppendLog {
  private pending: { text: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly handle: FileHandle, readonly file: string) {}

  /** Opens (creating when missing) `file` for appending. */
  static async open(file: string): Promise<AppendLog> {
    return new AppendLog(await open(file, 'a'), file);
  }

  /** Appends `text` (one or more complete lines, each with its line ending). Resolves when durable. */
  append(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${displayPath(this.file)} is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let every append of this tick join the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const data = Buffer.from(batch.map((p) => p.text).join(''), 'utf8');
        let written = 0;
        while (written < data.length) {
          const { bytesWritten } = await this.handle.write(data, written, data.length - written);
          written += bytesWritten;
        }
        await this.handle.datasync();
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = null;
  }

  /** Waits for every pending line, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }
}
