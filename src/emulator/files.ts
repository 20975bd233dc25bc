import { badRequest } from './errors.js';
import type { MethodContext } from './context.js';
import type { Params } from './params.js';
import type { PhotoSize, StoredFile } from './state.js';
import type { RecordedFile } from './types.js';

/** A file a send method was given: an upload, an earlier file_id, or a URL. */
export type InputFile =
  | { kind: 'upload'; file: RecordedFile }
  | { kind: 'file_id'; stored: StoredFile }
  | { kind: 'url'; url: string };

/**
 * Reads the file parameter `field` (`photo`, `document`…) as the Bot API does: a multipart upload
 * under that name, `attach://<name>`, an http(s) URL, or a file_id Telegram issued before.
 */
export function readInputFile(ctx: MethodContext, params: Params, field: string): InputFile | undefined {
  const upload = ctx.files.find((file) => file.field === field);
  const value = params.str(field);
  if (upload !== undefined && value === undefined) return checkUpload(upload);
  if (value === undefined || value === '') return undefined;
  if (value.startsWith('attach://')) {
    const attached = ctx.files.find((file) => file.field === value.slice('attach://'.length));
    if (attached === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
    return checkUpload(attached);
  }
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  const stored = ctx.world.files.get(value.trim());
  if (stored === undefined) throw badRequest('wrong file identifier/HTTP URL specified');
  return { kind: 'file_id', stored };
}

function checkUpload(file: RecordedFile): InputFile {
  if (file.bytes.length === 0) throw badRequest('file must be non-empty');
  return { kind: 'upload', file };
}

/** Width and height of a PNG, JPEG, GIF or WebP image, or undefined when the bytes are none of these. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'GIF') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (bytes.length >= 30 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = bytes.toString('latin1', 12, 16);
    if (chunk === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
    if (chunk === 'VP8L') {
      const bits = bytes.readUInt32LE(21);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  return undefined;
}

function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1] as number;
    const length = bytes.readUInt16BE(i + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return undefined;
}

const PHOTO_SIDES = [90, 320, 800, 1280];

/**
 * The PhotoSize array Telegram makes of a photo: scaled copies whose longer side is 90, 320, 800
 * and at most 1280 pixels, smallest first, each with its own file_id.
 */
export function photoSizes(ctx: MethodContext, file: RecordedFile | undefined, size: { width: number; height: number }): PhotoSize[] {
  const longer = Math.max(size.width, size.height, 1);
  const largest = Math.min(longer, 1280);
  const sides = PHOTO_SIDES.filter((side) => side < largest);
  sides.push(largest);
  const source = file ?? { field: 'photo', filename: 'photo.jpg', contentType: 'image/jpeg', bytes: Buffer.alloc(0) };
  return sides.map((side) => {
    const scale = side / longer;
    const stored = ctx.world.storeFile(source, 'AgACAgIAAxkBAA');
    return {
      file_id: stored.fileId,
      file_unique_id: stored.uniqueId,
      file_size: Math.max(1, Math.round(source.bytes.length * scale * scale)),
      width: Math.max(1, Math.round(size.width * scale)),
      height: Math.max(1, Math.round(size.height * scale)),
    };
  });
}

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  html: 'text/html',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The mime_type Telegram reports for a document: the part's type, or one guessed from the name. */
export function mimeTypeOf(file: RecordedFile): string {
  if (file.contentType !== '' && file.contentType !== 'application/octet-stream') return file.contentType;
  const extension = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[extension] ?? 'application/octet-stream';
}
