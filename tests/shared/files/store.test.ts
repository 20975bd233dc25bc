import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LockBusyError } from '../../../src/shared/errors.js';
import { AppendLog } from '../../../src/shared/files/append-log.js';
import { loadTable, readTable, replaceHead, writeAtomic, writeTable } from '../../../src/shared/files/store.js';
import { withFileLock } from '../../../src/shared/files/lock.js';
import { setCells } from '../../../src/shared/files/table.js';
import { TsvScanner, type TableRow } from '../../../src/shared/files/tsv.js';
import { REPO_ROOT, TempFolder } from '../../support/tmp.js';

const DIST = path.join(REPO_ROOT, 'dist');
const worker = (name: string) => path.join(REPO_ROOT, 'tests', 'support', 'workers', name);

function runNode(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

let tmp: TempFolder;
let dir: string;

/**
 * A file's bytes as a string of one character per byte (latin1), for exact comparisons of big files:
 * jest's toEqual walks a Buffer key by key and took seconds on these.
 */
const byteText = (bytes: Buffer): string => bytes.toString('latin1');
beforeEach(() => { dir = (tmp = new TempFolder()).dir; });
afterEach(() => tmp.remove());

describe('writeAtomic', () => {
  it('replaces the content and leaves no temp file behind', async () => {
    const file = path.join(dir, 'a.txt');
    await writeFile(file, 'old');
    await writeAtomic(file, 'new\r\ncontent');
    expect(await readFile(file, 'utf8')).toBe('new\r\ncontent');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('leaves either the old or the new file when the writer is killed at any moment', async () => {
    const file = path.join(dir, 'big.txt');
    await writeFile(file, 'B'.repeat(2_000_000));
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, [worker('atomic-writer.mjs'), DIST, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + round * 37));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const text = await readFile(file, 'utf8');
      expect(text.length).toBe(2_000_000);
      expect(text === 'A'.repeat(2_000_000) || text === 'B'.repeat(2_000_000)).toBe(true);
    }
  });
});

describe('withFileLock', () => {
  it('keeps two processes from losing each other\'s updates', async () => {
    const file = path.join(dir, 'counter.txt');
    await writeFile(file, '0');
    const codes = await Promise.all([1, 2, 3].map(() => runNode([worker('locked-counter.mjs'), DIST, file, '15'])));
    expect(codes).toEqual([0, 0, 0]);
    expect(await readFile(file, 'utf8')).toBe('45');
  });

  it('takes over a lock left by a killed process once it is stale', async () => {
    const file = path.join(dir, 'data.txt');
    await writeFile(file, 'x');
    await mkdir(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, old, old);
    await expect(withFileLock(file, async () => 'got it', { waitMs: 1000 })).resolves.toBe('got it');
  });

  it('takes a lock over only once it is older than the stale age asked for, and never under 2 s', async () => {
    const file = path.join(dir, 'data.txt');
    await writeFile(file, 'x');
    await mkdir(`${file}.lock`);
    const threeSecondsOld = new Date(Date.now() - 3_000);
    await utimes(`${file}.lock`, threeSecondsOld, threeSecondsOld);
    await expect(withFileLock(file, async () => 'too soon', { waitMs: 300 })).rejects.toBeInstanceOf(LockBusyError); // default 10 s
    await expect(withFileLock(file, async () => 'got it', { waitMs: 300, staleMs: 2_000 })).resolves.toBe('got it');

    await mkdir(`${file}.lock`);
    const halfSecondOld = new Date(Date.now() - 500);
    await utimes(`${file}.lock`, halfSecondOld, halfSecondOld);
    await expect(withFileLock(file, async () => 'too soon', { waitMs: 300, staleMs: 100 })).rejects.toBeInstanceOf(LockBusyError);
  });

  it('gives up with a clear error when a live holder keeps it', async () => {
    const file = path.join(dir, 'data.txt');
    await writeFile(file, 'x');
    await withFileLock(file, async () => {
      const second = withFileLock(file, async () => 'never', { waitMs: 300 });
      await expect(second).rejects.toBeInstanceOf(LockBusyError);
      await expect(second).rejects.toThrow(/data\.txt is locked by another running tg-get or tg-handler/);
    });
    await expect(withFileLock(file, async () => 'free again', { waitMs: 300 })).resolves.toBe('free again');
  });
});

describe('AppendLog', () => {
  it('keeps every line whole with several processes appending at once', async () => {
    const file = path.join(dir, 'log.txt');
    await writeFile(file, 'head\n');
    const codes = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((tag) => runNode([worker('appender.mjs'), DIST, file, tag, '300'])));
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[0]).toBe('head');
    expect(lines.pop()).toBe('');
    const body = lines.slice(1);
    expect(body).toHaveLength(1200);
    for (const line of body) expect(line).toMatch(/^p[1-4]\t\d+\tx{200}$/);
    for (const tag of ['p1', 'p2', 'p3', 'p4']) {
      const seq = body.filter((l) => l.startsWith(`${tag}\t`)).map((l) => Number(l.split('\t')[1]));
      expect(seq).toEqual([...Array(300).keys()]);
    }
  });

  it('writes appends made in one tick as one batch and resolves each when durable', async () => {
    const file = path.join(dir, 'log.txt');
    const log = await AppendLog.open(file);
    await Promise.all(['a\n', 'b\n', 'c\n'].map((l) => log.append(l)));
    expect(await readFile(file, 'utf8')).toBe('a\nb\nc\n');
    await log.append('d\n');
    await log.close();
    expect(await readFile(file, 'utf8')).toBe('a\nb\nc\nd\n');
    await expect(log.append('e\n')).rejects.toThrow(/closed/);
  });

  it('writes a batch bigger than the room it starts with, in every kind of character, byte for byte', async () => {
    const file = path.join(dir, 'log.txt');
    await writeFile(file, 'torn');
    const log = await AppendLog.open(file, '\r\n');
    // About 250 KB in one tick: two-, three- and four-byte characters, past the 64 KB first kept.
    const lines = Array.from({ length: 500 }, (_, i) => `${i}\t${'ж€😀x'.repeat(50)}\r\n`);
    await Promise.all(lines.map((line) => log.append(line)));
    // The next batches reuse the room: nothing of the big one may be left in them.
    await log.append('after\r\n');
    await Promise.all([log.append('one\r\n'), log.append('two\r\n')]);
    await log.close();
    expect(await readFile(file, 'utf8')).toBe(`torn\r\n${lines.join('')}after\r\none\r\ntwo\r\n`);
  });

  it('appends fields as one tab-separated line with its line ending, as a line of text would be', async () => {
    const file = path.join(dir, 'log.txt');
    const log = await AppendLog.open(file, '\r\n');
    const fields = ['1', '', 'Анна', '"quoted"', '😀 x'];
    const written = log.appendFields(fields);
    // Read at once: the caller may refill its array right away.
    fields.fill('changed');
    await Promise.all([written, log.append('text\r\n'), log.appendFields([])]);
    await log.close();
    expect(await readFile(file, 'utf8')).toBe('1\t\tАнна\t"quoted"\t😀 x\r\ntext\r\n\r\n');
  });
});

