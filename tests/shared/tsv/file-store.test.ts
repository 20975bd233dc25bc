import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LockBusyError } from '../../../src/shared/errors.js';
import { AppendLog, withFileLock, writeAtomic } from '../../../src/shared/tsv/file-store.js';
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
