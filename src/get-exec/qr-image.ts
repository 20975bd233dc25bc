/**
 * A row's QR code as a PNG: error correction H, a quiet zone of 4 modules, whole pixels per module,
 * at least 600 px wide, black on white in 1-bit grayscale. The PNG carries the link it encodes in an
 * iTXt chunk before the image data, so a later run can tell whether the file still matches its row
 * by reading a few hundred bytes instead of decoding the picture.
 */
import { deflateSync } from 'node:zlib';
import { qrcode } from '../shared/cli/lazy.js';

/** The smallest width we draw, in pixels: large enough to print and to scan from a screen. */
export const MIN_WIDTH_PX = 600;
/** The quiet zone the QR standard asks for, in modules. */
export const QUIET_ZONE = 4;
/** The iTXt keyword holding the encoded link. */
export const LINK_KEYWORD = 'tg-invite-link';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The module matrix of a QR code: `size` x `size`, row-major, truthy for dark. */
export interface ModuleMatrix {
  size: number;
  data: ArrayLike<number | boolean>;
}

/** Encodes a module matrix as a PNG carrying `link` in its metadata. Pure. */
export function encodeQrPng(matrix: ModuleMatrix, link: string): Buffer {
  const modules = matrix.size + 2 * QUIET_ZONE;
  const scale = Math.ceil(MIN_WIDTH_PX / modules);
  const width = modules * scale;
  const stride = Math.ceil(width / 8);
  // Each scanline: a filter byte (0, none), then 1 bit per pixel, 1 = white.
  const raw = Buffer.alloc((stride + 1) * width);
  const line = Buffer.alloc(stride);
  for (let my = 0; my < modules; my++) {
    line.fill(0xff);
    const y = my - QUIET_ZONE;
    if (y >= 0 && y < matrix.size) {
      for (let x = 0; x < matrix.size; x++) {
        if (!matrix.data[y * matrix.size + x]) continue;
        const from = (x + QUIET_ZONE) * scale;
        for (let px = from; px < from + scale; px++) line[px >> 3]! &= ~(0x80 >> (px & 7));
      }
    }
    for (let r = 0; r < scale; r++) line.copy(raw, (my * scale + r) * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(width, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
  // iTXt: keyword, NUL, no compression, method 0, empty language, NUL, empty translated keyword, NUL, UTF-8 text.
  const itxt = Buffer.concat([Buffer.from(LINK_KEYWORD, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(link, 'utf8')]);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('iTXt', itxt), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The link recorded in the head of a PNG we wrote, or null when `head` (the file's first bytes) is
 * not such a PNG. Pure; reads only the chunks before the image data.
 */
export function readQrLink(head: Uint8Array): string | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length < SIGNATURE.length || !bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) return null;
  let at = SIGNATURE.length;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (type === 'IDAT' || type === 'IEND' || end > bytes.length) return null;
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'iTXt' && crc32(bytes.subarray(at + 4, at + 8 + length)) === bytes.readUInt32BE(at + 8 + length)) {
      const prefix = Buffer.from(`${LINK_KEYWORD}\0\0\0\0\0`, 'latin1');
      if (data.subarray(0, prefix.length).equals(prefix)) return data.subarray(prefix.length).toString('utf8');
    }
    at = end;
  }
  return null;
}

/** Draws the QR code for `link` (error correction H). Loads the qrcode library on first use. */
export async function renderQrPng(link: string): Promise<Buffer> {
  const { default: QRCode } = await qrcode();
  const { modules } = QRCode.create(link, { errorCorrectionLevel: 'H' });
  return encodeQrPng(modules, link);
}

/** The attribute of an SVG's root element that records the link it encodes (read back like the PNG's iTXt). */
export const SVG_LINK_ATTRIBUTE = 'data-tg-invite-link';

const xml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Encodes a module matrix as an SVG to print: the code with its quiet zone, and `label` (the row's
 * id) in text under it, so a printed sheet says whose code is whose. Pure. One path of whole-module
 * runs, no scaling artefacts; the link is recorded on the root element.
 */
export function encodeQrSvg(matrix: ModuleMatrix, link: string, label: string): string {
  const side = matrix.size + 2 * QUIET_ZONE;
  const band = Math.max(6, Math.round(side * 0.16));
  const runs: string[] = [];
  for (let y = 0; y < matrix.size; y++) {
    for (let x = 0; x < matrix.size; ) {
      if (!matrix.data[y * matrix.size + x]) {
        x++;
        continue;
      }
      const from = x;
      while (x < matrix.size && matrix.data[y * matrix.size + x]) x++;
      runs.push(`M${from + QUIET_ZONE} ${y + QUIET_ZONE}h${x - from}v1h-${x - from}z`);
    }
  }
  const scale = Math.ceil(MIN_WIDTH_PX / side);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${SVG_LINK_ATTRIBUTE}="${xml(link)}" width="${side * scale}" height="${(side + band) * scale}" viewBox="0 0 ${side} ${side + band}" shape-rendering="crispEdges">`,
    `<rect width="${side}" height="${side + band}" fill="#fff"/>`,
    `<path fill="#000" d="${runs.join('')}"/>`,
    `<text x="${side / 2}" y="${side + band * 0.45}" font-family="sans-serif" font-size="${(band * 0.55).toFixed(2)}" text-anchor="middle" dominant-baseline="middle" fill="#000">${xml(label)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** The link an SVG we wrote records in its first bytes, or null. Pure. */
export function readSvgLink(head: string): string | null {
  const m = new RegExp(`^<svg [^>]*${SVG_LINK_ATTRIBUTE}="([^"]*)"`).exec(head);
  if (m === null) return null;
  return m[1]!.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}

/** Draws the labelled SVG for `link` (error correction H, the same code as the PNG). */
export async function renderQrSvg(link: string, label: string): Promise<string> {
  const { default: QRCode } = await qrcode();
  const { modules } = QRCode.create(link, { errorCorrectionLevel: 'H' });
  return encodeQrSvg(modules, link, label);
}
