/**
 * LogGate.gather with the join log's flush (ResponseLog.gatherWhile): while an admitted request is
 * still in its Telegram call, a row handed over waits for it, so a batch's rows are flushed once;
 * the wait ends when the last seat hands its row over or is released without one, after gatherMs,
 * or at close. Against a real join log in a temp folder: a row is in the file once its flush ran.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { Logger } from '../../src/shared/cli/log.js';
import { ResponseLog } from '../../src/shared/join-log/append.js';
import type { ResponseCells } from '../../src/shared/join-log/schema.js';
import { LogGate } from '../../src/handler-exec/log-gate.js';
import { TempFolder } from '../support/tmp.js';

const quiet: Logger = { info() {}, debug() {}, warn() {}, error() {} };

const row = (user: number): ResponseCells => ({
  id_link: 'anna-2026', id_tg: String(1_000_000 + user), tg_f_name: 'Anna', tg_l_name: '', dt_tg_responde: '2026-01-03 10:00:00', tg_responde_status: 'approve',
  tg_username: 'anna', link: 'https://t.me/+AAAA', chat_id: '-100', tg_request_date: '1767430800', decided_by: '', reason: '',
});

/** Lets the event loop run `turns` times (setImmediate), timers aside. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('LogGate.gather with the join log', () => {
  let folder: TempFolder;
  let log: ResponseLog;
  let file: string;

  beforeEach(async () => {
    folder = new TempFolder('tg-log-gather-');
    file = folder.path('responde_data.txt');
    ({ log } = await ResponseLog.open(file, 'responde_data.txt', 'UTC'));
  });
  afterEach(async () => {
    await log.close();
    folder.remove();
  });

  function gateWaiting(gatherMs: number): LogGate {
    const gate = new LogGate(log, { dir: folder.dir, name: 'responde_data.txt', logger: quiet, freeBytes: async () => ({ free: 1e12, block: 4096 }), gatherMs });
    log.gatherWhile(() => gate.gather());
    return gate;
  }
  const rowsInFile = () => readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('anna-2026')).length;

  test('nothing to wait for without a seat in its call; a promise while one is', async () => {
    const gate = gateWaiting(60_000);
    expect(gate.gather()).toBeUndefined();
    const seat = await gate.admit(row(1));
    const waiting = gate.gather();
    expect(waiting).toBeInstanceOf(Promise);
    seat.release();
    await waiting;
    expect(gate.gather()).toBeUndefined();
    gate.close();
  });

  test('a row handed over waits while another request is in its call, then both are flushed', async () => {
    const gate = gateWaiting(60_000);
    const [first, second] = await Promise.all([gate.admit(row(1)), gate.admit(row(2))]);
    let firstWritten = false;
    const wrote1 = gate.record(row(1), first).then((wrote) => (firstWritten = wrote));
    await turns(20);
    expect(firstWritten).toBe(false);
    expect(rowsInFile()).toBe(0);
    const wrote2 = gate.record(row(2), second);
    await expect(Promise.all([wrote1, wrote2])).resolves.toEqual([true, true]);
    expect(rowsInFile()).toBe(2);
    gate.close();
  });

  test('a seat released without a row (its call failed) ends the wait too', async () => {
    const gate = gateWaiting(60_000);
    const [first, failed] = await Promise.all([gate.admit(row(1)), gate.admit(row(2))]);
    let written = false;
    const wrote = gate.record(row(1), first).then((w) => (written = w));
    await turns(20);
    expect(written).toBe(false);
    failed.release();
    await expect(wrote).resolves.toBe(true);
    expect(rowsInFile()).toBe(1);
    gate.close();
  });

  test('a request that never hands its row over holds the others no longer than gatherMs', async () => {
    const gate = gateWaiting(30);
    const [first, stuck] = await Promise.all([gate.admit(row(1)), gate.admit(row(2))]);
    await expect(gate.record(row(1), first)).resolves.toBe(true);
    expect(rowsInFile()).toBe(1);
    stuck.release();
    gate.close();
  });

  test('a seat ends its call once, however often it is handed over or released', async () => {
    const gate = gateWaiting(60_000);
    const [first, second] = await Promise.all([gate.admit(row(1)), gate.admit(row(2))]);
    first.handOver();
    first.handOver();
    first.release();
    first.release();
    // The second seat is still in its call: a flush still waits for it.
    expect(gate.gather()).toBeInstanceOf(Promise);
    second.release();
    expect(gate.gather()).toBeUndefined();
    gate.close();
  });

  test('close ends the wait: the rows handed over are written', async () => {
    const gate = gateWaiting(60_000);
    const [first] = await Promise.all([gate.admit(row(1)), gate.admit(row(2))]);
    // Handed to the log itself, as the gate's record never resolves after close.
    const wrote = log.record(row(1));
    first.handOver();
    await turns(20);
    expect(rowsInFile()).toBe(0);
    gate.close();
    await expect(wrote).resolves.toBe(true);
    expect(rowsInFile()).toBe(1);
  });
});
