/**
 * The ledger's quick reading of plain join-log lines straight from the bytes read, for the lines
 * nobody but the ledger needs (most of a long log: old rows, outside the redelivery window, of a
 * status no fold looks at). Through the scanner, each such row cost its line's text, a string per
 * cell, a row object and an event: about 1.5 KB of garbage a row, 150 MB for a 100,000-row first
 * start, which grew the young generation to its limit before the first update came. Here a line
 * costs its user id and link id as short strings. A line the quick reading does not take (a quote,
 * a CR, too many fields, a cell with anything but printable ASCII and spaces around it, a user id
 * that is not a plain number, no plain request date) goes to the scanner as before, so every row
 * gives the same standing either way (held equal by tests/shared/join-log/quick-rows.test.ts).
 */
import type { LedgerEvent } from './ledger.js';
import { statusInBytes } from './schema.js';

/** The columns the quick reading needs, by index in the header (-1 when missing). */
export interface QuickColumns {
  link: number;
  user: number;
  status: number;
  chat: number;
  requestDate: number;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const [USER, DATE, CHAT, LINK, STATUS] = [0, 2, 4, 6, 8] as const;

/** A plain line as the quick reading found it: the ledger's event (one object, changed by the next line). */
export interface QuickRow {
  event: LedgerEvent;
  /** The trimmed status when it is one of ours, else '' (no fold looks at an unknown one). */
  status: string;
  /** tg_request_date in Unix seconds. */
  requestDateS: number;
}

/**
 * Reads plain lines of one join log (one header). `read` hands back one object, changed by the
 * next call; undefined when the line must go to the scanner.
 */
export class QuickRows {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly row: QuickRow = { event: { chat: '', user: '', status: '', link: '', date: 0 }, status: '', requestDateS: 0 };
  /** Trimmed cells of the line read: [start, end) pairs at USER, DATE, CHAT, LINK, STATUS. */
  private readonly at = new Int32Array(10);
  private lastChat = Buffer.alloc(0);
  private lastChatText = '';

  /** `width`: the header's cells; `defaultChat`: the chat of a row with a blank chat_id. */
  constructor(
    private readonly columns: QuickColumns,
    private readonly width: number,
    private readonly defaultChat: string,
  ) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
  }

  /** The columns of `header` when the quick reading can serve it: every column the ledger reads is there, and no name differs from its trimmed self. */
  static columnsOf(header: readonly string[]): QuickColumns | undefined {
    if (header.some((name) => name !== name.trim())) return undefined;
    const columns = { link: header.indexOf('id_link'), user: header.indexOf('id_tg'), status: header.indexOf('tg_responde_status'), chat: header.indexOf('chat_id'), requestDate: header.indexOf('tg_request_date') };
    return Object.values(columns).every((index) => index >= 0) ? columns : undefined;
  }

