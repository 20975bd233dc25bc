/**
 * Reading the join log into a `Ledger`, row by row with the shared scanner, and then only what was
 * appended since (by tg-handler, `tg-get members`, or anyone): memory follows the people in the
 * ledger, never the size of the file. The same pass can hand every row to a listener too (tg-handler's
 * redelivery keys), so start-up reads the file once.
 */
import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { DataFileError } from '../errors.js';
import { feed, readWholeLines } from '../files/store.js';
import { TsvScanner, type TableFrame, type TableRow } from '../files/tsv.js';
import { eventDate, Ledger } from './ledger.js';
import { feedQuick, QuickRows, type QuickRow } from './quick-rows.js';

/** The columns the ledger reads, by index in the file's header (-1 when the header lacks it). */
interface Columns {
  link: number;
  user: number;
  status: number;
  chat: number;
  requestDate: number;
  respondedAt: number;
}

function columnsOf(header: readonly string[]): Columns {
  const at = (name: string) => header.findIndex((cell) => cell.trim() === name);
  return { link: at('id_link'), user: at('id_tg'), status: at('tg_responde_status'), chat: at('chat_id'), requestDate: at('tg_request_date'), respondedAt: at('dt_tg_responde') };
}

const cellAt = (row: TableRow, index: number): string => (index < 0 ? '' : (row.cells[index] ?? '').trim());

/** How many lines a record's text spans. */
function linesOf(row: TableRow): number {
  const raw = row.raw;
  if (raw === null || (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0)) return 1;
  return 1 + (raw.match(/\r\n|\r|\n/g)?.length ?? 0);
}

/** The row as the whole file numbers it (the scanner numbered it after the header put before it). */
function renumbered(row: TableRow, by: number): TableRow {
  if (by === 0) return row;
  const error = row.error === undefined ? undefined : new DataFileError({ ...row.error.position, line: row.error.position.line + by }, row.error.problem);
  return { ...row, line: row.line + by, ...(error === undefined ? {} : { error }) };
}

/** Hears every row a `LedgerFile` reads (numbered as in the whole file), the ledger's or not. */
export type RowListener = (row: TableRow, header: TableRow) => void;

/**
 * Says that a row of this (trimmed) status and request date (Unix seconds) changes nothing for a
 * listener or fold, so it may be left out: the ledger then reads it straight from the bytes.
 */
export type RowSkip = (status: string, requestDateS: number) => boolean;

/**
 * State kept from the same rows as the ledger (tg-handler's held requests, its personal links'
 * counts), so start-up reads the file once and a snapshot can carry it too.
 */
export interface LogFold {
  /** Hears each row read, in file order (at start also a torn last line, heard again once whole). */
  row(row: TableRow, header: TableRow): void;
  /** The file is read again from its first byte: forget what was folded. */
  reset(): void;
  /** See RowSkip; without it the fold hears every row. */
  skips?: RowSkip;
}

/** Where a `LedgerFile` has read up to: what a snapshot must hold to go on from there. */
export interface LedgerPosition {
  /** Bytes read: the file's first `offset` bytes, whole lines only. */
  offset: number;
  /** The header line (read again in front of what follows `offset`); null before one was read. */
  headerText: string | null;
  /** The line number of the first line after `offset`. */
  nextLine: number;
  /** The file read, as `dev:ino`; '' before the first read. */
  identity: string;
}

/** What one read found. */
export interface ReadResult {
  /** Data rows handed to the ledger. */
  rows: number;
  /** The file's frame (header, line ending, BOM) as this read saw it; null when the file is missing. */
  frame: TableFrame | null;
  /** This read started at the file's first byte (first read, or the file was replaced or cut). */
  fromStart: boolean;
}

/**
 * The join log as a ledger. `catchUp` reads what the file gained since the last call (whole lines
 * only: a line still being written is read next time). Rows that cannot be read (broken quotes,
 * not UTF-8, a bad status) change nobody's standing; tg-handler and the report name them elsewhere.
 * Reads never overlap: a call waits for the one under way.
 */
