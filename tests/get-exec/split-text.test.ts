import { describe, expect, it } from '@jest/globals';
import { CAPTION_LIMIT, MESSAGE_LIMIT, splitPost } from '../../src/get-exec/split-text.js';

/** Every word of `text`, in order: what a reader must see across the pieces. */
const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

function sentence(i: number): string {
  return `Sentence number ${i} tells a little more about the meet-up and who is coming.`;
}

describe('splitPost', () => {
  it('keeps a text that fits as one piece, trimmed', () => {
    expect(splitPost('  Hello, group!\n', CAPTION_LIMIT)).toEqual(['Hello, group!']);
    expect(splitPost('x'.repeat(CAPTION_LIMIT), CAPTION_LIMIT)).toEqual(['x'.repeat(CAPTION_LIMIT)]);
  });

  it('gives nothing for blank text', () => {
    expect(splitPost('', CAPTION_LIMIT)).toEqual([]);
    expect(splitPost(' \n\t ', MESSAGE_LIMIT)).toEqual([]);
  });

  it('cuts a long text into a caption and messages within the limits, losing no word', () => {
    const text = Array.from({ length: 300 }, (_, i) => sentence(i)).join(' ');
    const pieces = splitPost(text, CAPTION_LIMIT);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces[0]!.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    for (const piece of pieces.slice(1)) expect(piece.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(words(pieces.join(' '))).toEqual(words(text));
  });

  it('cuts at the end of a sentence rather than between words', () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
    const pieces = splitPost(text, CAPTION_LIMIT);
    expect(pieces[0]).toMatch(/\.$/);
    expect(pieces[1]).toMatch(/^Sentence number \d+ /);
  });

  it('prefers a paragraph break, then a line break, to a sentence end', () => {
    const para1 = Array.from({ length: 8 }, (_, i) => sentence(i)).join(' ');
    const para2 = Array.from({ length: 8 }, (_, i) => sentence(i + 8)).join(' ');
    const text = `${para1}\n\n${para2}`;
    expect(text.length).toBeGreaterThan(CAPTION_LIMIT);
    expect(splitPost(text, CAPTION_LIMIT)).toEqual([para1, para2]);
    const lines = `${para1}\n${para2}`;
    expect(splitPost(lines, CAPTION_LIMIT)).toEqual([para1, para2]);
  });

  it('does not take a paragraph break so early that the caption is nearly empty', () => {
    const text = `Hi!\n\n${Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ')}`;
    const [caption] = splitPost(text, CAPTION_LIMIT);
    expect(caption!.length).toBeGreaterThan(CAPTION_LIMIT / 2);
  });

  it('never cuts inside a word when there is any space', () => {
    const text = `${'word '.repeat(150)}${'a'.repeat(600)} ${'b'.repeat(600)} end`;
    const pieces = splitPost(text, CAPTION_LIMIT);
    for (const piece of pieces) for (const w of words(piece)) expect(['word', 'a'.repeat(600), 'b'.repeat(600), 'end']).toContain(w);
  });

  it('cuts a single word longer than a message, and never between the halves of an emoji', () => {
    const huge = '😀'.repeat(MESSAGE_LIMIT); // 2 code units each
    const pieces = splitPost(huge, CAPTION_LIMIT);
    expect(pieces.join('')).toBe(huge);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      expect(piece).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('starts with a 4096 piece when there is no picture', () => {
    const text = Array.from({ length: 120 }, (_, i) => sentence(i)).join(' ');
    const pieces = splitPost(text, MESSAGE_LIMIT);
    expect(pieces[0]!.length).toBeGreaterThan(CAPTION_LIMIT);
    expect(pieces[0]!.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});
