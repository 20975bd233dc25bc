/**
 * tg-handler's held requests and personal links' counts at start, against real files: made in the
 * ledger's one read (PendingFold, UsageFold) or taken from its snapshot and the rows after it, they
 * equal what a whole read gives the old way (readPending, LinkUsage.prime over eachLogRow), also after
 * rows another program appended while the bot was down, and after the registry's limits changed.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { LinkUsage, UsageFold, type SavedCount } from '../../src/handler-exec/link-usage.js';
import { ResponseLog } from '../../src/shared/join-log/append.js';
import { LedgerCache } from '../../src/shared/join-log/ledger-cache.js';
import { LedgerFile } from '../../src/shared/join-log/ledger-file.js';
import { MembershipLog } from '../../src/shared/join-log/membership-log.js';
import { eachLogRow, PendingFold, readPending, type LogRow } from '../../src/shared/join-log/pending.js';
import type { Invite } from '../../src/shared/registry/registry.js';
import { TempFolder } from '../support/tmp.js';
import { RESPONSE_HEADER } from './helpers.js';

const NAME = 'data/responde_data.txt';
const NOW_S = 1772366700;
const CLOCK = () => new Date(NOW_S * 1000);

const invite = (id: string, max?: number): Invite => ({
  id, id_adress: '', link_path: '', chat_id: '', id_link: id, link: `https://t.me/+${id}`, dt_create: null, dt_expire: null, link_status: '', ...(max === undefined ? {} : { max_members: max }),
});

let date = NOW_S - 500_000;
/** A join-log line: through registry row `via` (its URL and name), or `via` as a foreign name. */
const line = (user: number, status: string, via: string, reason = '', chat = '-100') =>
  `${via}\t${user}\tU${user}\t\t2026-03-01 12:00:00\t${status}\t\thttps://t.me/+${via}\t${chat}\t${date++}\t\t${reason}`;

/** Months of rows (well over 64 KiB): approvals and joins through four links, held requests, their decisions, leaves. */
function history(rows: number): string {
  const out = [RESPONSE_HEADER];
  const links = ['p1', 'p2', 'team', 'open'];
  for (let i = 0; i < rows; i++) {
    const user = 5000 + i;
    const via = links[i % 4]!;
    if (i % 11 === 3) out.push(line(user, 'pending', via, 'link-used'));
    else if (i % 11 === 4 && i % 2 === 0) out.push(line(user - 1, i % 2 === 0 ? 'approve' : 'decline', via, 'link-used'));
    else out.push(line(user, i % 7 === 6 ? 'left' : i % 3 === 0 ? 'joined' : 'approve', via));
  }
  out.push(line(9001, 'pending', 'from-maria', 'unknown-link'));
  out.push(line(9002, 'pending', 'from-maria', 'unknown-link'));
  return `${out.join('\n')}\n`;
}

interface View {
  pending: LogRow[];
  usage: SavedCount[];
}

const byId = (counts: SavedCount[], ids: Set<string>) => counts.filter((c) => ids.has(c.id)).sort((a, b) => a.id.localeCompare(b.id));

let tmp: TempFolder;
let logFile: string;
let cacheFile: string;
const scan = (onRow: (row: LogRow) => void) => eachLogRow(logFile, NAME, onRow);

beforeEach(() => {
  tmp = new TempFolder();
  logFile = tmp.path('responde_data.txt');
  cacheFile = tmp.path('.tg-handler-ledger');
});
afterEach(() => tmp.remove());

/** The old way: readPending and LinkUsage.prime, each a whole read of the file. */
async function reference(limited: Invite[], fallback?: number): Promise<View> {
  const pending = await readPending(logFile, NAME);
  const usage = new LinkUsage(scan, fallback);
  await usage.prime(limited);
  return { pending: pending.list(), usage: byId(usage.state(), new Set(limited.map((i) => i.id))) };
}