export class LedgerFile {
  private current = new Ledger();
  private at: LedgerPosition = { offset: 0, headerText: null, nextLine: 1, identity: '' };
  private listener: RowListener | undefined;
  private listenerSkips: RowSkip | undefined;
  private readonly folds: LogFold[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param file the join log's path
   * @param name how it is named in messages
   * @param zone the zone of dt_tg_responde, for legacy rows without tg_request_date
   * @param defaultChat the group of rows with a blank chat_id (legacy rows: the tool served one group, CHAT_ID); '' keeps them apart
   */
  constructor(
    readonly file: string,
    private readonly name: string,
    private readonly zone: string,
    private readonly defaultChat = '',
  ) {}

  /** The ledger as of the last `catchUp` (plus what `ledger.apply` added since). */
  get ledger(): Ledger {
    return this.current;
  }

  /** Where reading has got to (see LedgerPosition). */
  get position(): LedgerPosition {
    return { ...this.at };
  }

  /** Hands every row read from now on to `listener` as well (one listener; the last given wins), except those `skips` (when given) leaves out. */
  listen(listener: RowListener | undefined, skips?: RowSkip): void {
    this.listener = listener;
    this.listenerSkips = skips;
  }

  /** Hands every row read from now on to `fold` too, and has it forget with the ledger (see `reset`). */
  follow(fold: LogFold): void {
    this.folds.push(fold);
  }

  /** Forgets everything (the folds too): the next `catchUp` reads the file from its start into a new ledger. */
  reset(): void {
    for (const fold of this.folds) fold.reset();
    this.current = new Ledger();
    this.at = { offset: 0, headerText: null, nextLine: 1, identity: '' };
  }

  /** Goes on from a saved state: `ledger` is the fold of the file's first `position.offset` bytes. */
  restore(ledger: Ledger, position: LedgerPosition): void {
    this.current = ledger;
    this.at = { ...position };
  }

  /**
   * The file was rewritten with `headerText` as its header (`by` bytes longer than the old one), the
   * rows after it copied as they were: the rows read are the same, at new places, in a new file.
   */
  async shift(by: number, headerText: string): Promise<void> {
    if (this.at.offset === 0) return;
    const stats = await stat(this.file, { bigint: true });
    this.at = { ...this.at, offset: this.at.offset + by, headerText, identity: `${stats.dev}:${stats.ino}` };
  }

  /** Reads the rows appended since the last call (the whole file the first time); resolves with how many. A missing file has none. */
  async catchUp(): Promise<number> {
    return (await this.read(false)).rows;
  }

  /**
   * As `catchUp`, and with `tail` a last line without a line ending is handed to the listener too
   * (not to the ledger, nor counted as read: it is read again once whole), as the start-up reader
   * of the join log sees it.
   */
  read(tail: boolean): Promise<ReadResult> {
    const next = this.queue.then(() => this.readNow(tail));
    this.queue = next.catch(() => {});
    return next;
  }

  private async readNow(tail: boolean): Promise<ReadResult> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rows: 0, frame: null, fromStart: true };
      throw error;
    }
    try {
      const stats = await handle.stat({ bigint: true });
      const size = Number(stats.size);
      const identity = `${stats.dev}:${stats.ino}`;
      // Another file (an admin's edit saved as a new file), or cut below what was read: read it again whole.
      if (size < this.at.offset || (this.at.identity !== '' && this.at.identity !== identity)) this.reset();
      this.at.identity = identity;
      const fromStart = this.at.offset === 0;
      // At most a person a row, and a row takes some 60 bytes or more.
      if (fromStart && this.current.size === 0) this.current.reserve(Math.floor(size / 64));
      const by = fromStart ? 0 : this.at.nextLine - 2;
      let rows = 0;
      let columns: Columns | undefined;
      /** The line after the last whole row read (scanner numbering), 0 before one. */
      let lastEnd = 0;
      let quick: QuickRows | null = null;
      const scanner = new TsvScanner(this.name, (row, header) => {
        columns ??= columnsOf(header.cells);
        this.listener?.(renumbered(row, by), header);
        for (const fold of this.folds) fold.row(row, header);
        if (row.eol === '') return;
        lastEnd = row.line + linesOf(row);
        if (row.blank || row.error !== undefined) return;
        rows++;
        this.current.apply({
          chat: cellAt(row, columns.chat) || this.defaultChat,
          user: cellAt(row, columns.user),
          status: cellAt(row, columns.status),
          link: cellAt(row, columns.link),
          date: eventDate(cellAt(row, columns.requestDate), cellAt(row, columns.respondedAt), this.zone),
        });
      });
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      const slow = (bytes: Buffer) => feed(scanner, decoder, bytes, true);
      // Only once the header is read, and only when every listener and fold can say which rows it leaves out.
      const quickRows = (): QuickRows | null => {
        const header = scanner.resume().header;
        if (header === undefined) return null;
        const at = QuickRows.columnsOf(header.cells);
        const skipping = (this.listener === undefined || this.listenerSkips !== undefined) && this.folds.every((fold) => fold.skips !== undefined);
        return at === undefined || !skipping ? null : new QuickRows(at, header.cells.length, this.defaultChat);
      };
      const take = (row: QuickRow, line: number): boolean => {
        const { status, requestDateS } = row;
        if (this.listener !== undefined && !this.listenerSkips!(status, requestDateS)) return false;
        for (const fold of this.folds) if (!fold.skips!(status, requestDateS)) return false;
        this.current.apply(row.event);
        rows++;
        lastEnd = line + 1;
        return true;
      };
      if (this.at.headerText !== null) scanner.push(this.at.headerText, true);
      const carry = await readWholeLines(handle, this.at.offset, (lines) => {
        quick ??= quickRows();
        if (quick !== null && isUtf8(lines)) feedQuick(scanner, lines, quick, slow, take);
        else slow(lines);
        this.at.offset += lines.length;
      });
      // A CR as the very last byte ends a line (an old Mac file); anything else left is a line still being written.
      if (carry.length > 0 && carry[carry.length - 1] === 13) {
        feed(scanner, decoder, carry, true);
        this.at.offset += carry.length;
      } else if (carry.length > 0 && tail) {
        feed(scanner, decoder, carry, false);
      }
      const frame = scanner.end();
      if (lastEnd > 0) this.at.nextLine = lastEnd + by;
      else if (fromStart && this.at.offset > 0) this.at.nextLine = frame.header.line + linesOf(frame.header);
      // Kept for the next read, which starts after it (a file of a header only has no row to carry it).
      if (this.at.headerText === null && this.at.offset > 0) this.at.headerText = `${frame.header.raw ?? frame.header.cells.join('\t')}\n`;
      return { rows, frame, fromStart };
    } finally {
      await handle.close();
    }
  }
}
