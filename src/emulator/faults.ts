import type { Fault } from './types.js';

/** Faults queued per method by `failNext`, used up one per call. */
export class FaultQueue {
  private readonly queued = new Map<string, Fault[]>();

  add(method: string, fault: Fault, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer, got ${times}`);
    const key = method.toLowerCase();
    const list = this.queued.get(key) ?? [];
    for (let i = 0; i < times; i += 1) list.push(fault);
    this.queued.set(key, list);
  }

  /** The fault for this call of `method`, if one is queued. */
  take(method: string): Fault | undefined {
    return this.queued.get(method.toLowerCase())?.shift();
  }
}

/** How a fault is written in `RecordedCall.fault`. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'error':
      return `error ${fault.code}`;
    case 'delay':
      return `delay ${fault.ms}`;
    default:
      return fault.kind;
  }
}