/** A start as tg-handler's main: the folds follow the ledger's read (or the snapshot's and what follows); `stop` writes the snapshot. */
async function start(limited: Invite[], fallback?: number) {
  const source = new LedgerFile(logFile, NAME, 'UTC', '-100');
  let reads = 0;
  const usage = new UsageFold(new LinkUsage((onRow) => (reads++, scan(onRow)), fallback), NAME);
  usage.usage.expect(limited);
  const pending = new PendingFold(NAME);
  source.follow(usage);
  source.follow(pending);
  const cache = new LedgerCache(cacheFile, logFile, Date.now, { usage, pending });
  const { log } = await ResponseLog.open(logFile, NAME, 'UTC', { now: CLOCK, ledger: source, resume: () => cache.resume(source) });
  await usage.usage.settle();
  const members = MembershipLog.over(source, log);
  return {
    cache,
    reads: () => reads,
    view: (): View => ({ pending: pending.held.list(), usage: byId(usage.usage.state(), new Set(limited.map((i) => i.id))) }),
    stop: async () => {
      await members.close();
      await log.close();
      await cache.save(members, log);
    },
  };
}

describe('held requests and link counts at start', () => {
  const limits = [invite('p1', 1), invite('p2', 3), invite('team', 40)];

  test('the one read gives what readPending and LinkUsage.prime give, and so does a restart from the snapshot', async () => {
    writeFileSync(logFile, history(3000));
    const want = await reference(limits);
    expect(want.pending.length).toBeGreaterThan(100);
    expect(want.usage.map((c) => c.people.length)).toEqual([1, 3, 40]);
    const first = await start(limits);
    expect(first.cache.outcome).toMatch(/read the whole join log: no snapshot yet/);
    expect(first.view()).toEqual(want);
    expect(first.reads()).toBe(0);
    await first.stop();

    const second = await start(limits);
    expect(second.cache.outcome).toMatch(/went on from the snapshot/);
    expect(second.view()).toEqual(want);
    expect(second.reads()).toBe(0);
    await second.stop();
  });

  test('rows another program appended while the bot was down: a held request decided is not pending, a new one is, new people count', async () => {
    writeFileSync(logFile, history(3000));
    await (await start(limits)).stop();
    const before = await reference(limits);
    expect(before.pending.map((r) => r.id_tg)).toContain('9001');
    // As `tg-get pending` deciding one, a member joining through a limited link, a new held request, a torn line.
    appendFileSync(logFile, `${[line(9001, 'approve', 'from-maria', 'unknown-link'), line(9100, 'joined', 'team'), line(9101, 'pending', 'p1', 'link-used'), line(9102, 'joined', 'p2')].join('\n')}\n${line(9103, 'approve', 'team').slice(0, 20)}`);
    const want = await reference(limits);
    expect(want.pending.map((r) => r.id_tg)).not.toContain('9001');
    expect(want.pending.map((r) => r.id_tg)).toContain('9101');
    const after = await start(limits);
    expect(after.cache.outcome).toMatch(/went on from the snapshot/);
    expect(after.view()).toEqual(want);
    expect(after.reads()).toBe(0);
    await after.stop();
  });

  test('limits changed between runs (a higher one, a new limited link, a new URL): those are counted again, the rest from the snapshot', async () => {
    writeFileSync(logFile, history(3000));
    await (await start(limits)).stop();
    const changed = [invite('p1', 1), invite('p2', 5), { ...invite('team', 40), link: 'https://t.me/+team-new' }, invite('open', 2)];
    const want = await reference(changed);
    const restarted = await start(changed);
    expect(restarted.cache.outcome).toMatch(/went on from the snapshot/);
    expect(restarted.view()).toEqual(want);
    expect(restarted.reads()).toBe(1);
    expect(want.usage.find((c) => c.id === 'p2')!.people).toHaveLength(5);
    expect(want.usage.find((c) => c.id === 'team')!.people).toHaveLength(0);
    await restarted.stop();
    // --max-members as the fallback: every link limited.
    const all = [invite('p1'), invite('p2'), invite('open')];
    const again = await start(all, 2);
    expect(again.view()).toEqual(await reference(all, 2));
    await again.stop();
  });

  test('a snapshot of the version before (no held requests or counts in it) is not used: the whole log is read', async () => {
    writeFileSync(logFile, history(500));
    await (await start(limits)).stop();
    const bytes = readFileSync(cacheFile);
    bytes.writeUInt32LE(1, 8);
    writeFileSync(cacheFile, bytes);
    const restarted = await start(limits);
    expect(restarted.cache.outcome).toMatch(/another version \(1\)/);
    expect(restarted.view()).toEqual(await reference(limits));
    await restarted.stop();
  });
});
