/**
 * tg-handler's ledger snapshot against real files: a start that goes on from it gives what a whole
 * read gives (the ledger, the redelivery keys, the problems), also after rows another program
 * appended; a snapshot that no longer describes the file, or is damaged, is not used and the whole
 * file is read. The reference is always a fresh LedgerFile and a ResponseLog opened the old way.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import type { DataFileError } from '../../../src/shared/errors.js';
import { ResponseLog } from '../../../src/shared/join-log/append.js';
import type { Ledger } from '../../../src/shared/join-log/ledger.js';
import { LedgerCache } from '../../../src/shared/join-log/ledger-cache.js';
import { LedgerFile } from '../../../src/shared/join-log/ledger-file.js';
import { loadSnapshot } from '../../../src/shared/join-log/ledger-snapshot.js';
import type { SavedStart } from '../../../src/shared/join-log/log-reader.js';
import { MembershipLog } from '../../../src/shared/join-log/membership-log.js';
import { TempFolder } from '../../support/tmp.js';

const NAME = 'data/responde_data.txt';
const LEGACY_HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status';
const HEADER = `${LEGACY_HEADER}\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason`;
/** 2026-03-01 12:05 UTC: rows dated after 2026-02-22 are inside the redelivery window. */
const NOW_S = 1772366700;
const CLOCK = () => new Date(NOW_S * 1000);
const DEFAULT_CHAT = '-100';

const line = (user: string, status: string, date: number, chat = DEFAULT_CHAT, link = `link-${Number(user) % 7}`) =>
  `${link}\t${user}\tF${user}\t\t2026-03-01 12:00:00\t${status}\t\t\t${chat}\t${date}\t\t`;

/** Months of joins (well over 64 KiB, so the checked head and tail do not meet), the last ones recent; leaves, two chats, an odd user id, a bad row. */
function history(rows: number): string {
  const out = [HEADER];
  for (let i = 0; i < rows; i++) {
    const date = NOW_S - (rows - i) * 600;
    out.push(line(String(1000 + i), i % 5 === 4 ? 'left' : 'approve', date, i % 3 === 0 ? '-200' : DEFAULT_CHAT));
  }
  out.push(line('x7', 'joined', NOW_S - 100));
  out.push(line('1003', 'maybe', NOW_S - 90));
  out.push(`old\t9\tOld\t\t2025-01-01 10:00:00\tapprove`);
  return `${out.join('\n')}\n`;
}

interface View {
  people: unknown[];
  members: number;
  keys: Array<[string, number]>;
  problems: string[];
}

function viewOf(ledger: Ledger, saved: SavedStart, problems: readonly DataFileError[]): View {
  const people = [...ledger.entries()].sort((a, b) => `${a.chat}|${a.user}`.localeCompare(`${b.chat}|${b.user}`));
  return { people, members: ledger.memberCount, keys: [...saved.keys].sort((a, b) => a[0].localeCompare(b[0])), problems: problems.map((p) => p.message).sort() };
}

/** What a whole read of the file gives, the way it was read before snapshots: two readers, two passes. */
async function reference(file: string): Promise<View> {
  const source = new LedgerFile(file, NAME, 'UTC', DEFAULT_CHAT);
  await source.catchUp();
  const { log, problems } = await ResponseLog.open(file, NAME, 'UTC', { now: CLOCK });
  const saved = log.saved();
  await log.close();
  return viewOf(source.ledger, saved, problems);
}

/** A start as tg-handler's: one pass (or the snapshot and what follows it), then `stop` writes the snapshot. */
async function start(file: string, cacheFile: string, clock: () => number = Date.now) {
  const source = new LedgerFile(file, NAME, 'UTC', DEFAULT_CHAT);
  const cache = new LedgerCache(cacheFile, file, clock);
  const { log, problems } = await ResponseLog.open(file, NAME, 'UTC', { now: CLOCK, ledger: source, resume: () => cache.resume(source) });
  const members = MembershipLog.over(source, log);
  return {
    cache,
    log,
    members,
    view: () => viewOf(source.ledger, log.saved(), problems),
    stop: async () => {
      await members.close();
      await log.close();
      await cache.save(members, log);
    },
  };
}

