// Decodes the QR code PNG on stdin with pngjs + jsQR; prints {"text", "width", "height"} as JSON.
// A plain Node process: inside jest's module sandbox the same decode runs 6-10 times slower.
import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import pngjs from 'pngjs';

const image = pngjs.PNG.sync.read(readFileSync(0));
const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
process.stdout.write(JSON.stringify({ text: code?.data ?? null, width: image.width, height: image.height }));
