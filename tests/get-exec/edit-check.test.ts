/**
 * The after-an-edit check is only a shortcut: for every kind of edit, a run with the cache gives the
 * same exit code, output and files as the same run on a copy of the folder without it (the full path
 * of today), and takes the shortcut exactly where it can.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { main } from '../../src/get-exec/main.js';
import { REGISTRY_CACHE_FILE, SCHEDULE_CACHE_FILE } from '../../src/get-exec/edit-cache.js';
import { cliEnv, INVITE_HEADER, LEGACY, SCHEDULE_HEADER, startEmulator, Workspace } from './helpers.js';

const NOW = new Date('2026-03-01T10:00:00Z');
const REGISTRY = 'data/invite_data.txt';
const SCHEDULE = 'data/text_schedule.txt';
const FULL_HEADER = `${SCHEDULE_HEADER}\tpost_status\tdt_posted\tmessage_id`;

let emuA: BotApiEmulator;
let emuB: BotApiEmulator;
const folders: Workspace[] = [];
beforeAll(async () => {
  emuA = await startEmulator();
  emuB = await startEmulator();
});
afterAll(async () => {
  await emuA.stop();
  await emuB.stop();
  for (const ws of folders) ws.remove();
});

interface Run {
  code: number;
  out: string;
  shortcut: 'idle' | 'edit' | null;
}

async function run(dir: string, emu: BotApiEmulator): Promise<Run> {
  const lines: string[] = [];
  let shortcut: Run['shortcut'] = null;
  const io = { cwd: dir, out: (l: string) => lines.push(l), err: (l: string) => lines.push(`err: ${l}`) };
  const code = await main([], cliEnv({ cwd: dir, emu, env: { TZ: 'Europe/Berlin' } }), { io, now: () => NOW, onShortcut: (which) => (shortcut = which) });
  return { code, out: lines.join('\n'), shortcut };
}

/**
 * Links and message ids come from each side's own emulator: the same in shape, not in value. Each
 * side names its own folder, and log lines carry the wall clock's time.
 */
const normal = (text: string, dir = ''): string =>
  (dir === '' ? text : text.split(dir).join('DIR')).replace(/^(err: )?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /gm, '$1').replace(/https:\/\/t\.me\/\+[\w-]+/g, 'LINK').replace(/message(s?) \d+(, \d+)*/g, 'message$1 N').replace(/\t\d+(\r?\n)/g, '\tN$1');

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, 'data')).filter((n) => !n.startsWith('.'))) out[name] = normal(readFileSync(path.join(dir, 'data', name), 'latin1'));
  out['LINKS/'] = readdirSync(path.join(dir, 'LINKS')).sort().join(' ');
  return out;
}

/** A folder brought to a run that had nothing to do (links made, QR codes drawn, the cache written). */
async function settled(invites: string, schedule: string): Promise<Workspace> {
  const ws = new Workspace({ invites, schedule });
  folders.push(ws);
  for (let i = 0; i < 3; i++) await run(ws.dir, emuA);
  expect(readdirSync(ws.path('data'))).toEqual(expect.arrayContaining([REGISTRY_CACHE_FILE, SCHEDULE_CACHE_FILE]));
  expect((await run(ws.dir, emuA)).shortcut).toBe('idle');
  return ws;
}

/** Edits the folder, copies it without tg-get's notes, runs both, and compares. Returns the run with the cache. */
async function compare(ws: Workspace, edit: (ws: Workspace) => void): Promise<Run> {
  edit(ws);
  const copy = new Workspace();
  folders.push(copy);
  cpSync(ws.dir, copy.dir, { recursive: true });
  for (const note of [REGISTRY_CACHE_FILE, SCHEDULE_CACHE_FILE, '.tg-get-state.json']) rmSync(copy.path('data', note), { force: true });
  const withCache = await run(ws.dir, emuA);
  const without = await run(copy.dir, emuB);
  expect(without.shortcut).toBeNull();
  expect({ code: withCache.code, out: normal(withCache.out, ws.dir), files: files(ws.dir) }).toEqual({ code: without.code, out: normal(without.out, copy.dir), files: files(copy.dir) });
  return withCache;
}

