/**
 * The errors our programs tell apart, by whose fault: a setting (ConfigError), a data file
 * (DataFileError, DataFileMissingError), another run holding a file (LockBusyError), our own code
 * (BugError). Telegram's refusals and network failures are in telegram/errors.ts. Only a program's
 * `main` turns them into output and exit codes, through the one table in cli/exit.ts.
 */

/** A setting is missing or malformed. `main` prints every problem and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One `NAME: message` line per problem. */
  readonly problems: string[];
  constructor(problems: string[], options?: ErrorOptions) {
    super(problems.join('\n'), options);
    this.problems = problems;
  }
}

/** Where in a data file a problem is: 1-based line and column, and the column's name when known. */
export interface FilePosition {
  file: string;
  line: number;
  column: number;
  field?: string;
}

/**
 * A problem with one place in a data file. The message reads
 * `data/invite_data.txt:17:5 (dt_expire): "31.02.2025" is not a date; use YYYY-MM-DD HH:mm`.
 */
export class DataFileError extends Error {
  override name = 'DataFileError';
  readonly position: FilePosition;
  readonly problem: string;
  constructor(position: FilePosition, problem: string, options?: ErrorOptions) {
    super(`${formatPosition(position)}: ${problem}`, options);
    this.position = position;
    this.problem = problem;
  }
}

/** `file:line:column (field)`; the column is left out when it is 0 (a problem with the whole file). */
export function formatPosition(p: FilePosition): string {
  let where = p.file;
  if (p.line > 0) where += `:${p.line}`;
  if (p.line > 0 && p.column > 0) where += `:${p.column}`;
  if (p.field !== undefined) where += ` (${p.field})`;
  return where;
}

/** A data file is missing or cannot be read as a whole: nothing in it can be used. */
export class DataFileMissingError extends Error {
  override name = 'DataFileMissingError';
  readonly file: string;
  constructor(file: string, expected: string, options?: ErrorOptions) {
    super(`${file}: file not found; ${expected}`, options);
    this.file = file;
  }
}

/** Another process holds the lock on a data file for longer than we are willing to wait. */
export class LockBusyError extends Error {
  override name = 'LockBusyError';
  readonly file: string;
  constructor(file: string, options?: ErrorOptions) {
    super(`${file} is locked by another running tg-get or tg-handler; try again when it has finished`, options);
    this.file = file;
  }
}

/** Another tg-handler already runs on this bot or data folder: this one refuses to start. */
export class InstanceBusyError extends Error {
  override name = 'InstanceBusyError';
  /** The running one's process id, when known. */
  readonly pid: number | undefined;
  constructor(what: string, pid: number | undefined) {
    super(`another tg-handler is already running on ${what}${pid === undefined ? '' : ` (process ${pid})`}; this one does not start (stop that one first, or leave it running)`);
    this.pid = pid;
  }
}

/** Ends a program with a given exit code and message, thrown by command code and caught by `main`. */
export class ExitError extends Error {
  override name = 'ExitError';
  readonly exitCode: number;
  constructor(exitCode: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * Our own code threw where it should not: a bug, not a setting or a file the admin can fix. Wraps
 * what was thrown (as `cause`, whose stack is printed once) and, in tg-handler, the update it was
 * handling.
 */
export class BugError extends Error {
  override name = 'BugError';
  readonly updateId: number | undefined;
  constructor(cause: unknown, updateId?: number) {
    super(`${updateId === undefined ? '' : `update ${updateId}: `}${messageOf(cause)}`, { cause });
    this.updateId = updateId;
  }
}

/** The message of anything thrown, for one log line. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
