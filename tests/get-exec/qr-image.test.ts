import { describe, expect, it } from '@jest/globals';
import QRCode from 'qrcode';
import { MIN_WIDTH_PX, QUIET_ZONE, readQrLink, renderQrPng } from '../../src/get-exec/qr-image.js';
import { decodeQr } from './helpers.js';

const link = 'https://t.me/+AbCdEfGhIjKlMnOp';

describe('renderQrPng', () => {
  it('draws a code a real decoder reads back as the link, at least 600 px wide', async () => {
    const png = await renderQrPng(link);
    const decoded = decodeQr(png);
    expect(decoded.text).toBe(link);
    expect(decoded.width).toBeGreaterThanOrEqual(MIN_WIDTH_PX);
    expect(decoded.height).toBe(decoded.width);
  });

  it('uses error correction H and a quiet zone of 4 modules, with whole pixels per module', async () => {
    const png = await renderQrPng(link);
    const { width } = decodeQr(png);
    const size = QRCode.create(link, { errorCorrectionLevel: 'H' }).modules.size;
    expect(QRCode.create(link, { errorCorrectionLevel: 'L' }).modules.size).toBeLessThan(size);
    expect(width % (size + 2 * QUIET_ZONE)).toBe(0);
  });

  it('records the link in the PNG head, where a later run reads it back', async () => {
    const png = await renderQrPng(link);
    expect(readQrLink(png.subarray(0, 2048))).toBe(link);
    expect(readQrLink(Buffer.from('not a png'))).toBeNull();
    const corrupted = Buffer.from(png);
    corrupted[60] = corrupted[60]! ^ 0xff; // inside the iTXt chunk: its CRC no longer matches
    expect(readQrLink(corrupted)).toBeNull();
  });

  it('reads a link with non-Latin characters', async () => {
    const odd = 'https://example.org/приглашение?x=1';
    const png = await renderQrPng(odd);
    expect(readQrLink(png)).toBe(odd);
    expect(decodeQr(png).text).toBe(odd);
  });
});
