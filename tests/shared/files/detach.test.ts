import { describe, expect, it } from '@jest/globals';
import { detach } from '../../../src/shared/files/detach.js';

describe('detach', () => {
  it('gives back the same text, whatever it holds', () => {
    const piece = `inv-000001\thttps://t.me/+AbCdEfGhIjKlMnOp\tanna@example.org\t"quoted \\ back" 🎉 Ünïcödé\t\ud800 lone\t${'x'.repeat(5000)}`;
    for (const cell of piece.split('\t')) expect(detach(cell.slice(0))).toBe(cell);
    expect(detach('')).toBe('');
    expect(detach('short')).toBe('short');
    expect(detach(`${'a'.repeat(20)}|${'b'.repeat(20)}`)).toBe(`${'a'.repeat(20)}|${'b'.repeat(20)}`);
  });
});
