/**
 * A seat of the log gate (log-gate.ts): the place held for one join request's row, from its
 * admission until the row is written or the request went nowhere.
 */

/** A held place for one row: released once the row is written, or the request went nowhere. */
export interface Seat {
  release(): void;
  /** The row is handed to `record`: the seat's Telegram call is over (`gather` no longer waits for it). */
  handOver(): void;
}

/** What a seat tells the gate that gave it. */
export interface SeatKeeper {
  /** The seat's Telegram call is over. */
  callOver(): void;
  /** The seat's bytes are no longer held. */
  freed(bytes: number): void;
}

/**
 * A seat of the gate: one object, not a closure per method and flag (a burst takes a seat per
 * request). Handing over and releasing each count once, however often they are called.
 */
export class GateSeat implements Seat {
  private handedOver = false;
  private released = false;

  constructor(private readonly gate: SeatKeeper, private readonly bytes: number) {}

  handOver(): void {
    if (this.handedOver) return;
    this.handedOver = true;
    this.gate.callOver();
  }

  release(): void {
    this.handOver();
    if (this.released) return;
    this.released = true;
    this.gate.freed(this.bytes);
  }
}

