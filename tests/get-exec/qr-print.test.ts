/**
 * QR codes an admin can print (issue #14): LINKS/<id>.svg carries the same code as the PNG with the
 * row's id as text under it, and `tg-get qr --sheet FILE` puts every working code on one page.
 */
import { describe, expect, it } from '@jest/globals';
import QRCode from 'qrcode';
import { encodeQrSvg, QUIET_ZONE, readSvgLink, renderQrSvg } from '../../src/get-exec/qr-image.js';
import { decodeQr, INVITE_HEADER, runTgGet, Workspace } from './helpers.js';

const link = 'https://t.me/+AbCdEfGhIjKlMnOp';

/** The dark modules an SVG of ours draws, read back from its path's runs. */
function modulesOf(svg: string, size: number): boolean[] {
  const d = /<path fill="#000" d="([^"]*)"/.exec(svg)![1]!;
  const dark = new Array<boolean>(size * size).fill(false);
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]) - QUIET_ZONE, Number(m[2]) - QUIET_ZONE, Number(m[3])];
    for (let i = 0; i < w; i++) dark[y * size + x + i] = true;
  }
  return dark;
}

describe('the labelled SVG', () => {
  it('draws exactly the modules of the code (error correction H) and the label as text under it', async () => {
    const svg = await renderQrSvg(link, 'anna-2026');
    const { modules } = QRCode.create(link, { errorCorrectionLevel: 'H' });
    expect(modulesOf(svg, modules.size)).toEqual(Array.from(modules.data, Boolean));
    const side = modules.size + 2 * QUIET_ZONE;
    const text = /<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/.exec(svg)!;
    expect(text[3]).toBe('anna-2026');
    expect(Number(text[1])).toBe(side / 2);
    expect(Number(text[2])).toBeGreaterThan(side);
    expect(readSvgLink(svg)).toBe(link);
  });

  it('escapes the label and the link', () => {
    const svg = encodeQrSvg({ size: 1, data: [1] }, 'https://t.me/+a"b&c', '<Anna & "Bo">');
    expect(svg).toContain('&lt;Anna &amp; &quot;Bo&quot;&gt;</text>');
    expect(readSvgLink(svg)).toBe('https://t.me/+a"b&c');
  });
});

describe('tg-get qr', () => {
  it('writes the PNG (still decodable) and the labelled SVG per row, and with --sheet one printable page of the working codes', async () => {
    const rows = [
      `anna\ta@x\tLINKS\t\tanna\thttps://t.me/+AnnaAnnaAnna1234\t\t\t`,
      `boris\tb@x\tLINKS\t\tboris\thttps://t.me/+BorisBorisBo1234\t\t\t`,
      `gone\tg@x\tLINKS\t\tgone\thttps://t.me/+GoneGoneGone1234\t\t\trevoked`,
    ];
    const ws = new Workspace({ invites: `${INVITE_HEADER}\tlink_status\n${rows.join('\n')}\n` });
    try {
      const result = await runTgGet(['qr', '--sheet', 'print/sheet.html'], { cwd: ws.dir, env: {} });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/2 QR codes written/);
      expect(result.stdout).toMatch(/sheet print\/sheet\.html: 2 QR codes, ready to print/);
      expect(ws.links()).toEqual(['anna.png', 'boris.png']);
      for (const [id, url] of [['anna', 'https://t.me/+AnnaAnnaAnna1234'], ['boris', 'https://t.me/+BorisBorisBo1234']] as const) {
        expect(decodeQr(ws.bytes(`LINKS/${id}.png`)).text).toBe(url);
        const svg = ws.read(`LINKS/${id}.svg`);
        expect(readSvgLink(svg)).toBe(url);
        expect(svg).toContain(`>${id}</text>`);
      }
      const sheet = ws.read('print/sheet.html');
      expect(sheet.match(/<svg /g)).toHaveLength(2);
      expect(sheet).toContain('>anna</text>');
      expect(sheet).toContain('>boris</text>');
      expect(sheet).not.toContain('Gone');
      expect(sheet).toMatch(/break-inside: avoid/);

      // A second run: every code current, nothing drawn again.
      const again = await runTgGet(['qr', '--verbose'], { cwd: ws.dir, env: {} });
      expect(again.stdout).toMatch(/0 QR codes written/);
    } finally {
      ws.remove();
    }
  });
});
