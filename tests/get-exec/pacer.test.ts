import { describe, expect, it } from '@jest/globals';
import { Pacer, WINDOW_MS } from '../../src/get-exec/pacer.js';

/** A clock that only moves when the pacer sleeps. */
function fakeClock(start = 1_000_000) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    slept,
  };
}

describe('Pacer', () => {
  it('lets 20 sends go at once, then holds the 21st until the first leaves the minute', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(20, clock.now, clock.sleep);
    for (let i = 0; i < 20; i++) {
      await pacer.ready();
      pacer.sent();
      clock.advance(100);
    }
    expect(clock.slept).toEqual([]);
    await pacer.ready();
    expect(clock.slept).toEqual([WINDOW_MS - 2000]);
  });

  it('never has more than the limit in any rolling minute', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(5, clock.now, clock.sleep);
    const times: number[] = [];
    for (let i = 0; i < 23; i++) {
      await pacer.ready();
      pacer.sent();
      times.push(clock.now());
      clock.advance(1_500);
    }
    for (const t of times) expect(times.filter((u) => u >= t && u < t + WINDOW_MS).length).toBeLessThanOrEqual(5);
  });

  it('counts the sends of the previous run', async () => {
    const clock = fakeClock();
    const earlier = Array.from({ length: 20 }, (_, i) => clock.now() - 30_000 + i);
    const pacer = new Pacer(20, clock.now, clock.sleep, earlier);
    await pacer.ready();
    expect(clock.slept).toEqual([30_000]);
  });

  it('stops waiting when cancelled', async () => {
    const clock = fakeClock();
    const pacer = new Pacer(1, clock.now, clock.sleep);
    pacer.sent();
    expect(await pacer.ready(undefined, () => true)).toBe(false);
    expect(clock.slept).toEqual([]);
  });
});
