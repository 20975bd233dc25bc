/**
 * The lines a program prints, written out once per turn of the event loop instead of one write per
 * line. tg-handler prints a line per join request, and the rows of a batch become durable together,
 * so about a hundred lines come in the same turn: a write (a system call on a pipe or the journal's
 * socket) per line was 2% of a burst (BENCHMARKS.md, issue 15). Lines keep their order, across
 * stdout and stderr too: a line for the other stream writes out what is waiting first. What is
 * waiting is written synchronously before the process exits, whether it returns, calls
 * process.exit, or ends on an uncaught exception (the crash guard writes it before its report).
 */

/** Where the lines go: process.stdout or process.stderr (synchronous on files, pipes and terminals). */
export interface LineStream {
  write(text: string): unknown;
}

/** Bytes (about) held at most: a program printing a long report in one go writes it in pieces. */
const MAX_WAITING = 64 * 1024;

let waiting = '';
let waitingFor: LineStream | undefined;
let scheduled = false;
let hooked = false;

/** Writes out the lines waiting, now. Safe to call at any time (the crash guard does). */
export function flushLines(): void {
  if (waitingFor === undefined) return;
  const stream = waitingFor;
  const text = waiting;
  waiting = '';
  waitingFor = undefined;
  stream.write(text);
}

function endOfTurn(): void {
  scheduled = false;
  flushLines();
}

/** Queues `line` (a line ending is added) for `stream`; it is written at the end of this turn of the event loop. */
export function writeLine(stream: LineStream, line: string): void {
  if (stream !== waitingFor) {
    flushLines();
    waitingFor = stream;
  }
  waiting += `${line}\n`;
  if (waiting.length >= MAX_WAITING) flushLines();
  if (!hooked) {
    hooked = true;
    // 'exit' runs on a return from the last task, on process.exit and after an uncaught exception.
    process.on('exit', flushLines);
  }
  if (!scheduled) {
    scheduled = true;
    setImmediate(endOfTurn);
  }
}
