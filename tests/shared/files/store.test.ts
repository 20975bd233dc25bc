import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LockBusyError } from '../../../src/shared/errors.js';
import { AppendLog, scanDataFile, withFileLock, writeAtomic } from '../../../src/shared/files/store.js';
import { scanTable, type TableRow } from '../../../src/shared/files/tsv.js';
import { cleanup, REPO_ROOT, tempDir } from '../../support/tmp.js';

const DIST = path.join(REPO_ROOT, 'dist');
const worker = (name: string) => path.join(REPO_ROOT, 'tests', 'support', 'workers', name);

function runNode(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

let dir: string;
beforeEach(async () => { dir = await tempDir(); });
afterEach(async () => { await cleanup(dir); });

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
});

describe('scanDataFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('tg-scan-');
  });
  afterEach(async () => cleanup(dir));

  /** The rows and frame of scanDataFile, beside those of scanTable over the file's whole text. */
  async function both(bytes: Buffer) {
    const file = path.join(dir, 'f.txt');
    await writeFile(file, bytes);
    const viaFile: TableRow[] = [];
    const frame = await scanDataFile(file, 'data/f.txt', 'rows', (row) => viaFile.push(row));
    const text = bytes.toString('utf8');
    const viaText: TableRow[] = [];
    const whole = scanTable(text, 'data/f.txt', (row) => viaText.push(row));
    return { viaFile, viaText, frame, whole: { ...whole, endsWithLineBreak: /[\r\n]$/.test(text) } };
  }

  it('reads a file bigger than one piece as its whole text reads', async () => {
    // 200,000 bytes: pieces end inside two-byte letters, four-byte emoji and CRLF pairs.
    const lines = ['id\tname'];
    for (let i = 0; lines.join('\r\n').length < 100_000; i++) lines.push(`${i}\tЖанна 🙂 ${'é'.repeat(i % 7)}`);
    const { viaFile, viaText, frame, whole } = await both(Buffer.from(`\uFEFF${lines.join('\r\n')}`));
    expect(viaFile.length).toBe(lines.length - 1);
    expect(viaFile).toEqual(viaText);
    expect(frame).toEqual(whole);
    expect(frame.endsWithLineBreak).toBe(false);
  });

  it('reads a file with a quote anywhere whole, as a quoted cell may hold line breaks', async () => {
    const { viaFile, viaText, frame, whole } = await both(Buffer.from(`id\tnote\n${'x\ty\n'.repeat(20_000)}z\t"two\nlines"\n`));
    expect(viaFile.at(-1)?.cells).toEqual(['z', 'two\nlines']);
    expect(viaFile).toEqual(viaText);
    expect(frame).toEqual(whole);
  });

  it('names the line of a byte that is not UTF-8, far into the file', async () => {
    const file = path.join(dir, 'f.txt');
    await writeFile(file, Buffer.concat([Buffer.from(`id\tname\n${'1\tok\n'.repeat(30_000)}2\tA`), Buffer.from([0xe9]), Buffer.from('B\n')]));
    await expect(scanDataFile(file, 'data/f.txt', 'rows', () => {})).rejects.toThrow(/^data\/f\.txt:30002:4: the file is not UTF-8 text/);
  });

  it('names a missing file and what it should hold', async () => {
    await expect(scanDataFile(path.join(dir, 'none.txt'), 'data/none.txt', 'the join log', () => {})).rejects.toThrow(/data\/none\.txt: file not found; the join log/);
  });
});
