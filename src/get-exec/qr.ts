/**
 * The QR step: LINKS/<id>.png for every registry row that has a link, and LINKS/<id>.svg with the
 * row's id printed under the code, drawn when a file is missing or records another link; a revoked
 * row's files are removed. Files are replaced atomically, so a reader never sees half a picture.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { isRevoked, type Invite } from '../shared/registry/registry.js';
import type { Entry, Loaded } from '../shared/files/data-file.js';
import { displayPath } from '../shared/files/store.js';
import { quote } from '../shared/quote.js';
import type { StepContext } from './context.js';
import { renderQrPng, renderQrSvg } from './qr-image.js';
import { recordedLink, recordedSvgLink, svgFileOf } from './qr-files.js';
import { qrFileName } from './safe-name.js';

export { writeSheet } from './qr-sheet.js';

/** Removes the QR files of a revoked row: a printed code of a dead link helps no one. Returns what was (or would be) removed. */
function removeRevoked(ctx: StepContext, file: string): string[] {
  const present = [file, svgFileOf(file)].filter((f) => existsSync(f));
  if (!ctx.dryRun) for (const f of present) rmSync(f, { force: true });
  return present.map((f) => displayPath(f));
}

/**
 * Writes the QR codes (PNG and labelled SVG) that are missing or stale, and removes those of revoked
 * rows. `coming`: rows a dry run would make a link for, counted as the real run then draws them.
 * Each file failing to be written fails its row only.
 */
export async function writeQrCodes(ctx: StepContext, registry: Loaded<Invite>, coming: readonly Entry<Invite>[] = []): Promise<void> {
  const dir = ctx.paths.linksDir;
  let madeDir = false;
  for (const entry of coming) {
    ctx.tally.qrWritten++;
    ctx.log.info(`would write QR code ${displayPath(path.join(dir, qrFileName(entry.value.id)))} for ${registry.table.file}:${entry.row.line} "${entry.value.id}" once its link is made`);
  }
  for (const entry of registry.entries) {
    if (ctx.stopping()) break;
    const link = entry.value.link.trim();
    if (link === '') continue;
    const file = path.join(dir, qrFileName(entry.value.id));
    // qrFileName keeps separators out; this makes "never outside LINKS/" hold whatever it returns.
    if (path.dirname(file) !== path.resolve(dir)) throw new Error(`QR file name for ${quote(entry.value.id)} left ${dir}: ${file}`);
    const row = `${registry.table.file}:${entry.row.line} ${quote(entry.value.id)}`;
    if (isRevoked(entry.value)) {
      const removed = removeRevoked(ctx, file);
      if (removed.length > 0) ctx.log.info(`${ctx.dryRun ? 'would remove' : 'removed'} ${removed.join(' and ')}: ${row} is revoked`);
      continue;
    }
    const svgFile = svgFileOf(file);
    const pngCurrent = recordedLink(file) === link;
    if (pngCurrent && recordedSvgLink(svgFile) === link) continue;
    const shown = displayPath(file);
    // The count is of PNG codes; an SVG drawn beside a current PNG (the first run of this version) is logged only.
    if (ctx.dryRun) {
      if (!pngCurrent) ctx.tally.qrWritten++;
      ctx.log.info(pngCurrent ? `would write the labelled ${displayPath(svgFile)} for ${row}` : `would write QR code ${shown} for ${row}`);
      continue;
    }
    try {
      if (!madeDir) {
        mkdirSync(dir, { recursive: true });
        madeDir = true;
      }
      // No fsync: a QR file lost in a power cut is missing on the next run, which draws it again.
      if (!pngCurrent) await writeFileAtomic(file, await renderQrPng(link), { fsync: false });
      await writeFileAtomic(svgFile, await renderQrSvg(link, entry.value.id), { fsync: false });
      if (!pngCurrent) ctx.tally.qrWritten++;
      ctx.log.info(pngCurrent ? `labelled ${displayPath(svgFile)} for ${row}` : `QR code ${shown} and its labelled .svg for ${row}`);
    } catch (error) {
      ctx.log.error(`${row}: QR code ${shown} not written: ${(error as Error).message}`);
      ctx.failRow(registry.table.file, entry.row.line);
    }
  }
}
