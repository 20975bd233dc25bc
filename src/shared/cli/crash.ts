/**
 * The last line of defence for a failure no `main` caught: an exception thrown from a timer or an
 * event handler, or a rejected promise nobody awaited. Node would print it as it is, and an error of
 * the HTTP client can carry the request's URL, with the bot token in it. Here it goes through the one
 * exit-code table and the same redaction as every log line, and the process ends with the table's code.
 */
import { reportFailure } from './exit.js';
import { flushLines } from './line-out.js';
import { rememberedSecrets, writesToJournal } from './log.js';

/** journald's priority prefix for an error (syslog 3), when stderr goes to the journal. */
const JOURNAL_ERROR = '<3>';

/**
 * Makes an uncaught exception or unhandled rejection end the process through `reportFailure`, with
 * every secret a logger of this process was given (and anything shaped like a token) redacted.
 */
export function guardCrashes(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const prefix = writesToJournal(env, [2]) ? JOURNAL_ERROR : '';
  const fail = (error: unknown): void => {
    let code = 70;
    try {
      // What the program printed in this turn goes out before the report of what ended it.
      flushLines();
      code = reportFailure(error, { err: (line) => process.stderr.write(`${line.split('\n').map((part) => `${prefix}${part}`).join('\n')}\n`) }, rememberedSecrets());
    } finally {
      process.exit(code);
    }
  };
  process.on('uncaughtException', fail);
}
