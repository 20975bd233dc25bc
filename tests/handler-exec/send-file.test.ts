import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFileInside, SendFileError, unsafeNameProblem } from '../../src/handler-exec/send-file.js';
import { TempFolder } from '../support/tmp.js';

describe('unsafeNameProblem', () => {
  test('plain and nested names are fine', () => {
    expect(unsafeNameProblem('key_bb.txt')).toBeUndefined();
    expect(unsafeNameProblem('docs/key.txt')).toBeUndefined();
  });

  test('.., absolute paths, NUL and empty names are refused', () => {
    for (const name of ['../x', 'a/../../x', '..\\x', '/etc/passwd', 'C:\\x', 'a\0b', ' ']) expect(unsafeNameProblem(name)).toBeDefined();
  });
});

describe('readFileInside', () => {
  let tmp: TempFolder;
  let root: string;
  let data: string;
  beforeEach(async () => {
    root = (tmp = new TempFolder('tg-send-')).dir;
    data = path.join(root, 'data');
    await mkdir(path.join(data, 'docs'), { recursive: true });
    await writeFile(path.join(data, 'key_bb.txt'), 'line one\r\nline two\r\n');
    await writeFile(path.join(data, 'docs', 'more.txt'), 'more');
    await writeFile(path.join(root, 'secret.env'), 'BOT_TOKEN=123:abc');
  });
  afterEach(() => tmp.remove());

  test('reads a file inside the data folder, bytes as they are', async () => {
    const file = await readFileInside(data, 'key_bb.txt');
    expect(file.bytes.toString('utf8')).toBe('line one\r\nline two\r\n');
    expect(file.filename).toBe('key_bb.txt');
    expect((await readFileInside(data, 'docs/more.txt')).filename).toBe('more.txt');
  });

  test('refuses .. and absolute paths before touching the disk', async () => {
    await expect(readFileInside(data, '../secret.env')).rejects.toThrow(SendFileError);
    await expect(readFileInside(data, path.join(root, 'secret.env'))).rejects.toThrow(/absolute path/);
  });

  test('refuses a symlink that leads outside, accepts one that stays inside', async () => {
    await symlink(path.join(root, 'secret.env'), path.join(data, 'evil.txt'));
    await expect(readFileInside(data, 'evil.txt')).rejects.toThrow(/leads outside the data folder/);
    await symlink(root, path.join(data, 'up'));
    await expect(readFileInside(data, 'up/secret.env')).rejects.toThrow(/leads outside the data folder/);
    await symlink(path.join(data, 'docs', 'more.txt'), path.join(data, 'alias.txt'));
    expect((await readFileInside(data, 'alias.txt')).bytes.toString()).toBe('more');
  });

  test('a data folder reached through a symlink still works', async () => {
    await symlink(data, path.join(root, 'data-link'));
    expect((await readFileInside(path.join(root, 'data-link'), 'key_bb.txt')).bytes.length).toBeGreaterThan(0);
  });

  test('a missing file or a folder is an error, not a crash', async () => {
    await expect(readFileInside(data, 'nope.txt')).rejects.toThrow(/does not exist/);
    await expect(readFileInside(data, 'docs')).rejects.toThrow(/not a regular file/);
  });
});
