/**
 * The ledger's quick reading of plain lines (quick-rows.ts) against the scanner: a LedgerFile whose
 * listener and folds all say which rows they leave out reads most lines straight from the bytes;
 * one with a listener that hears every row reads every line through the scanner. Over the same file
 * (every odd line a log can hold, repeated past the first 64 KiB piece) both must give the same
 * ledger, the same position, the same count, and the listener and folds the same rows.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, writeFileSync } from 'node:fs';
import type { TableRow } from '../../../src/shared/files/tsv.js';
import { LedgerFile, type LogFold } from '../../../src/shared/join-log/ledger-file.js';
import { logReader } from '../../../src/shared/join-log/log-reader.js';
import { PendingFold } from '../../../src/shared/join-log/pending.js';
import { QuickRows } from '../../../src/shared/join-log/quick-rows.js';
import { TempFolder } from '../../support/tmp.js';

const HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
const NOW_S = 1_780_000_000;
const line = (link: string, user: string, status: string, date: string, chat = '-100', name = 'F') => `${link}\t${user}\t${name}\t\t2026-03-01 12:00:00\t${status}\t\t\t${chat}\t${date}\t\t`;

/** Block `k` of the test log: every kind of line, with user ids of their own per block. */
function block(k: number): string {
  const u = (n: number) => String(1000 + k * 40 + n);
  const old = String(1_700_000_000 + k);
  const recent = String(NOW_S - 3600 + k);
  return [
    line(`inv-${k % 7}`, u(1), 'approve', old),
    line(`inv-${k % 5}`, u(2), 'joined', old, ''),
    line('', u(1), 'left', old),
    line(' spaced ', ` ${u(3)} `, ' approve ', ` ${old} `, ' -100 '),
    line('\u00a0nbsp\u00a0', u(4), 'joined', old),
    line('ссылка', u(5), 'approve', old, '-100', 'Имя'),
    line('x', `0${u(6)}`, 'joined', old),
    line('x', '12345678901234567890', 'joined', old),
    line('x', `u${u(7)}`, 'joined', old),
    line('x', u(8), 'approve', recent),
    line('x', u(9), 'pending', old),
    line('x', u(9), 'approve', old),
    line('x', u(10), 'weird', old),
    line('x', u(11), 'removed', old, '-200'),
    line('x', u(12), 'joined', ''),
    line('x', u(13), 'joined', '2026-03-01'),
    `old\t${u(14)}\tA\tB\t2024-05-01 10:00\tapprove`,
    `"broken\t${u(19)}\tjoined`,
    `x\t${u(15)}\t"quoted\nname"\t\t\tjoined\t\t\t-100\t${old}\t\t`,
    `x\t${u(16)}\tF\t\t\tjoined\t\t\t-100\t${old}\t\t\textra\tcells`,
    `x\t${u(17)}\tF\t\t\tjoined\t\t\t-100\t${old}\t\t\r`,
    '\t\t\t',
    '',
    `x\t${u(18)}\tF\x0b\t\t\tjoined\t\t\t\x0c-100\t${old}`,
    line('x', u(20), 'approve', String(10 ** 12 + k)),
    // Held from the appended blocks on: the settling rows after it are the fold's business again.
    ...(k === 1000 ? [line('x', u(21), 'pending', old)] : []),
  ].join('\n');
}

const text = (blocks: number) => `${HEADER}\n${Array.from({ length: blocks }, (_, k) => block(k)).join('\n')}\n`;

/** A fold that hears every row (no `skips`): the LedgerFile then reads every line through the scanner. */
const hearingAll = (fold: LogFold): LogFold => ({ row: (row, header) => fold.row(row, header), reset: () => fold.reset() });

interface Reading {
  source: LedgerFile;
  heard: string[];
  pending: PendingFold;
  reader: ReturnType<typeof logReader>;
}

