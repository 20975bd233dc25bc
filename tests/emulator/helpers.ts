import { deflateSync } from 'node:zlib';
import { Telegraf, type Telegram } from 'telegraf';
import type { BotApiEmulator, EmulatorUser } from '../../src/emulator/index.js';

/** A private supergroup, as the product uses. */
export const GROUP = -1001234567890;
export const alice: EmulatorUser = { id: 1001, first_name: 'Alice', username: 'alice' };
export const bob: EmulatorUser = { id: 1002, first_name: 'Bob', last_name: 'Builder' };

/** telegraf's own Telegram client pointed at the emulator. */
export function telegramFor(emu: BotApiEmulator): Telegram {
  return new Telegraf(emu.token, { telegram: { apiRoot: emu.apiRoot } }).telegram;
}

/** A plain-fetch Bot API call with a JSON body: HTTP status and parsed body. */
export async function call(
  emu: BotApiEmulator,
  method: string,
  params: Record<string, unknown> = {},
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emu.apiRoot}/bot${emu.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    ...init,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid black-and-white PNG of that size (pngjs is very slow under jest's vm modules). */
export function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const row = 1 + Math.ceil(width / 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(row * height))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
