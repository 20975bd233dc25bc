/**
 * The group commit's turns: what is handed over in one tick is one batch, a batch runs after the one
 * before it, and a failed batch fails only its own entries. SharedTickBatches (the join log's flush)
 * gives the entries of a batch one promise while its owner keeps what they hold; TickBatches
 * (membership decisions) gives one each.
 */
import { describe, expect, test } from '@jest/globals';
import { SharedTickBatches, TickBatches } from '../../../src/shared/files/tick-batches.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An owner of shared batches, as AppendLog is: it keeps the items, and `run` takes those gathered so far. */
function owner<T>(run: (items: T[]) => Promise<void>) {
  let gathered: T[] = [];
  const batches = new SharedTickBatches(() => {
    const items = gathered;
    gathered = [];
    return run(items);
  });
  return {
    batches,
    add(item: T): Promise<void> {
      gathered.push(item);
      return batches.join();
    },
  };
}

describe('SharedTickBatches', () => {
  test('entries of one tick are one batch and share its promise; entries joining while it runs are the next batch', async () => {
    const runs: string[][] = [];
    let finishFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (finishFirst = resolve));
    const log = owner<string>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await firstHeld;
    });
    const a = log.add('a');
    const b = log.add('b');
    expect(a).toBe(b);
    await tick();
    await tick();
    expect(runs).toEqual([['a', 'b']]);
    // The first batch is still running: these wait for the next one.
    const c = log.add('c');
    const d = log.add('d');
    expect(c).toBe(d);
    expect(c).not.toBe(a);
    let firstDone = false;
    void a.then(() => (firstDone = true));
    await tick();
    expect(firstDone).toBe(false);
    finishFirst();
    await Promise.all([a, c]);
    expect(runs).toEqual([['a', 'b'], ['c', 'd']]);
    await log.batches.idle();
  });

  test('a batch that fails rejects its entries with the error, and the next batch runs all the same', async () => {
    const log = owner<number>(async (items) => {
      if (items.includes(13)) throw new Error('disk full');
    });
    const failed = [log.add(12), log.add(13)];
    await expect(failed[0]).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    await expect(log.add(14)).resolves.toBeUndefined();
  });

  test('the batch waits for what gather gives while more is on its way', async () => {
    const runs: number[][] = [];
    const log = owner<number>(async (items) => {
      runs.push(items);
    });
    let arrive!: () => void;
    const onTheWay = new Promise<void>((resolve) => (arrive = resolve));
    let asked = 0;
    log.batches.gather = () => (asked++ === 0 ? onTheWay : undefined);
    const first = log.add(1);
    await tick();
    await tick();
    const late = log.add(2);
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
