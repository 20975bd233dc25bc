import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { appendRow, cell, ensureColumns, parseTable, PlainTableScanner, rowObject, scanTable, serializeTable, setCells, type TableFrame, type TableRow } from '../../../src/shared/files/tsv.js';
import { LEGACY_DIR } from '../../support/tmp.js';

const legacy = (name: string) => readFileSync(path.join(LEGACY_DIR, name), 'utf8');

describe('parseTable / serializeTable', () => {
  it.each(['invite_data.txt', 'responde_data.txt', 'text_schedule.txt', 'key_bb.txt'])('round-trips the legacy %s byte for byte', (name) => {
    const text = legacy(name);
    expect(serializeTable(parseTable(text, name))).toBe(text);
  });

  it('reads rows shorter than the header as blanks', () => {
    const t = parseTable(legacy('invite_data.txt'), 'invite_data.txt');
    expect(t.header.cells).toEqual(['id', 'id_adress', 'link_path', 'chat_id', 'id_link', 'link', 'dt_create', 'dt_expire']);
    expect(t.rows).toHaveLength(3);
    const first = t.rows[0]!;
    expect(first.cells).toHaveLength(5);
    expect(cell(t, first, 'chat_id')).toBe('-1,00E+12');
    expect(cell(t, first, 'link')).toBe('');
    expect(cell(t, first, 'dt_expire')).toBe('');
    expect(rowObject(t, first).dt_create).toBe('');
  });

  it('keeps a lone-tab line as a blank record, not data', () => {
    const t = parseTable(legacy('responde_data.txt'), 'responde_data.txt');
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]!.blank).toBe(true);
  });

  it('keeps CRLF, BOM and the missing final line ending', () => {
    const text = '\uFEFFa\tb\r\n1\t2\r\n3\t4';
    const t = parseTable(text, 'x.txt');
    expect(t.bom).toBe(true);
    expect(t.eol).toBe('\r\n');
    expect(t.rows.map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
    expect(serializeTable(t)).toBe(text);
  });

  it('keeps ids as text: 00123 stays 00123', () => {
    const t = parseTable('id\tn\n00123\t1e5\n', 'x.txt');
    expect(t.rows[0]!.cells).toEqual(['00123', '1e5']);
  });

  it('reads quoted cells with tabs and line breaks, and numbers lines by the file', () => {
    const text = 'a\tb\n"x\ty"\t"two\nlines"\n3\t4\n';
    const t = parseTable(text, 'x.txt');
    expect(t.rows[0]!.cells).toEqual(['x\ty', 'two\nlines']);
    expect(t.rows[1]!.line).toBe(4);
    expect(serializeTable(t)).toBe(text);
  });

  it('reads a file with mixed line endings without losing the CRs', () => {
    const text = 'a\tb\r\n1\t2\n3\t4\r\n';
    const t = parseTable(text, 'x.txt');
    expect(t.rows.map((r) => r.cells)).toEqual([['1', '2'], ['3', '4']]);
    setCells(t, t.rows[1]!, { b: '5' });
    expect(serializeTable(t)).toBe('a\tb\r\n1\t2\n3\t5\r\n');
  });

  it('flags a row with more fields than the header, naming line and column, and keeps it', () => {
    const text = 'a\tb\n1\t2\n1\t2\t3\n4\t5\n';
    const t = parseTable(text, 'data/x.txt');
    expect(t.rows[0]!.error).toBeUndefined();
    expect(t.rows[1]!.error?.message).toBe(
      'data/x.txt:3:5: row has 3 fields but the header names 2 columns; remove the extra tab(s) or add a column name to the header',
    );
    expect(t.rows[2]!.error).toBeUndefined();
    expect(serializeTable(t)).toBe(text);
  });

  it('rewrites only the row that changed', () => {
    const text = legacy('invite_data.txt');
    const t = parseTable(text, 'invite_data.txt');
    setCells(t, t.rows[1]!, { link: 'https://t.me/+abc', id_link: '2' });
    const out = serializeTable(t).split('\n');
    const before = text.split('\n');
    expect(out[0]).toBe(before[0]);
    expect(out[1]).toBe(before[1]);
    expect(out[2]).toBe('2\taddr2@post.com\t~/Desktop/tg_repo/links\t-1,00E+12\t2\thttps://t.me/+abc');
    expect(out[3]).toBe(before[3]);
  });

  it('appends new columns at the end of the header only', () => {
    const text = legacy('text_schedule.txt');
    const t = parseTable(text, 'text_schedule.txt');
    expect(ensureColumns(t, ['dt_time', 'post_status'])).toBe(true);
    expect(ensureColumns(t, ['post_status'])).toBe(false);
    const out = serializeTable(t);
    expect(out.startsWith('dt_time\ttext\tfile_path\tpost_status\r\n')).toBe(true);
    expect(out.slice(out.indexOf('\r\n'))).toBe(text.slice(text.indexOf('\r\n')));
  });

  it('appends a row with the file\'s own line ending, mending a missing final one', () => {
    const t = parseTable('a\tb\r\n1\t2', 'x.txt');
    appendRow(t, { a: '3', b: 'x\ty' });
    expect(serializeTable(t)).toBe('a\tb\r\n1\t2\r\n3\t"x\ty"');
    const u = parseTable('a\tb\n', 'y.txt');
    appendRow(u, { b: '9' });
    expect(serializeTable(u)).toBe('a\tb\n\t9\n');
  });

  it('quotes only what tab-separated text needs when writing', () => {
    const t = parseTable('a\tb\tc\n', 'x.txt');
    appendRow(t, { a: ' spaced ', b: 'say "hi"', c: '"quoted' });
    expect(serializeTable(t)).toBe('a\tb\tc\n spaced \tsay "hi"\t"""quoted"\n');
    expect(parseTable(serializeTable(t), 'x.txt').rows[0]!.cells).toEqual([' spaced ', 'say "hi"', '"quoted']);
  });
});

describe('PlainTableScanner', () => {
  /** Every row scanTable hands out, as plain data (the error as its message). */
  const rowsOf = (scan: (onRow: (row: TableRow) => void) => TableFrame) => {
    const rows: unknown[] = [];
    const frame = scan((row) => rows.push({ ...row, error: row.error?.message }));
    return { rows, frame: { header: frame.header, eol: frame.eol, bom: frame.bom } };
  };
  const texts = [
    'a\tb\r\n1\t2\r\n\t\r\n3\t4\t5\r\n',
    '\uFEFFa\tb\n1\t2\n\n3',
    'a\tb\r1\r\n2\n\r\n\r\r',
    'only a header',
    'h\r',
    '',
    '\uFEFF',
    'id\tname\nx\tЖанна 🙂\ny\tÅ\n',
  ];

  it.each(texts.map((t) => [JSON.stringify(t), t]))('gives what scanTable gives for %s, however the text is cut', (_, text) => {
    const whole = rowsOf((onRow) => scanTable(text, 'f.txt', onRow));
    for (let size = 1; size <= Math.max(1, text.length); size++) {
      const pieces = rowsOf((onRow) => {
        const scanner = new PlainTableScanner('f.txt', onRow);
        for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size));
        const { endsWithLineBreak, ...frame } = scanner.end();
        expect(endsWithLineBreak).toBe(/[\r\n]$/.test(text));
        return frame;
      });
      expect(pieces).toEqual(whole);
    }
  });
});
