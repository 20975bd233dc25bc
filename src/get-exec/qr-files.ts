/**
 * Which link an existing QR file records, read from its first bytes: the QR step asks it of every
 * row with a link, and the after-an-edit check (edit-check.ts) of the rows that changed. Loads no
 * parser and no QR library.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readQrLink, readSvgLink } from './qr-image.js';

/** Bytes read from the start of an existing PNG: ours put the link's chunk right after the header. */
const HEAD_BYTES = 2048;
/** One buffer for every head read: the checks run one after another. */
const head = Buffer.alloc(HEAD_BYTES);

/**
 * What `parse` reads from the first bytes of an existing file, or null when there is no file or it
 * is not one of ours. Synchronous on purpose: an idle run checks thousands of files, and one small
 * read each is quickest without a trip through the thread pool.
 */
function fromHead(file: string, parse: (bytes: Buffer) => string | null): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    return parse(head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0)));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The link recorded in an existing QR file, or null. */
export const recordedLink = (file: string): string | null => fromHead(file, readQrLink);

/** The link recorded in an existing SVG of ours, or null. */
export const recordedSvgLink = (file: string): string | null => fromHead(file, (bytes) => readSvgLink(bytes.toString('utf8')));

/** The labelled SVG beside a row's PNG: LINKS/<id>.svg. */
export const svgFileOf = (pngFile: string): string => pngFile.replace(/\.png$/, '.svg');
