/**
 * The I/O beside the pure table code: reading a data file (`readTable`) and replacing it whole or
 * its head only, atomically. Locking is in lock.ts, appending whole lines in append-log.ts.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DataFileMissingError } from '../errors.js';
import { encodeTable } from './table.js';
import { TsvScanner, type Table, type TableFrame, type TableRow } from './tsv.js';

/** A path as messages show it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Bytes read at a time by `readTable`. Small on purpose: Node hands a decoded piece of about 1 MB
 * or more to V8 as an external string, which stays in memory until a full collection (1 MiB pieces
 * of a 14 MB log held 30 MB at once; 64 KiB pieces hold under 2 MB).
 */
const CHUNK_BYTES = 1 << 16;

/** Where the last whole line of `bytes` ends: after its last LF, or after a CR that is not the last byte (a CRLF may be split). */
export function lastLineEnd(bytes: Buffer): number {
  const lf = bytes.lastIndexOf(10);
  if (lf >= 0) return lf + 1;
  const cr = bytes.lastIndexOf(13, bytes.length - 2);
  return cr >= 0 ? cr + 1 : 0;
}

/** Splits bytes into lines, each with its line ending (CRLF, LF or a lone CR; '' for a last line without one). */
function* byteLines(bytes: Buffer): Generator<[Buffer, string]> {
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 10 && b !== 13) continue;
    const crlf = b === 13 && bytes[i + 1] === 10;
    yield [bytes.subarray(start, i), crlf ? '\r\n' : b === 10 ? '\n' : '\r'];
    if (crlf) i++;
    start = i + 1;
  }
  if (start < bytes.length) yield [bytes.subarray(start), ''];
}

/**
 * Hands whole lines of bytes to the scanner as text. Text that is all UTF-8 goes in one piece; when
 * it is not, line by line, and a line that is not UTF-8 goes as its bytes (an error row the writer
 * puts back as it was), so one bad byte costs one row, not the file. (Also the join log's ledger reader.)
 */
export function feed(scanner: TsvScanner, decoder: { decode(bytes: Uint8Array): string }, bytes: Buffer, atLineEnd: boolean): void {
  try {
    scanner.push(decoder.decode(bytes), atLineEnd);
    return;
  } catch {
    // Not all UTF-8: find the line(s) at fault.
  }
  for (const [line, eol] of byteLines(bytes)) {
    let text: string;
    try {
      text = decoder.decode(line);
    } catch {
      scanner.pushUndecodable(Buffer.from(line), eol);
      continue;
    }
    scanner.push(text + eol, atLineEnd || eol !== '');
  }
}

/**
 * Reads `handle` from `position` to its end `chunkBytes` (64 KiB) at a time and hands `onLines` the
 * whole lines of each piece (bytes ending at a line end; a CRLF split between pieces waits for its
 * LF). `onLines` must not keep the bytes: one buffer serves the whole file (a new Buffer per piece
 * was 2,200 short-lived 64 KiB allocations outside the heap for a 146 MB log). Resolves with what
 * follows the last line end: a last line without one, or a line still being written.
 */
export async function readWholeLines(handle: FileHandle, position: number, onLines: (lines: Buffer) => void, chunkBytes = CHUNK_BYTES): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(chunkBytes * 2);
  let carry = 0;
  for (;;) {
    // An unfinished line moves to the buffer's start and the next piece is read after it.
    if (buffer.length - carry < chunkBytes) buffer = Buffer.concat([buffer.subarray(0, carry)], carry + chunkBytes * 2);
    const { bytesRead } = await handle.read(buffer, carry, chunkBytes, position);
    if (bytesRead === 0) return Buffer.from(buffer.subarray(0, carry));
    position += bytesRead;
    const bytes = buffer.subarray(0, carry + bytesRead);
    const cut = lastLineEnd(bytes);
    if (cut > 0) onLines(bytes.subarray(0, cut));
    carry = bytes.copy(buffer, 0, cut);
  }
}

/**
 * The one reader of a data file: reads it 64 KiB at a time and hands each record to `onRow` as the
 * `TsvScanner` completes it, keeping nothing but an unfinished line, so a file of any size costs
 * the memory of one piece. `name` stands for the file in messages. Throws DataFileMissingError
 * (naming what the file should hold, `expected`) when there is no file.
 */
export async function readTable(file: string, name: string, expected: string, onRow: (row: TableRow, header: TableRow) => void): Promise<TableFrame> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataFileMissingError(name, expected, { cause: error });
    throw error;
  }
  try {
    const scanner = new TsvScanner(name, onRow);
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const carry = await readWholeLines(handle, 0, (lines) => feed(scanner, decoder, lines, true));
    if (carry.length > 0) feed(scanner, decoder, carry, false);
    return scanner.end();
  } finally {
    await handle.close();
  }
}

/** Reads a whole data file into a table (see `readTable`). */
export async function loadTable(file: string, name: string, expected: string): Promise<Table> {
  const rows: TableRow[] = [];
  const { header, eol, bom } = await readTable(file, name, expected, (row) => rows.push(row));
  return { file: name, header, rows, eol, bom };
}

/** Rewrites a table's file atomically (see `writeAtomic`): untouched rows keep their bytes. */
export async function writeTable(file: string, table: Table): Promise<void> {
  await writeAtomic(file, encodeTable(table));
}

/**
 * Replaces a file's content atomically: a temp file in the same folder, fsync, rename, then fsync of
 * the folder. A crash at any moment leaves either the old or the new file, never a mix.
 */
export async function writeAtomic(file: string, text: string | Buffer): Promise<void> {
  await writeFileAtomic(file, text, { fsync: true });
  fsyncDir(path.dirname(file));
}

/** Makes a rename in `dir` durable; a file system that cannot fsync a folder is let be. */
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

/**
 * Writes `pieces` as they come into a temp file beside `file`, then renames it over `file` (fsynced,
 * as `writeAtomic`): a crash leaves the old file or the new one, and a big file is never held whole.
 * `mode`: the new file's (default: the replaced file's, as write-file-atomic keeps it). What the
 * pieces throw is thrown as it is, after the temp file is removed.
 */
export async function writePieces(file: string, pieces: Iterable<Buffer> | AsyncIterable<Buffer>, mode?: number): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const target = await open(temp, 'wx', mode ?? (await stat(file).then((s) => s.mode, () => 0o666)));
    try {
      for await (const piece of pieces) await target.write(piece);
      await target.sync();
    } finally {
      await target.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Replaces the first `headBytes` bytes of a file with `head`, copying the rest 64 KiB at a time
 * (`writePieces`): a crash leaves the old file or the new one, and a file of any size costs one
 * piece of memory.
 */
export async function replaceHead(file: string, headBytes: number, head: string): Promise<void> {
  const source = await open(file, 'r');
  async function* copy(): AsyncGenerator<Buffer> {
    yield Buffer.from(head, 'utf8');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let position = headBytes; ; ) {
      const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }
  try {
    await writePieces(file, copy(), (await source.stat()).mode);
  } finally {
    await source.close();
  }
}
