/**
 * Appending whole lines to a file that only ever grows (the join log), so that a row is never glued
 * onto a torn one: a file that does not end with a line ending (an editor's save, a crash or a full
 * disk in the middle of a write) gets one before the next line.
 */
import { fdatasyncSync, fstatSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { displayPath } from './store.js';
import { SharedTickBatches } from './tick-batches.js';

/** The file's size, and whether its last byte ends a line (an empty file does). */
async function endOf(handle: FileHandle): Promise<{ size: number; whole: boolean }> {
  const { size } = await handle.stat();
  if (size === 0) return { size, whole: true };
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return { size, whole: last[0] === 10 || last[0] === 13 };
}

/**
 * The file's end as it stands when nobody is in the middle of appending: another process's append
 * can be seen half-copied for an instant (a write crossing pages grows the size page by page), which
 * would look like a torn line. A torn end that stays the same for a moment is one.
 */
async function settledEnd(handle: FileHandle): Promise<{ size: number; whole: boolean }> {
  let end = await endOf(handle);
  for (let look = 0; look < 3 && !end.whole; look++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await endOf(handle);
    if (again.size === end.size) return again;
    end = again;
  }
  return end;
}

/**
 * After a failed write (a full disk writes part of a batch, then ENOSPC): cuts the file back to
 * `size`, removing only the bytes this write added, so no torn line of ours stays behind for the
 * next row to be glued to. When the file grew by anything else meanwhile (another process's
 * append), it is left alone and the next batch fences the torn end instead.
 */
async function rollBack(handle: FileHandle, size: number, written: number): Promise<void> {
  try {
    const now = await handle.stat();
    if (now.size === size + written && now.size > size) await handle.truncate(size);
  } catch {
    // The next batch fences whatever is left; nothing more can be done here.
  }
}

/**
 * The lines waiting for the next write, encoded as they are handed over (while a burst's Telegram
 * calls are still under way), so the flush at the batch's end only writes bytes: joining and
 * encoding a batch of 100 rows there was 0.15-0.3 ms of each batch's wait in a burst. Room for a
 * line ending is kept in front of them, for the fence of a torn last line.
 */
class LineBytes {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used: number;

  constructor(private readonly room: number) {
    this.used = room;
  }

  add(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    this.ensure(this.used + text.length * 3);
    this.used += this.bytes.write(text, this.used, 'utf8');
  }

  private ensure(size: number): void {
    if (size <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, this.bytes.length * 2));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }

  /**
   * One line: `fields` separated by tabs, then `eol` (its bytes). Joined and encoded in one
   * go: a Buffer.write per field cost more than the join (13 calls a row, 0.8 us a row in a burst).
   */
  addFields(fields: readonly string[], eol: Buffer): void {
    const line = fields.join('\t');
    this.ensure(this.used + line.length * 3 + eol.length);
    this.used += this.bytes.write(line, this.used, 'utf8');
    for (let i = 0; i < eol.length; i++) this.bytes[this.used++] = eol[i]!;
  }

  /** The lines' bytes, after `fence` (which fits the room kept) when it is given; valid until `clear`. */
  take(fence: Buffer | undefined): Buffer {
    if (fence === undefined) return this.bytes.subarray(this.room, this.used);
    fence.copy(this.bytes, this.room - fence.length);
    return this.bytes.subarray(this.room - fence.length, this.used);
  }

  clear(): void {
    this.used = this.room;
  }
}

/**
 * Appends whole lines to a file opened in append mode. Lines handed over in the same tick are written
 * with one write() and made durable with one fdatasync() (group commit), so many writers cost one
 * disk flush; each `append` resolves once its lines are on disk. O_APPEND keeps every write whole
 * even beside other processes appending to the same file. Before the first write, and after a write
 * that failed, the file's end is checked and a torn last line is closed with `eol`; a batch that fails
 * (ENOSPC, EIO) takes back the bytes it wrote, so the bytes before it are exactly as they were and a
 * retry starts on a whole line. (Not before every write: our own batches end whole, and reading the
 * end while another process appends could take its line in flight for a torn one.)
 */
