import { describe, expect, it } from '@jest/globals';
import { CoalescingSaver } from '../../src/get-exec/saver.js';

describe('CoalescingSaver', () => {
  it('folds the requests made during a save into one more save, which covers them all', async () => {
    let state = 0;
    const written: number[] = [];
    let release: () => void = () => {};
    const saver = new CoalescingSaver(async () => {
      const snapshot = state;
      await new Promise<void>((r) => (release = r));
      written.push(snapshot);
    });
    state = 1;
    const first = saver.request();
    state = 2;
    const second = saver.request();
    state = 3;
    const third = saver.request();
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([first, second, third]);
    expect(written).toEqual([1, 3]);
  });

  it('keeps a failure for check() and flush()', async () => {
    const saver = new CoalescingSaver(async () => {
      throw new Error('disk full');
    });
    void saver.request();
    await expect(saver.flush()).rejects.toThrow('disk full');
    expect(() => saver.check()).toThrow('disk full');
  });
});
