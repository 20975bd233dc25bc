/**
 * How the ledger (ledger.ts) stores a person: a plain user id as a number, the table position of a
 * chat and user, and arrays of small numbers.
 *
 * The per-person arrays of small numbers (which chat, which link) start narrow and widen
 * when a number outgrows them: a group has one chat and some thousands of links, so a person's chat
 * takes one byte and their link two instead of four each, 0.55 MB less over 110,000 people
 * (BENCHMARKS.md, issue 15, session 7). A snapshot keeps them wide (ledger-snapshot.ts).
 */
import { resized } from '../files/packed-texts.js';

export type IndexArray = Uint8Array | Uint16Array | Uint32Array;

/** The index array types, narrowest first, with the largest value each holds. */
const TYPES: Array<[number, new (n: number) => IndexArray]> = [
  [0xff, Uint8Array],
  [0xffff, Uint16Array],
  [0xffffffff, Uint32Array],
];

/** `array` when it is of the narrowest type that holds values up to `most`, else a copy (its first `used` items) of that type. */
export function holding(array: IndexArray, most: number, used: number): IndexArray {
  const [, Type] = TYPES.find(([limit]) => most <= limit)!;
  return array.constructor === Type ? array : resized<IndexArray>(array, array.length, (n) => new Type(n), used);
}

/** A Uint32Array copy of `array` (its first `used` items) when it is narrower, else `array` itself. */
export function wide(array: IndexArray, used: number): Uint32Array {
  return holding(array, 0xffffffff, used) as Uint32Array;
}

/** A user id as a number when it is a plain one (every Telegram user id is), else null. */
export function numericUser(user: string): number | null {
  // As `String(Number(user)) === user` for a safe integer, without making that string for every row.
  const length = user.length;
  if (length === 0 || length > 16 || (length > 1 && user.charCodeAt(0) === 48)) return null;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const digit = user.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    n = n * 10 + digit;
  }
  return Number.isSafeInteger(n) ? n : null;
}

/** Mixes a chat's index and a numeric user id into a table position. */
export function hashOf(chat: number, user: number): number {
  let h = Math.imul(user >>> 0, 0x9e3779b1) ^ Math.imul((user / 0x100000000) >>> 0, 0x85ebca77) ^ Math.imul(chat + 1, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}