function reading(file: string, quick: boolean): Reading {
  const source = new LedgerFile(file, 'data/responde_data.txt', 'UTC', '-100');
  const reader = logReader('data/responde_data.txt', 'UTC', () => new Date(NOW_S * 1000));
  const heard: string[] = [];
  const onRow = (row: TableRow, header: TableRow) => {
    heard.push(`${row.line}:${row.raw ?? ''}`);
    reader.onRow(row, header);
  };
  const pending = new PendingFold('data/responde_data.txt');
  source.listen(onRow, quick ? reader.skips : undefined);
  source.follow(quick ? pending : hearingAll(pending));
  return { source, heard, pending, reader };
}

/** What both readings must agree on; `heard` only for rows a listener with skips is told of. */
function state({ source, pending, reader }: Reading) {
  const prepared = reader.settle(null);
  return {
    people: [...source.ledger.entries()],
    members: source.ledger.memberCount,
    position: source.position,
    pending: pending.save(),
    keys: [...prepared.keys.entries()],
    problems: prepared.dated,
  };
}

describe('QuickRows', () => {
  let dir: TempFolder;
  beforeEach(() => {
    dir = new TempFolder('quick-rows-');
  });
  afterEach(() => dir.remove());

  test('serves a header only when it has every column the ledger reads, each named without spaces', () => {
    expect(QuickRows.columnsOf(HEADER.split('\t'))).toEqual({ link: 0, user: 1, status: 5, chat: 8, requestDate: 9 });
    expect(QuickRows.columnsOf(HEADER.replace('id_tg', ' id_tg').split('\t'))).toBeUndefined();
    expect(QuickRows.columnsOf(HEADER.split('\t').slice(0, 6))).toBeUndefined();
  });

  test('a whole read and the reads of what was appended give what the scanner gives, past the first piece', async () => {
    const file = dir.path('responde_data.txt');
    writeFileSync(file, text(400));
    const quick = reading(file, true);
    const slow = reading(file, false);
    const rowsQuick = await quick.source.catchUp();
    const rowsSlow = await slow.source.catchUp();
    expect(rowsQuick).toBe(rowsSlow);
    expect(state(quick)).toEqual(state(slow));
    expect(quick.source.position.offset).toBeGreaterThan(3 << 16);
    // The listener that skips heard the rows it wants only, and heard each as the scanner numbers it.
    const wanted = new Set(slow.heard);
    expect(quick.heard.length).toBeGreaterThan(0);
    // Plain old rows past the first 64 KiB piece (which holds the header, read by the scanner) were read quickly.
    const plain = (heard: string[]) => heard.filter((row) => /^\d+:inv-\d\t\d+\tF\t/.test(row)).length;
    const firstPiece = text(400).slice(0, 1 << 16).split('\n').filter((row) => /^inv-\d\t\d+\tF\t/.test(row)).length;
    expect(plain(slow.heard)).toBe(800);
    expect(plain(quick.heard)).toBeLessThanOrEqual(firstPiece + 2);
    for (const row of quick.heard) expect(wanted.has(row)).toBe(true);
    expect(quick.pending.save()).toEqual([]);

    appendFileSync(file, `${Array.from({ length: 300 }, (_, k) => block(1000 + k)).join('\n')}\n${line('late', '9', 'joined', '1')}`);
    expect(await quick.source.catchUp()).toBe(await slow.source.catchUp());
    expect(state(quick)).toEqual(state(slow));
    appendFileSync(file, '\n');
    expect(await quick.source.catchUp()).toBe(await slow.source.catchUp());
    expect(state(quick)).toEqual(state(slow));
    expect(quick.source.ledger.get('-100', '9')).toMatchObject({ member: true, link: 'late' });
    expect(quick.pending.save().map((row) => row.id_tg)).toEqual(['41021']);
  });

  test('a piece with a line that is not UTF-8 is read through the scanner, and the pieces after it quickly again', async () => {
    const file = dir.path('responde_data.txt');
    writeFileSync(file, Buffer.concat([Buffer.from(text(300)), Buffer.from([0x78, 0x09, 0xff, 0x0a]), Buffer.from(`${Array.from({ length: 300 }, (_, k) => block(500 + k)).join('\n')}\n`)]));
    const quick = reading(file, true);
    const slow = reading(file, false);
    expect(await quick.source.catchUp()).toBe(await slow.source.catchUp());
    expect(state(quick)).toEqual(state(slow));
  });
});
