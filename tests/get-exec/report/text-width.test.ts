import { describe, expect, it } from '@jest/globals';
import { displayWidth, graphemeWidth, truncate } from '../../../src/get-exec/report/text-width.js';

// Pieces of what a registry holds: ASCII ids and links, Cyrillic names, CJK, emoji with and without
// VS16, combining marks, ZWJ sequences, flags, control characters, a lone surrogate.
const PIECES = ['anna-2026', 'https://t.me/+AbC_dEf', ' ', '~', 'Ёлка', '李小龍', 'ｶﾀｶﾅ', 'ＡＢ', '👍', '❤', '❤️', 'e\u0301', '👩‍👩‍👧', '🇩🇪', '\t', '\r\n', '\x1b[31m', '\u200b', '\ud800', 'é', '\x7f', '한국어'];

describe('displayWidth', () => {
  it('gives what the grapheme-by-grapheme count gives, on every pair and triple of mixed pieces', () => {
    for (const a of PIECES) {
      expect([a, displayWidth(a)]).toEqual([a, graphemeWidth(a)]);
      for (const b of PIECES) {
        for (const c of ['', 'x', '字', '\u0308']) {
          const text = a + b + c;
          expect([text, displayWidth(text)]).toEqual([text, graphemeWidth(text)]);
        }
      }
    }
  });

  it('counts one column per printable ASCII character, including the edges of the range', () => {
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    expect(displayWidth(ascii)).toBe(95);
    expect(graphemeWidth(ascii)).toBe(95);
    expect(displayWidth('')).toBe(0);
  });
});

describe('truncate', () => {
  it('cuts ASCII text and mixed text to the same widths the slow way would', () => {
    for (const max of [0, 1, 2, 5, 9, 10, 40]) {
      for (const text of ['anna-2026@example.org', 'Ёлка-李小龍-👍-anna', 'short']) {
        const cut = truncate(text, max);
        if (graphemeWidth(text) <= max) expect(cut).toBe(text);
        else {
          expect(cut.endsWith('…')).toBe(true);
          expect(graphemeWidth(cut)).toBeLessThanOrEqual(Math.max(1, max));
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
        }
      }
    }
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
  });
});
