import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cell, encodeTable, ensureColumns, formatRecord, rowObject, setCells } from '../../../src/shared/files/table.js';
import { parseTable, TsvScanner, type Table, type TableFrame, type TableRow } from '../../../src/shared/files/tsv.js';

const serializeTable = (table: Table): string => encodeTable(table).toString('utf8');
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

  it('quotes only what tab-separated text needs when writing', () => {
    const t = parseTable('a\tb\tc\n', 'x.txt');
    const line = formatRecord(t.header.cells, { a: ' spaced ', b: 'say "hi"', c: '"quoted' });
    expect(line).toBe(' spaced \tsay "hi"\t"""quoted"');
    expect(parseTable(`a\tb\tc\n${line}\n`, 'x.txt').rows[0]!.cells).toEqual([' spaced ', 'say "hi"', '"quoted']);
  });

  it('quotes a cell with a tab, a line break or a leading quote, and reads every cell back as written', () => {
    const cells = ['', 'plain', 'a\tb', 'a\nb', 'a\rb', '\r\n', '"', '"a"', 'a"b', 'end"', '\t', 'Анна\t"', '😀\n'];
    const header = cells.map((_, i) => `c${i}`);
    const line = formatRecord(header, Object.fromEntries(cells.map((value, i) => [`c${i}`, value])));
    expect(line.startsWith('\tplain\t"a\tb"\t')).toBe(true);
    expect(line).toContain('\ta"b\tend"\t');
    expect(parseTable(`${header.join('\t')}\n${line}\n`, 'x.txt').rows[0]!.cells).toEqual(cells);
  });
});

describe('TsvScanner', () => {
  /** Every row the scanner hands out, as plain data (the error as its message). */
  const rowsOf = (scan: (onRow: (row: TableRow) => void) => TableFrame) => {
    const rows: unknown[] = [];
    const frame = scan((row) => rows.push({ ...row, error: row.error?.message }));
    return { rows, frame };
  };
  const whole = (text: string) => (onRow: (row: TableRow) => void) => {
    const scanner = new TsvScanner('f.txt', onRow);
    scanner.push(text);
    return scanner.end();
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
    'a\tb\n"x\ty"\t"two\r\nlines"\n3\t"4"\n',
    'a\tb\n1\t"open\n2\tx\n',
  ];

  it.each(texts.map((t) => [JSON.stringify(t), t]))('gives the same rows for %s however the text is cut', (_, text) => {
    const all = rowsOf(whole(text));
    for (let size = 1; size <= Math.max(1, text.length); size++) {
      const pieces = rowsOf((onRow) => {
        const scanner = new TsvScanner('f.txt', onRow);
        for (let i = 0; i < text.length; i += size) scanner.push(text.slice(i, i + size));
        return scanner.end();
      });
      expect(pieces).toEqual(all);
    }
    expect(all.frame.endsWithLineBreak).toBe(/[\r\n]$/.test(text));
  });
});

describe('a broken quote costs one row, never the rows after it', () => {
  const header = 'id\tid_adress\tlink';

  it('a quote inside a quoted cell that is not doubled: that row is an error naming line and column; the next rows read', () => {
    const text = `${header}\n1\t"Anna (the "boss\t\n2\tBoris\t\n3\tCarl\t\n`;
    const t = parseTable(text, 'data/invite_data.txt');
    expect(t.rows.map((r) => r.error?.message)).toEqual([
      expect.stringMatching(/^data\/invite_data\.txt:2:3 \(id_adress\): this cell starts with a quote, so it must end with one .*the quote at column 14 is followed by more text/),
      undefined,
      undefined,
    ]);
    expect(t.rows.slice(1).map((r) => r.cells)).toEqual([['2', 'Boris', ''], ['3', 'Carl', '']]);
    expect(serializeTable(t)).toBe(text);
  });

  it('a quote that never closes: the row with it is an error; every row after it is still a row', () => {
    const text = `${header}\n1\t"Anna\t\n2\tBoris\t\n3\tCarl\t`;
    const t = parseTable(text, 'data/invite_data.txt');
    expect(t.rows.map((r) => [r.line, r.error?.message ?? r.cells.join('|')])).toEqual([
      [2, expect.stringMatching(/^data\/invite_data\.txt:2:3 \(id_adress\): this cell starts with a quote that never closes/)],
      [3, '2|Boris|'],
      [4, '3|Carl|'],
    ]);
    expect(serializeTable(t)).toBe(text);
  });

  it('a quote that closes rows later, in the wrong place, is the first row\'s error, not a merge', () => {
    const text = `${header}\n1\t"Anna\t\n2\tBoris\t\n3\t"Carl" B\t\n4\tDora\t\n`;
    const t = parseTable(text, 'f.txt');
    expect(t.rows.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(t.rows.map((r) => r.error === undefined)).toEqual([false, true, false, true]);
    expect(serializeTable(t)).toBe(text);
  });

  it('a quoted cell that really spans lines is one row, numbered by its first line', () => {
    const text = `${header}\n1\t"two\n\nparagraphs"\tx\n2\tB\t\n`;
    const t = parseTable(text, 'f.txt');
    expect(t.rows.map((r) => [r.line, r.cells])).toEqual([[2, ['1', 'two\n\nparagraphs', 'x']], [5, ['2', 'B', '']]]);
  });
});
