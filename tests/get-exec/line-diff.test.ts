import { describe, expect, it } from '@jest/globals';
import { blockBytesFor, findRegion, lineStartsOf, takeSnapshot } from '../../src/get-exec/line-diff.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

describe('findRegion', () => {
  it('finds a range outside which every line is the same, and a snapshot equal to a fresh one', () => {
    const next = random(7);
    let regions = 0;
    for (let round = 0; round < 400; round++) {
      const count = 1 + Math.floor(next() * 300);
      const eol = next() < 0.3 ? '\r\n' : '\n';
      const lines = Array.from({ length: count }, (_, i) => `line ${i}\t${'x'.repeat(Math.floor(next() * 90))}${eol}`);
      if (next() < 0.2) lines[lines.length - 1] = lines[lines.length - 1]!.replace(/\r?\n$/, '');
      const before = Buffer.from(lines.join(''));
      const edited = [...lines];
      const at = Math.floor(next() * edited.length);
      const kind = Math.floor(next() * 5);
      if (kind === 0) edited[at] = `changed ${at}${eol}`;
      else if (kind === 1) edited.splice(at, 0, `inserted${eol}`, `and another${eol}`);
      else if (kind === 2) edited.splice(at, 1 + Math.floor(next() * 3));
      else if (kind === 3) edited[at] = edited[at]!.replace('line', 'LINE');
      else edited.push(`appended${eol}`);
      const after = Buffer.from(edited.join(''));
      const old = takeSnapshot(before);
      expect(old.blockBytes).toBe(blockBytesFor(before.length));
      const found = findRegion(old, after);
      if (found === null) {
        expect(after.equals(before)).toBe(true);
        continue;
      }
      regions++;
      const { region } = found;
      const oldLines = linesOf(before.toString());
      const newLines = linesOf(after.toString());
      const added = lineStartsOf(after, region.start, region.newEnd).length;
      expect(newLines.length - added).toBe(oldLines.length - region.oldLines);
      // Lines before the range keep their number; lines after it shift by the difference.
      expect(newLines.slice(0, region.firstLine)).toEqual(oldLines.slice(0, region.firstLine));
      expect(newLines.slice(region.firstLine + added)).toEqual(oldLines.slice(region.firstLine + region.oldLines));
      expect(after.subarray(region.start, region.newEnd).toString()).toBe(newLines.slice(region.firstLine, region.firstLine + added).join(''));
      const updated = takeSnapshot(after, { old, ...found });
      const fresh = takeSnapshot(after);
      expect(Array.from(updated.lineStarts)).toEqual(Array.from(fresh.lineStarts));
      expect(updated.header.equals(fresh.header)).toBe(true);
      if (fresh.blockBytes === updated.blockBytes) expect(updated.head.equals(fresh.head)).toBe(true);
    }
    expect(regions).toBeGreaterThan(300);
  });

  it('keeps the range small: one changed line in 10,000 reads a few lines only', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `2099-01-01 10:00\tpost ${i} ${'y'.repeat(i % 150)}\t\t\t\t\r\n`);
    const before = Buffer.from(lines.join(''));
    const atEnd = [...lines];
    atEnd[9_999] = atEnd[9_999]!.replace('post', 'edited post');
    const found = findRegion(takeSnapshot(before), Buffer.from(atEnd.join('')));
    expect(found!.region.oldLines).toBeLessThan(200);
    const deleted = [...lines];
    deleted[5_000] = '';
    const middle = findRegion(takeSnapshot(before), Buffer.from(deleted.join('')));
    expect(middle!.region.oldLines).toBeLessThan(400);
  });
});
