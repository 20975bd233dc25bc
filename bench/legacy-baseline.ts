/**
 * The earlier Python tool's way of keeping the join log, for scale: per join, read the whole file,
 * parse it, append one row, write the whole file back. Written here in a few lines of Node (no pandas
 * overhead, so it is faster than the Python tool was), once with the rewrite made durable (temp file,
 * fsync, rename, as our rows are) and once without fsync. It is a BASELINE, not tg-handler.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GROUP, responsesText } from './data.js';
import { perSecond } from './stats.js';

export interface BaselineFigures {
  existingRows: number;
  fsync: boolean;
  joins: number;
  elapsedMs: number;
  joinsPerSecond: number;
}

/** One join the old way: read all, parse, append, write all. */
function rewriteWithRow(file: string, row: string[], fsync: boolean): void {
  const rows = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
  rows.push(row);
  const text = `${rows.map((cells) => cells.join('\t')).join('\n')}\n`;
  const temp = `${file}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Joins per second of the whole-file rewrite at a table size; runs for `budgetMs` or `maxJoins`. */
export async function measureBaseline(existingRows: number, fsync: boolean, budgetMs = 3000, maxJoins = 2000): Promise<BaselineFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-legacy-'));
  try {
    const file = path.join(dir, 'responde_data.txt');
    await writeFile(file, responsesText(existingRows, ['https://t.me/+AAAAAAAAAAAAAAAA']));
    const started = performance.now();
    let joins = 0;
    while (joins < maxJoins && (joins < 3 || performance.now() - started < budgetMs)) {
      const user = String(3_000_000_000 + joins);
      rewriteWithRow(file, ['inv-000001', user, 'Guest', 'Bench', '2025-06-01 12:00:00', 'approve', `u${user}`, 'https://t.me/+AAAAAAAAAAAAAAAA', String(GROUP), '1748779200'], fsync);
      joins++;
    }
    const elapsedMs = performance.now() - started;
    return { existingRows, fsync, joins, elapsedMs, joinsPerSecond: perSecond(joins, elapsedMs) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
