/**
 * The group commit's turns: what is handed over in one tick is one batch, a batch runs after the one
 * before it, and a failed batch fails only its own entries. SharedTickBatches (the join log's flush)
 * gives the entries of a batch one promise; TickBatches (membership decisions) one each.
 */
import { describe, expect, test } from '@jest/globals';
import { SharedTickBatches, TickBatches } from '../../../src/shared/files/tick-batches.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SharedTickBatches', () => {
  test('items of one tick are one batch and share its promise; items added while it runs are the next batch', async () => {
    const runs: string[][] = [];
    let finishFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (finishFirst = resolve));
    const batches = new SharedTickBatches<string>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await firstHeld;
    });
    const a = batches.add('a');
    const b = batches.add('b');
    expect(a).toBe(b);
    await tick();
    await tick();
    expect(runs).toEqual([['a', 'b']]);
    // The first batch is still running: these wait for the next one.
    const c = batches.add('c');
    const d = batches.add('d');
    expect(c).toBe(d);
    expect(c).not.toBe(a);
    let firstDone = false;
    void a.then(() => (firstDone = true));
    await tick();
    expect(firstDone).toBe(false);
    finishFirst();
    await Promise.all([a, c]);
    expect(runs).toEqual([['a', 'b'], ['c', 'd']]);
    await batches.idle();
  });

  test('a batch that fails rejects its items with the error, and the next batch runs all the same', async () => {
    const batches = new SharedTickBatches<number>(async (items) => {
      if (items.includes(13)) throw new Error('disk full');
    });
    const failed = [batches.add(12), batches.add(13)];
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    await expect(batches.add(14)).resolves.toBeUndefined();
  });

  test('the batch waits for what gather gives while more is on its way', async () => {
    const runs: number[][] = [];
    const batches = new SharedTickBatches<number>(async (items) => {
      runs.push(items);
    });
    let arrive!: () => void;
    const onTheWay = new Promise<void>((resolve) => (arrive = resolve));
    let asked = 0;
    batches.gather = () => (asked++ === 0 ? onTheWay : undefined);
    const first = batches.add(1);
    await tick();
    await tick();
    const late = batches.add(2);
    arrive();
    await Promise.all([first, late]);
    expect(first).toBe(late);
    expect(runs).toEqual([[1, 2]]);
  });
});

describe('TickBatches', () => {
  test('each entry gets the result run gives it; entries run left unsettled take its error', async () => {
    const batches = new TickBatches<number, number>(async (batch) => {
      batch[0]!.resolve(batch[0]!.item * 10);
      if (batch.length > 1) throw new Error('lock lost');
    });
    const first = batches.add(1);
    const second = batches.add(2);
    expect(first).not.toBe(second);
    await expect(first).resolves.toBe(10);
    await expect(second).rejects.toThrow('lock lost');
    await expect(batches.add(3)).resolves.toBe(30);
  });
});
