import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { qrFileName } from '../../src/get-exec/safe-name.js';

describe('qrFileName', () => {
  it('keeps an ordinary id as it is', () => {
    expect(qrFileName('anna-2026')).toBe('anna-2026.png');
    expect(qrFileName('00123')).toBe('00123.png');
    expect(qrFileName('Клуб друзей')).toBe('Клуб друзей.png');
  });

  const hostile = ['../../etc/passwd', '/abs/path', 'a\\b', '..', '.', '.hidden', 'a\u0000b', 'line\nbreak', 'tab\there', 'con', 'x:y', 'trailing.', '  ', 'a/b', 'a_b'];

  it.each(hostile)('turns %j into a plain name inside LINKS/', (id) => {
    const name = qrFileName(id);
    expect(name).toMatch(/\.png$/);
    expect(name).not.toMatch(/[/\\\u0000-\u001f]/);
    expect(name.startsWith('.')).toBe(false);
    const links = path.resolve('/srv/tracker/LINKS');
    expect(path.dirname(path.resolve(links, name))).toBe(links);
  });

  it('never gives two ids the same file', () => {
    const names = hostile.map(qrFileName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is the same every run', () => {
    expect(qrFileName('a/b')).toBe(qrFileName('a/b'));
  });
});