let dir: TempFolder;
let file: string;
let cacheFile: string;
beforeEach(() => {
  dir = new TempFolder('snapshot-');
  file = dir.path('responde_data.txt');
  cacheFile = dir.path('.tg-handler-ledger');
});
afterEach(() => dir.remove());

/** A first start (whole read) and its stop, which leaves a snapshot. */
async function firstRun(text = history(4000)): Promise<void> {
  writeFileSync(file, text);
  const first = await start(file, cacheFile);
  expect(first.cache.outcome).toBe('read the whole join log: no snapshot yet');
  await first.stop();
  expect(existsSync(cacheFile)).toBe(true);
}

describe('a restart with a snapshot', () => {
  test('gives the ledger, keys and problems of a whole read, having read only what follows it', async () => {
    await firstRun();
    const again = await start(file, cacheFile);
    expect(again.cache.outcome).toMatch(/^went on from the snapshot .* \(\d+ people, read from byte \d+\)$/);
    const expected = await reference(file);
    expect(expected.keys.length).toBeGreaterThan(100);
    expect(expected.problems).toEqual([expect.stringContaining(`${NAME}:4002:`), expect.stringContaining(`${NAME}:4003:`)]);
    expect(again.view()).toEqual(expected);
    await again.stop();
  });

  test('after rows another program appended between stop and start (a leave, joins, a bad row, a torn last line)', async () => {
    await firstRun();
    appendFileSync(file, `${line('1001', 'left', NOW_S - 50)}\n${line('5001', 'joined', NOW_S - 40, '-300')}\n${line('5002', 'nope', NOW_S - 30)}\n${line('5003', 'approve', NOW_S - 20)}`);
    const again = await start(file, cacheFile);
    expect(again.cache.outcome).toMatch(/^went on from the snapshot/);
    const expected = await reference(file);
    expect(expected.problems).toEqual([expect.stringContaining(':4002:'), expect.stringContaining(':4003:'), expect.stringContaining(`${NAME}:4007:40 (tg_responde_status): "nope"`)]);
    expect(again.view()).toEqual(expected);
    // The torn line is closed by the next append, read as a whole row, and the next restart still agrees.
    appendFileSync(file, `\n${line('5004', 'approve', NOW_S - 10)}\n`);
    await again.members.catchUp();
    expect(again.log.has(`${DEFAULT_CHAT}|5004|${NOW_S - 10}`)).toBe(true);
    await again.stop();
    const third = await start(file, cacheFile);
    expect(third.cache.outcome).toMatch(/^went on from the snapshot/);
    expect(third.view()).toEqual(await reference(file));
    await third.stop();
  });

  test('a legacy log whose header the first start rewrote: the restart goes on from the snapshot and agrees', async () => {
    const legacy = `${LEGACY_HEADER}\r\n${Array.from({ length: 3000 }, (_, i) => `l${i % 9}\t${700 + i}\tA\t\t2025-01-0${1 + (i % 9)} 10:00:00\t${i % 4 === 3 ? 'left' : 'approve'}`).join('\r\n')}\r\n`;
    await firstRun(legacy);
    expect(readFileSync(file, 'utf8').startsWith(`${HEADER}\r\n`)).toBe(true);
    const again = await start(file, cacheFile);
    expect(again.cache.outcome).toMatch(/^went on from the snapshot/);
    expect(again.view()).toEqual(await reference(file));
    expect(again.view().members).toBeGreaterThan(1000);
    await again.stop();
  });
});

