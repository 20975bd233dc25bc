/**
 * The QR step: LINKS/<id>.png for every registry row that has a link, drawn when the file is missing
 * or records another link. Files are replaced atomically, so a reader never sees half a picture.
 */
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Invite } from '../shared/registry/registry.js';
import type { Loaded } from '../shared/files/data-file.js';
import { displayPath } from '../shared/files/store.js';
import { quote } from '../shared/quote.js';
import type { StepContext } from './context.js';
import { readQrLink, renderQrPng } from './qr-image.js';
import { qrFileName } from './safe-name.js';

/** Bytes read from the start of an existing PNG: ours put the link's chunk right after the header. */
const HEAD_BYTES = 2048;
/** One buffer for every head read: the checks run one after another. */
const head = Buffer.alloc(HEAD_BYTES);

/**
 * The link recorded in an existing QR file, or null when there is no file or it is not one of ours.
 * Synchronous on purpose: an idle run checks thousands of files, and one small read each is quickest
 * without a trip through the thread pool.
 */
function recordedLink(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, head, 0, HEAD_BYTES, 0);
    return readQrLink(head.subarray(0, n));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Writes the QR codes that are missing or stale. Each file failing to be written fails its row only. */
export async function writeQrCodes(ctx: StepContext, registry: Loaded<Invite>): Promise<void> {
  const dir = ctx.paths.linksDir;
  let madeDir = false;
  for (const entry of registry.entries) {
    if (ctx.stopping()) break;
    const link = entry.value.link.trim();
    if (link === '') continue;
    const file = path.join(dir, qrFileName(entry.value.id));
    // qrFileName keeps separators out; this makes "never outside LINKS/" hold whatever it returns.
    if (path.dirname(file) !== path.resolve(dir)) throw new Error(`QR file name for ${quote(entry.value.id)} left ${dir}: ${file}`);
    if (recordedLink(file) === link) continue;
    const shown = displayPath(file);
    const row = `${registry.table.file}:${entry.row.line} ${quote(entry.value.id)}`;
    if (ctx.dryRun) {
      ctx.tally.qrWritten++;
      ctx.log.info(`would write QR code ${shown} for ${row}`);
      continue;
    }
    try {
      if (!madeDir) {
        mkdirSync(dir, { recursive: true });
        madeDir = true;
      }
      // No fsync: a QR file lost in a power cut is missing on the next run, which draws it again.
      await writeFileAtomic(file, await renderQrPng(link), { fsync: false });
      ctx.tally.qrWritten++;
      ctx.log.info(`QR code ${shown} for ${row}`);
    } catch (error) {
      ctx.log.error(`${row}: QR code ${shown} not written: ${(error as Error).message}`);
      ctx.failRow(registry.table.file, entry.row.line);
    }
  }
}
