import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '../../src/shared/files/store.js';
import type { Logger } from '../../src/shared/cli/log.js';
import { RegistryWatch, SETTLE_MAX_MS, SETTLE_STEP_MS } from '../../src/handler-exec/registry-watch.js';
import { TempFolder } from '../support/tmp.js';

const HEADER = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire';
const line = (id: string, link: string, expire = '') => `${id}\t${id}@example.org\tLINKS\t-100123\t\t${link}\t2026-01-01 10:00\t${expire}`;

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, debug() {}, error() {}, warn: (m) => warnings.push(m) };
}

describe('RegistryWatch', () => {
  let tmp: TempFolder;
  let folder: TempFolder;
  let dir: string;
  let file: string;
  let clock: number;
  beforeEach(async () => {
    dir = (tmp = new TempFolder('tg-registry-')).dir;
    file = path.join(dir, 'invite_data.txt');
    clock = 0;
  });
  afterEach(() => tmp.remove());

  const watch = (logger: Logger) => new RegistryWatch({ file, name: 'data/invite_data.txt', zone: 'UTC', logger, clock: () => clock });

  test('finds a row by full URL, else by link name', async () => {
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('boris', '')}\n`);
    const registry = watch(recorder());
    await registry.start();
    expect((await registry.lookup('https://t.me/+AAAA', 'whatever'))?.id).toBe('anna');
    expect((await registry.lookup('https://t.me/+AAAA…', 'anna'))?.id).toBe('anna');
    expect(await registry.lookup('https://t.me/+ZZZZ', 'boris')).toBeUndefined();
    expect(await registry.lookup(undefined, undefined)).toBeUndefined();
  });

  test('a row tg-get adds while running is found on the next miss, without waiting for the interval', async () => {
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`);
    const registry = watch(recorder());
    await registry.start();
    expect(await registry.lookup('https://t.me/+BBBB', 'boris')).toBeUndefined();
    await writeAtomic(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('boris', 'https://t.me/+BBBB')}\n`);
    expect((await registry.lookup('https://t.me/+BBBB', 'boris'))?.id).toBe('boris');
  });

  test('a changed row that still matches is seen after the check interval', async () => {
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA', '2026-02-01 00:00')}\n`);
    const registry = watch(recorder());
    await registry.start();
    await writeAtomic(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA', '2027-02-01 00:00')}\n`);
    clock = 500;
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.dt_expire?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    clock = 1500;
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.dt_expire?.toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });

  test('rows with problems are warned about once per change of the file, not per lookup', async () => {
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('bad', 'not a link')}\n${line('anna', 'https://t.me/+CCCC')}\n`);
    const logger = recorder();
    const registry = watch(logger);
    await registry.start();
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^data\/invite_data.txt:3:\d+ \(link\): is not an invite link/),
      expect.stringMatching(/^data\/invite_data.txt:4:1 \(id\): "anna" is already the id on line 2/),
    ]);
    for (let i = 0; i < 3; i++) {
      clock += 2000;
      await registry.lookup('https://t.me/+XXXX', undefined);
    }
    expect(logger.warnings).toHaveLength(2);
    await writeAtomic(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('bad', 'still not')}\n`);
    await registry.lookup('https://t.me/+XXXX', undefined);
    expect(logger.warnings).toHaveLength(3);
  });

  test('a missing file is a warning; the file appearing later is noticed', async () => {
    const logger = recorder();
    const registry = watch(logger);
    await registry.start();
    expect(logger.warnings).toEqual([expect.stringMatching(/^data\/invite_data.txt: file not found/)]);
    expect(await registry.lookup('https://t.me/+AAAA', 'anna')).toBeUndefined();
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`);
    expect((await registry.lookup('https://t.me/+AAAA', 'anna'))?.id).toBe('anna');
  });

  test('a file that cannot be read keeps the links read before', async () => {
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`);
    const logger = recorder();
    const registry = watch(logger);
    await registry.start();
    await rm(file);
    // A folder where the file was: seen (stat works), but it cannot be read.
    await mkdir(file);
    clock = 5000;
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
    expect(logger.warnings).toEqual([expect.stringMatching(/EISDIR.*\(keeping the 1 link read before\)$/)]);
  });

  test('a line that is not UTF-8 costs that row only: the other rows\' links work', async () => {
    const bad = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${line('anna', 'https://t.me/+AAAA')}\n`)]);
    await writeFile(file, bad);
    const logger = recorder();
    const registry = watch(logger);
    await registry.start();
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
    expect(logger.warnings).toEqual([expect.stringMatching(/^data\/invite_data.txt:2:1: this line is not UTF-8 text.*\(this row is ignored until fixed\)$/)]);
  });
});

describe('RegistryWatch and daylight saving (#11.8)', () => {
  let folder: TempFolder;
  let dir: string;
  beforeEach(async () => {
    dir = (folder = new TempFolder('tg-registry-')).dir;
  });
  afterEach(() => folder.remove());

  test('warns about a dt_expire the clocks skip, with file:line:column and what it was taken as, and keeps the row', async () => {
    const file = path.join(dir, 'invite_data.txt');
    await writeFile(file, `${HEADER}\n${line('anna', 'https://t.me/+AAAA', '2026-03-29 02:30')}\n`);
    const logger = recorder();
    const registry = new RegistryWatch({ file, name: 'data/invite_data.txt', zone: 'Europe/Berlin', logger, clock: () => 0 });
    await registry.start();
    expect(logger.warnings).toEqual([
      expect.stringMatching(/^data\/invite_data\.txt:2:\d+ \(dt_expire\): "2026-03-29 02:30" does not exist in Europe\/Berlin .*taken as 2026-03-29 03:30:00 \(UTC\+02:00\)/),
    ]);
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.dt_expire?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('RegistryWatch and a registry saved non-atomically (#11.3)', () => {
  let folder: TempFolder;
  let dir: string;
  let file: string;
  let wall: number;
  let sleeps: number;
  let onSleep: () => Promise<void>;
  beforeEach(async () => {
    dir = (folder = new TempFolder('tg-registry-')).dir;
    file = path.join(dir, 'invite_data.txt');
    sleeps = 0;
    onSleep = async () => {};
  });
  afterEach(() => folder.remove());

  const watch = (logger: Logger, clock = () => 0) =>
    new RegistryWatch({ file, name: 'data/invite_data.txt', zone: 'UTC', logger, clock, now: () => wall, sleep: async () => { sleeps += 1; await onSleep(); } });

  /** Writes `text` with the mtime `ageMs` before the watch's wall clock. */
  async function save(text: string, ageMs: number): Promise<void> {
    await writeFile(file, text);
    const at = new Date(wall - ageMs);
    await utimes(file, at, at);
  }

  test('an empty moment (truncated, not written yet) keeps the known links; an old empty file is taken as it is', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    let clock = 0;
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`, 60_000);
    const registry = watch(recorder(), () => clock);
    await registry.start();
    await save('', 100);
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
    await save(HEADER + '\n', 100);
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
    expect(sleeps).toBe(0);
    // Still empty long after: the admin emptied it on purpose.
    wall += 5000;
    clock += 2000;
    expect(await registry.lookup('https://t.me/+AAAA', undefined)).toBeUndefined();
  });

  test('a last line cut before its dt_expire is not taken as a row: the expired link stays expired', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    const whole = `${HEADER}\n${line('anna', 'https://t.me/+AAAA', '2026-02-01 00:00')}\n`;
    await save(whole, 60_000);
    const registry = watch(recorder());
    await registry.start();
    await save(whole.slice(0, whole.lastIndexOf('\t') + 1), 100);
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.dt_expire?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  test('a miss while the file is half-saved waits for the rest, then finds the new row', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    const complete = `${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('boris', 'https://t.me/+BBBB')}\n`;
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`, 60_000);
    const registry = watch(recorder());
    await registry.start();
    await save(complete.slice(0, complete.indexOf('+BBBB')), 50);
    onSleep = async () => {
      if (sleeps === 2) await save(complete, 10);
    };
    expect((await registry.lookup('https://t.me/+BBBB', undefined))?.id).toBe('boris');
    expect(sleeps).toBe(2);
  });

  test('a file that stays half-saved is waited for 2 s at most, then the request is decided with the links read before', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`, 60_000);
    const logger = recorder();
    const registry = watch(logger);
    await registry.start();
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\nboris\tbo`, 50);
    expect(await registry.lookup('https://t.me/+BBBB', undefined)).toBeUndefined();
    expect(sleeps).toBe(SETTLE_MAX_MS / SETTLE_STEP_MS);
    expect(logger.warnings).toEqual([expect.stringMatching(/^data\/invite_data.txt: ends in an unfinished line and was changed a moment ago \(being saved\?\) for over 2 s; deciding with the 1 link\(s\) read before$/)]);
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
  });

  test('a legacy file without a final line ending, unchanged for a while, is used as it is', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n${line('boris', 'https://t.me/+BBBB')}`, 60_000);
    const registry = watch(recorder());
    await registry.start();
    expect((await registry.lookup('https://t.me/+BBBB', undefined))?.id).toBe('boris');
    expect(sleeps).toBe(0);
  });

  test('a file gone for a moment (deleted before it is written again) keeps the known links; gone for longer, they go', async () => {
    wall = Date.parse('2026-03-01T12:00:00Z');
    let clock = 0;
    await save(`${HEADER}\n${line('anna', 'https://t.me/+AAAA')}\n`, 60_000);
    const registry = watch(recorder(), () => clock);
    await registry.start();
    await rm(file);
    clock = 1100;
    expect((await registry.lookup('https://t.me/+AAAA', undefined))?.id).toBe('anna');
    clock = 3000;
    expect(await registry.lookup('https://t.me/+AAAA', undefined)).toBeUndefined();
  });
});