describe('AppendLog: a torn last line', () => {
  it('is closed with the given line ending before the first row, never glued to it', async () => {
    const file = path.join(dir, 'log.txt');
    await writeFile(file, 'a\tb\r\n1\t2');
    const log = await AppendLog.open(file, '\r\n');
    await log.append('3\t4\r\n');
    await log.append('5\t6\r\n');
    await log.close();
    expect(await readFile(file, 'utf8')).toBe('a\tb\r\n1\t2\r\n3\t4\r\n5\t6\r\n');
  });

  it('is closed at the next start when a run before left one behind (a crash in the middle of a write)', async () => {
    const file = path.join(dir, 'log.txt');
    await writeFile(file, 'h\n');
    const first = await AppendLog.open(file);
    await first.append('1\n');
    await first.close();
    await writeFile(file, 'half a li', { flag: 'a' });
    const second = await AppendLog.open(file);
    await second.append('2\n');
    await second.close();
    expect(await readFile(file, 'utf8')).toBe('h\n1\nhalf a li\n2\n');
  });
});

describe('readTable', () => {
  /** The rows and frame of readTable, beside those of the scanner over the file's whole text. */
  async function both(bytes: Buffer) {
    const file = path.join(dir, 'f.txt');
    await writeFile(file, bytes);
    const viaFile: TableRow[] = [];
    const frame = await readTable(file, 'data/f.txt', 'rows', (row) => viaFile.push(row));
    const viaText: TableRow[] = [];
    const scanner = new TsvScanner('data/f.txt', (row) => viaText.push(row));
    scanner.push(bytes.toString('utf8'));
    return { viaFile, viaText, frame, whole: scanner.end() };
  }

  it('reads a file bigger than one piece as its whole text reads', async () => {
    // 200,000 bytes: pieces end inside two-byte letters, four-byte emoji and CRLF pairs.
    const lines = ['id\tname'];
    // The joined length, kept as lines are added (joining at every step made this test quadratic).
    for (let i = 0, length = lines[0]!.length; length < 100_000; i++) {
      lines.push(`${i}\tЖанна 🙂 ${'é'.repeat(i % 7)}`);
      length += 2 + lines.at(-1)!.length;
    }
    const { viaFile, viaText, frame, whole } = await both(Buffer.from(`\uFEFF${lines.join('\r\n')}`));
    expect(viaFile.length).toBe(lines.length - 1);
    expect(viaFile).toEqual(viaText);
    expect(frame).toEqual(whole);
    expect(frame.endsWithLineBreak).toBe(false);
  });

  it('reads quoted cells with line breaks across pieces', async () => {
    const { viaFile, viaText, frame, whole } = await both(Buffer.from(`id\tnote\n${'x\ty\n'.repeat(20_000)}z\t"two\nlines"\n`));
    expect(viaFile.at(-1)?.cells).toEqual(['z', 'two\nlines']);
    expect(viaFile).toEqual(viaText);
    expect(frame).toEqual(whole);
  });

  it('a line that is not UTF-8, far into the file, is one row error; its bytes are written back as they were', async () => {
    const file = path.join(dir, 'f.txt');
    const bytes = Buffer.concat([Buffer.from(`id\tname\n${'1\tok\n'.repeat(30_000)}2\tA`), Buffer.from([0xe9]), Buffer.from('B\n3\tafter\n')]);
    await writeFile(file, bytes);
    const table = await loadTable(file, 'data/f.txt', 'rows');
    const errors = table.rows.filter((row) => row.error !== undefined);
    expect(errors.map((row) => row.error?.message)).toEqual([expect.stringMatching(/^data\/f\.txt:30002:4: this line is not UTF-8 text/)]);
    expect(table.rows.at(-1)?.cells).toEqual(['3', 'after']);
    setCells(table, table.rows.at(-1)!, { name: 'changed' });
    await writeTable(file, table);
    expect(byteText(await readFile(file))).toBe(byteText(Buffer.concat([bytes.subarray(0, bytes.length - 'after\n'.length), Buffer.from('changed\n')])));
  });

  it('names a missing file and what it should hold', async () => {
    await expect(readTable(path.join(dir, 'none.txt'), 'data/none.txt', 'the join log', () => {})).rejects.toThrow(/data\/none\.txt: file not found; the join log/);
  });
});

describe('replaceHead', () => {
  it('replaces the first bytes and copies the rest as it was, in pieces', async () => {
    const file = path.join(dir, 'log.txt');
    const rest = Buffer.concat([Buffer.from('é'.repeat(70_000)), Buffer.from([0xff, 0x0a])]);
    await writeFile(file, Buffer.concat([Buffer.from('old head\n'), rest]));
    await replaceHead(file, 'old head\n'.length, 'the new, longer head\n');
    expect(byteText(await readFile(file))).toBe(byteText(Buffer.concat([Buffer.from('the new, longer head\n'), rest])));
    expect((await readdir(dir)).sort()).toEqual(['log.txt']);
  });
});
