/**
 * Texts that a long-running process keeps by the thousand (tg-handler's registry index: every link,
 * name and e-mail of the registry), packed. As strings each would cost a 16-byte header, two bytes a
 * character once one is outside Latin-1, and an object or a Map entry to hold it. Here a column of
 * texts is their UTF-8 bytes in one buffer with their ends in a typed array, and a text is found by
 * its bytes through an open-addressing table of numbers: a 10,000-row registry's index is about
 * 0.9 MB instead of 2.4 MB of heap (BENCHMARKS.md, issue 15, session 7). Reading a text back makes a
 * string; keep these for what is held long and read seldom.
 *
 * Texts are stored as UTF-8, so a lone surrogate reads back as U+FFFD, and a text holding one is not
 * found by it: a text decoded from a file or from JSON holds none.
 */

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/**
 * A copy of `array`, `length` long, with its first `used` items (all that fit, by default), made by
 * `make` (by default an array of its own type). Only what is written is touched: a long tail costs
 * no memory until it is used.
 */
export function resized<T extends TypedArray>(array: T, length: number, make?: (length: number) => T, used = array.length): T {
  const next = make === undefined ? new (array.constructor as new (n: number) => T)(length) : make(length);
  next.set(array.subarray(0, Math.min(used, length)) as never);
  return next;
}

/** `length` doubled (from 16 at least) until it holds `size`. */
export const doubled = (length: number, size: number): number => {
  let next = Math.max(length, 16);
  while (next < size) next *= 2;
  return next;
};

/** A Buffer (for its UTF-8 write and read): its constructor, which `resized` would call, is deprecated. */
const bytesOf = (length: number): Buffer => Buffer.alloc(length);

/**
 * FNV-1a over a text's UTF-16 code units, so a lookup hashes the string it is given without encoding
 * it (the report interns a link id per row of a million); a stored ASCII text hashes its bytes alike.
 */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A column of texts, numbered from 0 in the order pushed. */
export class PackedTexts {
  private bytes: Buffer = Buffer.alloc(0);
  /** Where text n ends in `bytes` (it begins where text n-1 ends). */
  private ends: Uint32Array = new Uint32Array(0);
  private count = 0;

  /** How many texts. */
  get length(): number {
    return this.count;
  }

  /** Adds a text; returns its number. */
  push(text: string): number {
    const start = this.end(this.count - 1);
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (start + text.length * 3 > this.bytes.length) this.bytes = resized(this.bytes, doubled(this.bytes.length, start + text.length * 3), bytesOf);
    const written = this.bytes.write(text, start);
    if (this.count === this.ends.length) this.ends = resized(this.ends, doubled(this.ends.length, this.count + 1));
    this.ends[this.count] = start + written;
    return this.count++;
  }

  /** Text `n` (0 <= n < length). */
  at(n: number): string {
    return this.bytes.toString('utf8', this.end(n - 1), this.end(n));
  }

  /** Gives back the room kept for more texts: call it once the column is complete. */
  trim(): void {
    this.bytes = resized(this.bytes, this.end(this.count - 1), bytesOf);
    this.ends = resized(this.ends, this.count);
  }

  /** The hash of text `n` (hashText's: over its bytes when they are ASCII, else over the text read back). */
  hash(n: number): number {
    const start = this.end(n - 1);
    const end = this.end(n);
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const byte = this.bytes[i]!;
      if (byte >= 0x80) return hashText(this.at(n));
      h = Math.imul(h ^ byte, 0x01000193);
    }
    return h >>> 0;
  }

  /** Whether text `n` is `text`: compared as it is while `text` is ASCII, else by their UTF-8. */
  equals(n: number, text: string): boolean {
    const start = this.end(n - 1);
    const length = this.end(n) - start;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) return Buffer.from(text, 'utf8').equals(this.bytes.subarray(start, start + length));
      if (i >= length || this.bytes[start + i] !== unit) return false;
    }
    return length === text.length;
  }

  /** Whether texts `n` and `m` have the same bytes. */
  same(n: number, m: number): boolean {
    const start = this.end(n - 1);
    const other = this.end(m - 1);
    const length = this.end(n) - start;
    if (this.end(m) - other !== length) return false;
    for (let i = 0; i < length; i++) if (this.bytes[start + i] !== this.bytes[other + i]) return false;
    return true;
  }

  private end(n: number): number {
    return n < 0 ? 0 : this.ends[n]!;
  }
}

/** A slot of the table holds a text's number plus one; 0 is an empty slot. */
const EMPTY = 0;

/**
 * Finds texts of a `PackedTexts` by their bytes: the first text added with given bytes wins, as a
 * Map filled with "set unless present" would keep it.
 */
export class TextIndex {
  private table = new Uint32Array(16);
  private entries = 0;

  constructor(private readonly texts: PackedTexts) {}

  /** How many distinct texts the index holds. */
  get size(): number {
    return this.entries;
  }

  /** Files text `n` unless a text with the same bytes is filed already; returns the number filed for them. */
  add(n: number): number {
    // Kept at most half full, so a probe is short.
    if ((this.entries + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let at = this.texts.hash(n) & mask; ; at = (at + 1) & mask) {
      const cell = this.table[at]!;
      if (cell === EMPTY) {
        this.table[at] = n + 1;
        this.entries++;
        return n;
      }
      if (this.texts.same(cell - 1, n)) return cell - 1;
    }
  }

  /** The number filed for `text`'s bytes, or -1. */
  find(text: string): number {
    const mask = this.table.length - 1;
    for (let at = hashText(text) & mask; ; at = (at + 1) & mask) {
      const cell = this.table[at]!;
      if (cell === EMPTY) return -1;
      if (this.texts.equals(cell - 1, text)) return cell - 1;
    }
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Uint32Array(size);
    const mask = size - 1;
    for (const cell of old) {
      if (cell === EMPTY) continue;
      let at = this.texts.hash(cell - 1) & mask;
      while (this.table[at] !== EMPTY) at = (at + 1) & mask;
      this.table[at] = cell;
    }
  }
}
