import { describe, expect, it } from '@jest/globals';
import { LinkIndex } from '../../../src/shared/registry/match.js';

const row = (id: string, id_link: string, link: string) => ({ id, id_link, link });

describe('LinkIndex by name', () => {
  it("takes a row's id_link before another row's id, whichever comes first, and the first row of each", () => {
    const a = row('shared', 'a-link', 'https://t.me/+A');
    const b = row('b', 'shared', 'https://t.me/+B');
    const c = row('c', ' shared ', 'https://t.me/+C');
    const d = row('a-link', '', 'https://t.me/+D');
    const e = row('e', '', '');
    const f = row('e', '', 'https://t.me/+F');
    const index = new LinkIndex([a, b, c, d, e, f]);
    expect(index.find(undefined, 'shared')).toBe(b);
    expect(index.find(undefined, 'a-link')).toBe(a);
    expect(index.find(undefined, ' e ')).toBe(e);
    expect(index.find('', 'b')).toBe(b);
    expect(index.find(undefined, 'nobody')).toBeUndefined();
    // A masked URL matches the row its name names only when that row's link begins with the visible part.
    expect(index.find('https://t.me/+…', 'shared')).toBe(b);
    expect(index.find('https://t.me/+A…', 'shared')).toBeUndefined();
    expect(index.size).toBe(5);
  });
});
