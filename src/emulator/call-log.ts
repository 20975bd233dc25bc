import type { RecordedCall } from './types.js';

interface Waiter {
  method: string;
  predicate: (call: RecordedCall) => boolean;
  settle: (call: RecordedCall | Error) => void;
}

/** Every call the emulator received, in the order they were answered, and waits on them. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly canonicalNames = new Map<string, string>();
  private seq = 0;

  /** Teaches the log the canonical spelling of method names, so lookups ignore case. */
  setCanonicalNames(names: Iterable<string>): void {
    for (const name of names) this.canonicalNames.set(name.toLowerCase(), name);
  }

  /** Appends a call (its `seq` is assigned here) and settles the waits it satisfies. */
  record(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const recorded: RecordedCall = { seq: ++this.seq, ...call };
    this.calls.push(recorded);
    for (const waiter of [...this.waiters]) {
      if (waiter.method === recorded.method && waiter.predicate(recorded)) waiter.settle(recorded);
    }
    return recorded;
  }

  /** The calls of one method (any spelling), oldest first. */
  to(method: string): RecordedCall[] {
    const canonical = this.canonical(method);
    return this.calls.filter((call) => call.method === canonical);
  }

  /**
   * The first matching call ever recorded (past calls count), or else the next one recorded.
   * Rejects after `timeoutMs`. To wait for a later call only, test `seq` in the predicate.
   */
  waitFor(method: string, predicate: (call: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    const past = this.to(method).find(predicate);
    if (past !== undefined) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method: this.canonical(method),
        predicate,
        settle: (outcome) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      const timer = setTimeout(() => {
        const seen = this.to(method).length;
        waiter.settle(new Error(`waitForCall('${method}'): no matching call within ${timeoutMs} ms (${seen} call(s) to it did not match)`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending wait. */
  rejectWaits(reason: string): void {
    for (const waiter of [...this.waiters]) waiter.settle(new Error(reason));
  }

  private canonical(method: string): string {
    return this.canonicalNames.get(method.toLowerCase()) ?? method;
  }
}

/** A value shown in one line: JSON for objects, long text cut with an ellipsis. */
function shortValue(value: unknown, max: number): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One call as a line for people: `#7 sendMessage 200 chat_id=-100… text="Hello"`, with the
 * error description when it failed and the files it uploaded. Holds no token (calls never do).
 */
export function describeCall(call: RecordedCall, maxValue = 60): string {
  const params = Object.entries(call.params).map(([key, value]) => `${key}=${shortValue(value, maxValue)}`);
  const files = call.files.map((file) => `${file.field}=<${file.filename}, ${file.bytes.length} bytes>`);
  const response = call.response as { ok?: boolean; description?: unknown } | undefined;
  const failure = response?.ok === false ? ` (${String(response.description)})` : '';
  const fault = call.fault === undefined ? '' : ` [${call.fault}]`;
  return [`#${call.seq} ${call.method} ${call.status}${failure}${fault}`, ...params, ...files].join(' ');
}