  /** The line `bytes[start, end)` (its LF at `end`, UTF-8 checked by the caller) as a row, or undefined (see the module comment). */
  read(bytes: Buffer, start: number, end: number): QuickRow | undefined {
    let field = 0;
    this.starts[0] = start;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c === QUOTE || c === CR || c === LF) return undefined;
      if (c !== TAB) continue;
      this.ends[field] = i;
      if (++field >= this.width) return undefined;
      this.starts[field] = i + 1;
    }
    this.ends[field] = end;
    const fields = field + 1;
    const { columns, at } = this;
    if (!this.trim(bytes, columns.user, fields, USER) || !this.trim(bytes, columns.requestDate, fields, DATE) || !this.trim(bytes, columns.chat, fields, CHAT) ||
      !this.trim(bytes, columns.link, fields, LINK) || !this.trim(bytes, columns.status, fields, STATUS)) return undefined;
    const dateS = plainNumber(bytes, at[DATE]!, at[DATE + 1]!, 12, true);
    if (dateS === null || plainNumber(bytes, at[USER]!, at[USER + 1]!, 16, false) === null) return undefined;
    const row = this.row;
    row.status = statusInBytes(bytes, at[STATUS]!, at[STATUS + 1]!) ?? '';
    row.requestDateS = dateS;
    const event = row.event;
    event.chat = this.chatText(bytes, at[CHAT]!, at[CHAT + 1]!);
    event.user = bytes.toString('latin1', at[USER]!, at[USER + 1]!);
    event.status = row.status;
    event.link = bytes.toString('latin1', at[LINK]!, at[LINK + 1]!);
    event.date = dateS;
    return row;
  }

  /**
   * Puts where the cell of column `index` is once trimmed as `String.trim` would into `at[slot]`
   * and `at[slot + 1]` (empty when the row is too short); false when it holds any byte other than
   * printable ASCII and spaces (a non-ASCII space is trimmed by `trim`: such a cell goes to the scanner).
   */
  private trim(bytes: Buffer, index: number, fields: number, slot: number): boolean {
    let start = index < fields ? this.starts[index]! : 0;
    let end = index < fields ? this.ends[index]! : 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c > 126 || (c < 32 && c !== 11 && c !== 12)) return false;
    }
    while (start < end && isSpace(bytes[start]!)) start++;
    while (end > start && isSpace(bytes[end - 1]!)) end--;
    this.at[slot] = start;
    this.at[slot + 1] = end;
    return true;
  }

  private chatText(bytes: Buffer, start: number, end: number): string {
    if (start === end) return this.defaultChat;
    const last = this.lastChat;
    let same = last.length === end - start;
    for (let i = 0; same && i < last.length; i++) same = last[i] === bytes[start + i];
    if (!same) {
      this.lastChat = Buffer.from(bytes.subarray(start, end));
      this.lastChatText = bytes.toString('latin1', start, end);
    }
    return this.lastChatText;
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 11 || c === 12;

/**
 * The digits of `[start, end)` as a number: 1 to `max` digits only; with `zeros` false, no leading
 * zero (what the ledger takes as a plain user id) and a safe integer. Else null.
 */
function plainNumber(bytes: Buffer, start: number, end: number, max: number, zeros: boolean): number | null {
  const length = end - start;
  if (length === 0 || length > max || (!zeros && length > 1 && bytes[start] === 48)) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return null;
    n = n * 10 + digit;
  }
  return Number.isSafeInteger(n) ? n : null;
}

/** What a scanner tells of where it is (TsvScanner.resume). */
interface Resumable {
  resume(count?: number): { line: number; inRecord: boolean };
}

/**
 * Hands `bytes` (whole lines, all UTF-8) to the scanner through `slow`, except each plain line that
 * `take` accepts (given the row and its line number; it folds the row itself): those the scanner
 * only counts. A line is offered only between records, after every line before it was handed on,
 * so `take` sees what the rows before it changed.
 */
export function feedQuick(scanner: Resumable, bytes: Buffer, quick: QuickRows, slow: (bytes: Buffer) => void, take: (row: QuickRow, line: number) => boolean): void {
  let skipped = 0;
  let slowFrom = 0;
  let { line, inRecord } = scanner.resume();
  const flush = (to: number) => {
    if (to <= slowFrom) return;
    scanner.resume(skipped);
    skipped = 0;
    slow(bytes.subarray(slowFrom, to));
    ({ line, inRecord } = scanner.resume());
  };
  for (let start = 0; start < bytes.length; ) {
    const lf = bytes.indexOf(LF, start);
    if (lf < 0) break;
    const row = inRecord && slowFrom === start ? undefined : quick.read(bytes, start, lf);
    if (row !== undefined) {
      flush(start);
      slowFrom = lf + 1;
      if (!inRecord && take(row, line)) {
        skipped++;
        line++;
      } else {
        slowFrom = start;
      }
    }
    start = lf + 1;
  }
  flush(bytes.length);
  if (skipped > 0) scanner.resume(skipped);
}
