import { describe, expect, it } from '@jest/globals';
import { Slots } from '../../src/shared/slots.js';

describe('Slots', () => {
  it('holds values until taken, reuses emptied slots, and lists what it holds', () => {
    const slots = new Slots<{ n: number }>();
    const a = { n: 1 };
    const b = { n: 2 };
    const c = { n: 3 };
    const sa = slots.put(a);
    const sb = slots.put(b);
    expect(slots.size).toBe(2);
    expect(slots.at(sa)).toBe(a);
    expect(slots.take(sa)).toBe(a);
    expect(slots.take(sa)).toBeUndefined();
    expect(slots.at(sa)).toBeUndefined();
    expect(slots.size).toBe(1);
    // The emptied slot is the next one used: the array does not grow past the most held at once.
    expect(slots.put(c)).toBe(sa);
    expect([...slots]).toEqual([c, b]);
    expect(slots.take(sb)).toBe(b);
    expect(slots.take(sa)).toBe(c);
    expect(slots.size).toBe(0);
    expect([...slots]).toEqual([]);
  });

  it('keeps a count equal to a Map of the same puts and takes', () => {
    const slots = new Slots<object>();
    const oracle = new Map<number, object>();
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 5000; i++) {
      if (oracle.size > 0 && next() < 0.5) {
        const keys = [...oracle.keys()];
        const slot = keys[Math.floor(next() * keys.length)]!;
        expect(slots.take(slot)).toBe(oracle.get(slot));
        oracle.delete(slot);
      } else {
        const value = { i };
        const slot = slots.put(value);
        expect(oracle.has(slot)).toBe(false);
        oracle.set(slot, value);
      }
      expect(slots.size).toBe(oracle.size);
    }
    expect(new Set(slots)).toEqual(new Set(oracle.values()));
  });
});
