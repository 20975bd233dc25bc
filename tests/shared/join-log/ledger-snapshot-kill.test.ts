/**
 * A tg-handler killed (SIGKILL) while it writes its ledger snapshot: the next start finds the old
 * snapshot, the new one, or none, and whichever it uses gives what a whole read gives. The writer is
 * a real process running the built code (dist/: build first, as npm test does) in a loop of saves,
 * killed at a random moment of it.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ResponseLog } from '../../../src/shared/join-log/append.js';
import { LedgerCache } from '../../../src/shared/join-log/ledger-cache.js';
import { LedgerFile } from '../../../src/shared/join-log/ledger-file.js';
import { REPO_ROOT, TempFolder } from '../../support/tmp.js';

const NAME = 'data/responde_data.txt';
const HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
const NOW_S = Math.floor(Date.now() / 1000);

/**
 * 150,000 rows (a snapshot of some megabytes, so a kill often lands inside a write): months old, and
 * the last 20,000 of the last day, none near the edge of the redelivery window (the writer's clock
 * and the reader's differ by the seconds the test runs).
 */
function history(rows: number): string {
  let out = `${HEADER}\n`;
  for (let i = 0; i < rows; i++) {
    const date = i < rows - 20_000 ? NOW_S - 60 * 86_400 + i : NOW_S - (rows - i) * 3;
    out += `l${i % 50}\t${1000 + i}\tF\t\t2026-03-01 12:00:00\t${i % 6 === 5 ? 'left' : 'approve'}\t\t\t-100\t${date}\t\t\n`;
  }
  return out;
}

const dist = (module: string) => path.join(REPO_ROOT, 'dist', 'shared', 'join-log', module);
const WRITER = `
import { ResponseLog } from ${JSON.stringify(dist('append.js'))};
import { LedgerCache } from ${JSON.stringify(dist('ledger-cache.js'))};
import { LedgerFile } from ${JSON.stringify(dist('ledger-file.js'))};
import { MembershipLog } from ${JSON.stringify(dist('membership-log.js'))};
const [file, cacheFile] = process.argv.slice(1);
const source = new LedgerFile(file, 'log', 'UTC', '-100');
const cache = new LedgerCache(cacheFile, file);
const { log } = await ResponseLog.open(file, 'log', 'UTC', { ledger: source, resume: () => cache.resume(source) });
const members = MembershipLog.over(source, log);
for (let n = 0; ; n++) {
  await cache.save(members, log);
  if (n === 0) process.stdout.write('saved\\n');
}
`;

async function view(file: string, cacheFile: string | null) {
  const source = new LedgerFile(file, NAME, 'UTC', '-100');
  const cache = cacheFile === null ? null : new LedgerCache(cacheFile, file);
  if (cache === null) await source.catchUp();
  const { log } = await ResponseLog.open(file, NAME, 'UTC', cache === null ? {} : { ledger: source, resume: () => cache.resume(source) });
  const saved = log.saved();
  await log.close();
  const people = [...source.ledger.entries()].sort((a, b) => a.user.localeCompare(b.user));
  const keys = saved.keys.sort((a, b) => a[0].localeCompare(b[0]));
  // A digest: a deep comparison of 150,000 entries would take the test's time.
  const digest = createHash('sha1').update(JSON.stringify([people, keys])).digest('hex');
  return { outcome: cache?.outcome, people: people.length, members: source.ledger.memberCount, keys: keys.length, digest };
}

let dir: TempFolder;
beforeEach(() => {
  dir = new TempFolder('snapshot-kill-');
});
afterEach(() => dir.remove());

test('killed at random moments of writing: every next start agrees with a whole read', async () => {
  const file = dir.path('responde_data.txt');
  const cacheFile = dir.path('.tg-handler-ledger');
  writeFileSync(file, history(150_000));
  const { outcome: _, ...expected } = await view(file, null);
  expect(expected.keys).toBe(20_000);
  const outcomes: string[] = [];
  for (let round = 0; round < 6; round++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER, file, cacheFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => s.includes('saved') && resolve());
      child.on('exit', () => reject(new Error(`the writer ended early: ${err}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 40)));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    // The join log's lock the dead writer held: taken over once stale (10 s); the test does not wait for that.
    rmSync(`${file}.lock`, { recursive: true, force: true });
    const { outcome, ...got } = await view(file, cacheFile);
    outcomes.push(outcome ?? '');
    expect(got).toEqual(expected);
  }
  // The snapshot a killed writer leaves is used (the kill never leaves one that is wrongly trusted).
  expect(outcomes.some((o) => o.startsWith('went on from the snapshot'))).toBe(true);
}, 120_000);