describe('while running', () => {
  test('a new snapshot is due an hour after the last one when the log grew, not before, nor when it did not grow', async () => {
    await firstRun();
    let nowMs = 1_000_000;
    const running = await start(file, cacheFile, () => nowMs);
    expect(running.cache.outcome).toMatch(/^went on from the snapshot/);
    const offsetOf = () => {
      const found = loadSnapshot(cacheFile, file);
      return 'snapshot' in found ? found.snapshot.position.offset : -1;
    };
    const before = offsetOf();
    nowMs += 2 * 3600_000;
    expect(await running.cache.saveIfDue(running.members, running.log)).toBe(false);
    appendFileSync(file, `${line('7001', 'joined', NOW_S - 5)}\n`);
    nowMs += 1800_000;
    expect(await running.cache.saveIfDue(running.members, running.log)).toBe(true);
    expect(offsetOf()).toBe(readFileSync(file).length);
    expect(offsetOf()).toBeGreaterThan(before);
    appendFileSync(file, `${line('7002', 'joined', NOW_S - 4)}\n`);
    nowMs += 1800_000;
    expect(await running.cache.saveIfDue(running.members, running.log)).toBe(false);
    nowMs += 1800_000;
    expect(await running.cache.saveIfDue(running.members, running.log)).toBe(true);
    await running.stop();
    const again = await start(file, cacheFile);
    expect(again.view()).toEqual(await reference(file));
    expect(again.view().people).toContainEqual(expect.objectContaining({ user: '7002', member: true }));
    await again.stop();
  });
});

describe('a snapshot that does not describe the file is not used: the whole file is read', () => {
  const flip = (at: (size: number) => number) => {
    const bytes = readFileSync(cacheFile);
    const i = at(bytes.length);
    bytes[i] = bytes[i]! ^ 0x20;
    writeFileSync(cacheFile, bytes);
  };
  const cases: Array<[string, () => void, RegExp]> = [
    ['damaged (a byte of the arrays flipped)', () => flip((size) => size - 200), /checksum/],
    ['damaged (cut short)', () => truncateSync(cacheFile, readFileSync(cacheFile).length - 7), /length|cut short/],
    ['of another version', () => {
      const bytes = readFileSync(cacheFile);
      bytes.writeUInt32LE(99, 8);
      writeFileSync(cacheFile, bytes);
    }, /another version \(99\)/],
    ['of a replaced file (same text, new inode), with a row appended', () => {
      copyFileSync(file, `${file}.new`);
      appendFileSync(`${file}.new`, `${line('6001', 'approve', NOW_S - 5)}\n`);
      renameSync(`${file}.new`, file);
    }, /replaced/],
    ['of a file edited before the offset (same length, rows appended after)', () => {
      const text = readFileSync(file, 'utf8');
      const at = text.lastIndexOf('\t4990\t') + 1;
      writeFileSync(file, `${text.slice(0, at)}9${text.slice(at + 1)}${line('6002', 'approve', NOW_S - 5)}\n`);
    }, /bytes before the snapshot's offset changed/],
    ['of a file edited in its first 64 KiB', () => {
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, `${text.replace('\t1000\t', '\t8000\t')}${line('6003', 'approve', NOW_S - 5)}\n`);
    }, /first 64 KiB changed/],
    ['of a file edited in place in the middle, same length, nothing appended', () => {
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf('\t3000\t') + 1;
      writeFileSync(file, `${text.slice(0, at)}7${text.slice(at + 1)}`);
    }, /rewritten in place/],
    ['of a file cut below the offset', () => truncateSync(file, readFileSync(file).length - 300), /shorter/],
  ];
  test.each(cases)('%s', async (_name, change, reason) => {
    await firstRun();
    change();
    const again = await start(file, cacheFile);
    expect(again.cache.outcome).toMatch(/^read the whole join log: /);
    expect(again.cache.outcome).toMatch(reason);
    expect(again.view()).toEqual(await reference(file));
    // Its stop writes a good snapshot again.
    await again.stop();
    expect('snapshot' in loadSnapshot(cacheFile, file)).toBe(true);
  });

  test('the middle-of-the-file edit is a different ledger: the whole read is needed to see it', async () => {
    await firstRun();
    const before = await reference(file);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('\t3000\t') + 1;
    writeFileSync(file, `${text.slice(0, at)}7${text.slice(at + 1)}`);
    const after = await reference(file);
    expect(after.people).not.toEqual(before.people);
    const again = await start(file, cacheFile);
    expect(again.view()).toEqual(after);
    await again.stop();
  });
});
