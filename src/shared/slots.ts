/**
 * Values a long-lived owner holds for a moment each (the updates being handled, the rows being
 * written), in an array whose places are reused. A Map that a burst fills and empties thousands of
 * times makes itself a new table every hundred or so entries, and V8 leaves the dead table holding
 * what it held. Once that table is in the old generation it keeps those young values, and all they
 * reach, alive through the next scavenges until a full collection: a burst of 10,000 join requests
 * promoted 1-6 MB more, and tg-handler's peak memory moved with it (BENCHMARKS.md, issue 15, session
 * 7). A place here is emptied the moment its value goes, and the array stops growing at the most
 * values held at once.
 */
export class Slots<T extends object> {
  private readonly values: Array<T | undefined> = [];
  private readonly free: number[] = [];
  private count = 0;

  /** Holds `value`; returns its slot. */
  put(value: T): number {
    const slot = this.free.pop() ?? this.values.length;
    this.values[slot] = value;
    this.count++;
    return slot;
  }

  /** The value in `slot`, or undefined when the slot is empty. */
  at(slot: number): T | undefined {
    return this.values[slot];
  }

  /** Empties `slot`; returns what it held (undefined when it was empty already). */
  take(slot: number): T | undefined {
    const value = this.values[slot];
    if (value === undefined) return undefined;
    this.values[slot] = undefined;
    this.free.push(slot);
    this.count--;
    return value;
  }

  /** How many values are held. */
  get size(): number {
    return this.count;
  }

  /** The values held, by slot. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const value of this.values) if (value !== undefined) yield value;
  }
}