/** A time the clocks repeat in Berlin: a warning at every run, which the shortcut must print too, at its line. */
const TWICE = '2026-10-25 02:30\tTwice\t\t\t\t';
const registry = (n: number, eol = '\n') => [INVITE_HEADER, ...Array.from({ length: n }, (_, i) => `row${i}\tr${i}@example.org`)].join(eol) + eol;
const schedule = (eol = '\n', last = TWICE) =>
  [FULL_HEADER, '2026-02-01 10:00\tDone\t\tposted\t2026-02-01 10:00\t7', ...Array.from({ length: 40 }, (_, i) => `2026-04-${String((i % 28) + 1).padStart(2, '0')} 10:00\tLater ${i}\t\t\t\t`), last].join(eol) + eol;

const replaceIn = (file: string, from: string | RegExp, to: string) => (ws: Workspace) => {
  const before = ws.read(file);
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(ws.path(file), after);
};

describe('tg-get right after an edit, with and without the cache', () => {
  const kinds: { name: string; edit: (ws: Workspace) => void; shortcut: 'edit' | null; eol?: string }[] = [
    { name: 'a changed cell', edit: replaceIn(SCHEDULE, 'Later 30', 'Later thirty'), shortcut: 'edit' },
    { name: 'an inserted line', edit: replaceIn(SCHEDULE, /(Later 20\t\t\t\t\n)/, '$12026-05-01 10:00\tNew\t\t\t\t\n'), shortcut: 'edit' },
    { name: 'a deleted line', edit: replaceIn(SCHEDULE, /[^\n]*Later 25\t[^\n]*\n/, ''), shortcut: 'edit' },
    { name: 'a post\'s time changed (to another time to come)', edit: replaceIn(SCHEDULE, '2026-04-15 10:00\tLater 14', '2026-06-15 11:30\tLater 14'), shortcut: 'edit' },
    { name: 'a post emptied to a blank line', edit: replaceIn(SCHEDULE, /^[^\n]*Later 16\t[^\n]*$/m, ''), shortcut: 'edit' },
    { name: 'a registry row emptied to a blank line', edit: replaceIn(REGISTRY, /^row5\t[^\n]*$/m, ''), shortcut: null },
    { name: 'a registry row\'s id changed (its QR files are another row\'s name)', edit: replaceIn(REGISTRY, /^row6\t/m, 'row66\t'), shortcut: null },
    { name: 'a blank line added', edit: replaceIn(SCHEDULE, /(Later 10\t\t\t\t\n)/, '$1\n'), shortcut: 'edit' },
    { name: 'a line made invalid', edit: replaceIn(SCHEDULE, '2026-04-15 10:00\tLater 14', '2026-02-30 10:00\tLater 14'), shortcut: null },
    { name: 'a time a DST change repeats (a warning)', edit: replaceIn(SCHEDULE, '2026-04-15 10:00\tLater 14', '2026-10-25 02:30\tLater 14'), shortcut: null },
    { name: 'a quoted cell over two lines', edit: replaceIn(SCHEDULE, 'Later 12', '"Later\n12"'), shortcut: null },
    { name: 'a row that becomes due', edit: replaceIn(SCHEDULE, '2026-04-15 10:00\tLater 14', '2026-03-01 09:59\tLater 14'), shortcut: null },
    { name: 'a row marked sending', edit: replaceIn(SCHEDULE, 'Later 14\t\t', 'Later 14\t\tsending'), shortcut: null },
    { name: 'the header changed', edit: replaceIn(SCHEDULE, 'message_id', 'message_id\tnote'), shortcut: null },
    { name: 'a registry cell of ours changed (id_adress)', edit: replaceIn(REGISTRY, 'r3@example.org', 'new@example.org'), shortcut: 'edit' },
    { name: 'a duplicate id', edit: replaceIn(REGISTRY, /^row4\t/m, 'row2\t'), shortcut: null },
    { name: 'a row copied whole (the same id and link, QR files current)', edit: (ws) => writeFileSync(ws.path(REGISTRY), ws.read(REGISTRY) + /^row2\t.*\n/m.exec(ws.read(REGISTRY))![0]), shortcut: null },
    { name: 'a new registry row needing a link', edit: (ws) => writeFileSync(ws.path(REGISTRY), `${ws.read(REGISTRY)}row9\tr9@example.org\n`), shortcut: null },
    { name: 'a registry row deleted', edit: replaceIn(REGISTRY, /^row5\t[^\n]*\n/m, ''), shortcut: null },
    { name: 'a deleted PNG', edit: (ws) => rmSync(ws.path('LINKS', 'row3.png')), shortcut: null },
    { name: 'a registry row whose link was changed by hand', edit: replaceIn(REGISTRY, /^(row6\t(?:[^\t\n]*\t){4})https:\/\/t\.me\/\+[\w-]+/m, '$1https://t.me/+Other'), shortcut: null },
    { name: 'nothing but the time stamp', edit: (ws) => writeFileSync(ws.path(SCHEDULE), ws.read(SCHEDULE)), shortcut: 'edit' },
  ];
  for (const kind of kinds) {
    it(`${kind.name}: the same result${kind.shortcut === 'edit' ? ', through the shortcut' : ', by the full path'}`, async () => {
      const ws = await settled(registry(8), schedule());
      const result = await compare(ws, kind.edit);
      expect(result.shortcut).toBe(kind.shortcut);
      expect(result.out).toMatch(/warning: \S*data\/text_schedule\.txt:\d+:1 \(dt_time\): "2026-10-25 02:30" happens twice/);
      // Either way the next run finds nothing changed, or does what is left.
      if (kind.shortcut === 'edit') expect((await run(ws.dir, emuA)).shortcut).toBe('idle');
    });
  }

  it('a quoted cell over the last two lines of the file: the full path', async () => {
    const ws = await settled(registry(3), schedule('\n', '2026-05-01 10:00\tLast\t\t\t\t'));
    expect((await compare(ws, replaceIn(SCHEDULE, 'Last\t', '"Last\nline"\t'))).shortcut).toBeNull();
  });

  it('a CRLF file: an edited line keeps the shortcut, and its line ending', async () => {
    const ws = await settled(registry(5, '\r\n'), schedule('\r\n'));
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 3\t', 'Later three\t'))).shortcut).toBe('edit');
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 5\t\t\t\t\r\n', 'Later 5\t\t\t\t\r\n2026-06-01 10:00\tAdded\t\t\t\t\r\n'))).shortcut).toBe('edit');
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 7\t\t\t\t\r\n', 'Later 7\t\t\t\t\r2026-06-01 10:00\tLone CR\t\t\t\t\r\n'))).shortcut).toBeNull();
  });

  it('the legacy files (CRLF schedule without our columns, mangled chat ids): the same result', async () => {
    const ws = await settled(readFileSync(path.join(LEGACY, 'invite_data.txt'), 'latin1'), readFileSync(path.join(LEGACY, 'text_schedule.txt'), 'latin1'));
    const text = ws.read(SCHEDULE);
    await compare(ws, (w) => writeFileSync(w.path(SCHEDULE), text.replace(/\r\n$/, '\r\n2026-06-01 10:00\tAdded later\t\t\t\t\r\n')));
    await compare(ws, replaceIn(SCHEDULE, 'Added later', 'Added, then edited'));
  });

  it('a broken or foreign cache is ignored: the full path, then a new cache', async () => {
    const ws = await settled(registry(3), schedule());
    const cache = ws.path('data', SCHEDULE_CACHE_FILE);
    const bytes = readFileSync(cache);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(cache, bytes);
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 1\t', 'Later one\t'))).shortcut).toBeNull();
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 2\t', 'Later two\t'))).shortcut).toBe('edit');
    writeFileSync(cache, readFileSync(cache).subarray(0, 100));
    expect((await compare(ws, replaceIn(SCHEDULE, 'Later 3\t', 'Later three\t'))).shortcut).toBeNull();
  });
});