export class AppendLog {
  private readonly batches = new SharedTickBatches(() => this.writeBatch());
  /** The lines of the next batch, and those of the batch being written (writes are one at a time). */
  private filling: LineBytes;
  private writing: LineBytes;
  /** The line ending, encoded: it ends each appendFields line and closes a torn last line. */
  private readonly fence: Buffer;
  private closed = false;
  /** Look at the file's end before the next batch: at first, and after a batch that failed. */
  private checkTail = true;
  /** The flush to the disk is made on this thread (gatherWhile), not in the thread pool. */
  private flushHere = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    eol: string,
  ) {
    this.fence = Buffer.from(eol, 'utf8');
    this.filling = new LineBytes(this.fence.length);
    this.writing = new LineBytes(this.fence.length);
  }

  /** Opens (creating when missing) `file` for appending; `eol` closes a torn last line. */
  static async open(file: string, eol = '\n'): Promise<AppendLog> {
    return new AppendLog(await open(file, 'a+'), file, eol);
  }

  /**
   * Appends `text` (one or more complete lines, each with its line ending). Resolves when durable;
   * the lines of one flush share the promise (SharedTickBatches).
   */
  append(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${displayPath(this.file)} is closed`));
    this.filling.add(text);
    return this.batches.join();
  }

  /**
   * Appends one line of `fields`, separated by tabs and ended with the log's line ending, encoded
   * from the fields themselves (no line is made of them: a burst appends a row per request). The
   * fields are read at once: the array may be refilled as soon as this returns. Resolves when durable.
   */
  appendFields(fields: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${displayPath(this.file)} is closed`));
    this.filling.addFields(fields, this.fence);
    return this.batches.join();
  }

  private async writeBatch(): Promise<void> {
    // Taken before the first await: lines handed over from here on are the next batch's.
    const lines = this.filling;
    this.filling = this.writing;
    this.writing = lines;
    let start: { size: number; whole: boolean } | undefined;
    let written = 0;
    try {
      // A crash of ours, an editor's save or a failed batch may have left half a line.
      // The size (for a roll-back) and the write are taken synchronously: both only touch the page
      // cache, and each round trip through the thread pool delayed the batch by a turn of a busy event
      // loop (3-4 ms each in a burst, BENCHMARKS.md), while the rows of the next batch, and with them
      // telegraf's next getUpdates, wait for this one. The flush to the disk is awaited, unless the
      // batch is gathered (see gatherWhile).
      start = this.checkTail ? await settledEnd(this.handle) : { size: fstatSync(this.handle.fd).size, whole: true };
      this.checkTail = true;
      const data = lines.take(start.whole ? undefined : this.fence);
      while (written < data.length) written += writeSync(this.handle.fd, data, written, data.length - written);
      if (this.flushHere) fdatasyncSync(this.handle.fd);
      else await this.handle.datasync();
      this.checkTail = false;
    } catch (error) {
      if (start !== undefined) await rollBack(this.handle, start.size, written);
      throw error;
    } finally {
      lines.clear();
    }
  }

  /**
   * Before each write and fdatasync, waits for `more` when it gives a promise: lines that are on their
   * way join the same flush (one disk flush for a burst's batch, not one after another while the
   * last of them waits). Every line is written all the same.
   *
   * A gathered batch is what its writers wait for as a whole (tg-handler's long polling: telegraf
   * asks for no update before every row of the batch is on disk), so its flush to the disk is made on
   * this thread: there is nothing else to do meanwhile, and the round trip through the thread pool
   * and back to a busy event loop added 0.2-0.3 ms to the 0.5-0.7 ms of each batch's fdatasync in a
   * burst (BENCHMARKS.md, issue 15).
   */
  gatherWhile(more: () => Promise<void> | undefined): void {
    this.batches.gather = more;
    this.flushHere = true;
  }

  /** Waits for every pending line, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batches.idle();
    await this.handle.close();
  }
}
