import { describe, expect, it } from '@jest/globals';
import { PackedTexts, TextIndex } from '../../../src/shared/files/packed-texts.js';

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const SAMPLES = ['', 'a', 'inv-000001', 'https://t.me/+AbCdEfGhIjKlMnOp', 'Анна Петрова', 'naïve café', '😀 emoji 👍🏽', ' padded ', 'tab\there', 'x'.repeat(5000), 'ж'.repeat(100)];

describe('PackedTexts', () => {
  it('gives back every text as pushed, numbered in order, while growing and after trim', () => {
    const texts = new PackedTexts();
    const pushed: string[] = [];
    for (let round = 0; round < 300; round++) for (const sample of SAMPLES) pushed.push(sample), expect(texts.push(sample)).toBe(pushed.length - 1);
    expect(texts.length).toBe(pushed.length);
    pushed.forEach((text, n) => expect(texts.at(n)).toBe(text));
    texts.trim();
    pushed.forEach((text, n) => expect(texts.at(n)).toBe(text));
    // Still takes more after a trim.
    expect(texts.push('after')).toBe(pushed.length);
    expect(texts.at(pushed.length)).toBe('after');
    expect(texts.at(pushed.length - 1)).toBe(pushed[pushed.length - 1]);
  });

  it('compares texts by their bytes', () => {
    const texts = new PackedTexts();
    for (const text of ['abc', 'abd', 'abc', 'ab', 'Анна', 'Анна']) texts.push(text);
    expect(texts.same(0, 2)).toBe(true);
    expect(texts.same(0, 1)).toBe(false);
    expect(texts.same(0, 3)).toBe(false);
    expect(texts.same(4, 5)).toBe(true);
    expect(texts.hash(0)).toBe(texts.hash(2));
  });

  it('reads a lone surrogate back as U+FFFD (texts decoded from a file or JSON hold none)', () => {
    const texts = new PackedTexts();
    texts.push('a\ud800b');
    expect(texts.at(0)).toBe('a\ufffdb');
  });

  it('hashes a stored text as its string: over the bytes when ASCII, over the text when not', () => {
    const texts = new PackedTexts();
    const index = new TextIndex(texts);
    for (const text of ['plain', 'Анна', 'naïve', '😀', '']) {
      const n = texts.push(text);
      expect(index.add(n)).toBe(n);
      expect(index.find(text)).toBe(n);
    }
    // Same UTF-16 length, different text; an ASCII prefix of a longer text.
    expect(index.find('Анне')).toBe(-1);
    expect(index.find('plai')).toBe(-1);
    expect(index.find('plainer')).toBe(-1);
  });
});

describe('TextIndex', () => {
  it('finds what a Map filled with "set unless present" finds, over thousands of texts with repeats', () => {
    const next = random(15);
    const texts = new PackedTexts();
    const index = new TextIndex(texts);
    const oracle = new Map<string, number>();
    const word = () => {
      const pool = ['inv-', 'https://t.me/+', 'Анна', '😀', 'x', '-', '1', '2', '3'];
      let text = '';
      const parts = Math.floor(next() * 6);
      for (let i = 0; i < parts; i++) text += pool[Math.floor(next() * pool.length)];
      return text;
    };
    for (let i = 0; i < 20000; i++) {
      const text = i % 3 === 0 ? `link-${Math.floor(next() * 5000)}` : word();
      const n = texts.push(text);
      const filed = index.add(n);
      if (!oracle.has(text)) oracle.set(text, n);
      expect(filed).toBe(oracle.get(text));
    }
    expect(index.size).toBe(oracle.size);
    for (const [text, n] of oracle) expect(index.find(text)).toBe(n);
    for (const absent of ['link-5000', 'link-', 'nobody', 'Анна ', 'x'.repeat(300)]) expect(index.find(absent)).toBe(oracle.get(absent) ?? -1);
  });

  it('finds a text longer than its scratch room, and one that differs only past the start', () => {
    const texts = new PackedTexts();
    const index = new TextIndex(texts);
    const long = 'y'.repeat(10000);
    index.add(texts.push(long));
    index.add(texts.push(`${long}z`));
    expect(index.find(long)).toBe(0);
    expect(index.find(`${long}z`)).toBe(1);
    expect(index.find(`${long}q`)).toBe(-1);
    expect(index.find('')).toBe(-1);
  });
});
