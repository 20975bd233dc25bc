/**
 * The requests the join log holds as `pending` and not settled since: what the review queue acts on
 * after a restart and what `tg-get pending` lists. Read row by row; only the unsettled requests are
 * kept, so memory follows the queue, not the size of the file.
 */
import { DataFileMissingError } from '../errors.js';
import { readTable } from '../files/store.js';
import { cell, emptyTable } from '../files/table.js';
import type { Table, TableRow } from '../files/tsv.js';
import type { SavedFold } from './ledger-cache.js';
import { responseSpec, type ResponseCells } from './schema.js';

/** A join-log row, every cell as text (blank when the file has no such column). */
export type LogRow = Record<keyof ResponseCells, string>;

const COLUMNS: readonly (keyof ResponseCells)[] = [
  'id_link', 'id_tg', 'tg_f_name', 'tg_l_name', 'dt_tg_responde', 'tg_responde_status',
  'tg_username', 'link', 'chat_id', 'tg_request_date', 'decided_by', 'reason',
];

/** Statuses that settle an earlier `pending` row of the same person in the same chat. */
const SETTLING = new Set(['approve', 'decline', 'missing', 'joined']);

/**
 * The pending requests, as the join log's rows in file order say. A `pending` row holds a request
 * (a newer one of the same person in the same chat replaces it); a later approve, decline, missing or
 * joined row of that person in that chat settles it.
 */
export class PendingRequests {
  private readonly held = new Map<string, LogRow>();

  /** Folds one row (in file order) into the set. */
  note(row: LogRow): void {
    const key = personKey(row.chat_id.trim(), row.id_tg.trim());
    const status = row.tg_responde_status.trim();
    if (status === 'pending') this.held.set(key, row);
    else if (SETTLING.has(status)) this.held.delete(key);
  }

  /** The held request of this person in this chat, if any. */
  get(chatId: string, userId: string): LogRow | undefined {
    return this.held.get(personKey(chatId, userId));
  }

  /** Another set holding the same requests (in the same order), to go on apart from this one. */
  copy(): PendingRequests {
    const copy = new PendingRequests();
    for (const row of this.held.values()) copy.note(row);
    return copy;
  }

  /** Forgets every held request. */
  clear(): void {
    this.held.clear();
  }

  /** Every held request, oldest row first. */
  list(): LogRow[] {
    return [...this.held.values()];
  }

  get size(): number {
    return this.held.size;
  }
}

function personKey(chatId: string, userId: string): string {
  return `${chatId}|${userId}`;
}

/**
 * Turns the scanner's rows into `LogRow`s, for a reader that hands rows with their header (the
 * shared reader, LedgerFile). With `statuses`, only rows of those statuses (trimmed) are turned, the
 * others give undefined, as blank rows do: most of a long log is rows a fold does not look at.
 */
export function logRows(name: string, statuses?: ReadonlySet<string>): (row: TableRow, header: TableRow) => LogRow | undefined {
  let table: Table = emptyTable(name, []);
  let seen: TableRow | undefined;
  let status = -1;
  return (row, header) => {
    if (seen !== header) {
      seen = header;
      table = emptyTable(name, header.cells);
      status = header.cells.findIndex((column) => column.trim() === 'tg_responde_status');
    }
    if (row.blank) return undefined;
    if (statuses !== undefined && !statuses.has(status < 0 ? '' : (row.cells[status] ?? '').trim())) return undefined;
    const values = {} as LogRow;
    for (const column of COLUMNS) values[column] = cell(table, row, column);
    return values;
  };
}

/**
 * The held requests as a fold of the rows tg-handler's LedgerFile reads (whole log, or what follows
 * its snapshot), carried by the snapshot: what `readPending` gives, without a read of its own.
 */
export class PendingFold implements SavedFold {
  readonly held = new PendingRequests();
  private readonly toRow: ReturnType<typeof logRows>;

  constructor(name: string) {
    this.toRow = logRows(name, new Set(['pending', ...SETTLING]));
  }

  row(row: TableRow, header: TableRow): void {
    const values = this.toRow(row, header);
    if (values !== undefined) this.held.note(values);
  }

  reset(): void {
    this.held.clear();
  }

  /** Only a `pending` row, or a settling one while something is held, changes the set. */
  skips(status: string): boolean {
    return !(status === 'pending' || (SETTLING.has(status) && this.held.size > 0));
  }

  save(): LogRow[] {
    return this.held.list();
  }

  restore(data: unknown): boolean {
    if (!Array.isArray(data)) return false;
    this.held.clear();
    for (const row of data as LogRow[]) this.held.note(row);
    return true;
  }
}

/**
 * Calls `onRow` with each non-blank row of the join log at `file` (shown as `name`), in file order,
 * cells by column name; a missing file has no rows. Keeps nothing. Throws DataFileError when the
 * file is not UTF-8.
 */
export async function eachLogRow(file: string, name: string, onRow: (row: LogRow) => void): Promise<void> {
  const toRow = logRows(name);
  try {
    await readTable(file, name, responseSpec('UTC').expected, (row, header) => {
      const values = toRow(row, header);
      if (values !== undefined) onRow(values);
    });
  } catch (error) {
    if (!(error instanceof DataFileMissingError)) throw error;
  }
}

/** Reads the join log's pending requests (see PendingRequests). */
export async function readPending(file: string, name: string): Promise<PendingRequests> {
  const pending = new PendingRequests();
  await eachLogRow(file, name, (row) => pending.note(row));
  return pending;
}

/**
 * The row that records the decision on a held request: the `pending` row's cells (who, which link,
 * why it was held, the request's date), with the new status, when (`at`, formatted for the file) and
 * who decided (an administrator's user id, `cli`, or blank when Telegram said it was settled already).
 */
export function decisionRow(held: LogRow, status: ResponseCells['tg_responde_status'], decidedBy: string, at: string): ResponseCells {
  return { ...held, dt_tg_responde: at, tg_responde_status: status, decided_by: decidedBy };
}
