import { describe, expect, it } from '@jest/globals';
import { LinkIndex } from '../../../src/shared/registry/match.js';
import { PackedInvites } from '../../../src/shared/registry/packed-invites.js';
import type { IndexedInvite } from '../../../src/shared/registry/registry.js';

const invite = (id: string, id_link: string, link: string, more: Partial<IndexedInvite> = {}): IndexedInvite => ({
  id, id_adress: `${id}@example.org`, id_link, link, dt_expire: null, link_status: '', ...more,
});

/** Rows of each kind the registry holds: names shared across columns, blank and padded links, dates, limits. */
const ROWS: IndexedInvite[] = [
  invite('anna', 'anna', 'https://t.me/+AnnaAnnaAnna'),
  invite('boris', 'boris-2026', 'https://t.me/+Boris', { dt_expire: new Date('2026-02-03T08:00:00Z') }),
  invite('shared', 'a-link', 'https://t.me/+A'),
  invite('b', 'shared', 'https://t.me/+B', { max_members: 1 }),
  invite('c', ' shared ', ' https://t.me/+C '),
  invite('a-link', '', 'https://t.me/+D', { max_members: undefined }),
  invite('e', '', ''),
  invite('e', '', 'https://t.me/+F'),
  invite('twice', 'twice', 'https://t.me/+AnnaAnnaAnna'),
  invite('Анна', 'Анна 😀', 'https://t.me/+Unicode', { id_adress: 'анна@пример.рф', max_members: 3 }),
  invite('gone', 'gone', 'https://t.me/+Gone', { link_status: 'revoked' }),
];

const packed = (rows: readonly IndexedInvite[]): PackedInvites => {
  const store = new PackedInvites();
  for (const row of rows) store.push(row);
  return store.seal();
};

describe('PackedInvites', () => {
  it('gives back each row as pushed: dates, a blank or missing max_members, a padded link, a revoked status', () => {
    const store = packed(ROWS);
    expect(store.length).toBe(ROWS.length);
    ROWS.forEach((row, n) => {
      const back = store.at(n);
      expect(back).toEqual(row);
      expect('max_members' in back).toBe('max_members' in row);
    });
    expect(new LinkIndex(store).rows()).toEqual(ROWS);
  });

  it('decides every link and name as the same rows given as they are (one rule, two stores)', () => {
    const plain = new LinkIndex(ROWS);
    const index = new LinkIndex(packed(ROWS));
    expect(index.size).toBe(plain.size);
    const urls = [undefined, '', ' ', ...ROWS.map((row) => row.link), ...ROWS.map((row) => ` ${row.link.trim()}\t`), 'https://t.me/+…', 'https://t.me/+A…', 'https://t.me/+Ann…', 'https://t.me/+Nobody', '…'];
    const names = [undefined, '', ...ROWS.flatMap((row) => [row.id, row.id_link, ` ${row.id} `]), 'nobody'];
    for (const url of urls) for (const name of names) expect(index.find(url, name)).toEqual(plain.find(url, name));
  });

  it('keeps no number columns when no row has an expiry or a limit, and reads them as none', () => {
    const store = packed([invite('x', 'x', 'https://t.me/+X'), invite('y', 'y', 'https://t.me/+Y', { max_members: undefined })]);
    expect(store.at(0)).toEqual(invite('x', 'x', 'https://t.me/+X'));
    expect(store.at(1)).toEqual({ ...invite('y', 'y', 'https://t.me/+Y'), max_members: undefined });
    expect('max_members' in store.at(1)).toBe(true);
  });

  it('takes no row after it is sealed', () => {
    expect(() => packed([]).push(ROWS[0]!)).toThrow(/after seal/);
  });
});
