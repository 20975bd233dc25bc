import { describe, expect, it } from '@jest/globals';
import { characterCount, quote } from '../../src/shared/quote.js';

describe('quote (#11.9)', () => {
  it('quotes a short text as it is, with control characters as escapes so the message stays one line', () => {
    expect(quote('anna')).toBe('"anna"');
    expect(quote('a\tb\nc\r\u0001')).toBe('"a\\tb\\nc\\r\\u0001"');
  });

  it('cuts a long text to 80 characters with "…" and its whole length, never inside an emoji', () => {
    expect(quote('y'.repeat(80))).toBe(`"${'y'.repeat(80)}"`);
    expect(quote('y'.repeat(81))).toBe(`"${'y'.repeat(79)}…" (81 characters)`);
    expect(quote('🎉'.repeat(80))).toBe(`"${'🎉'.repeat(80)}"`);
    expect(quote('🎉'.repeat(100))).toBe(`"${'🎉'.repeat(79)}…" (100 characters)`);
  });

  it('counts characters as Telegram counts a link name: code points', () => {
    expect(characterCount('🎉'.repeat(32))).toBe(32);
    expect(characterCount('abc')).toBe(3);
  });
});
