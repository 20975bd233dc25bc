/**
 * The report's quick reading of one plain join-log line straight from the bytes read: a line with no
 * quote and no CR inside, in a piece that is all UTF-8, which `TsvScanner` would split at its tabs
 * only. Over 1,000,000 rows, making the line's text, a string per cell and a row object cost about a
 * third of the report's time and most of its garbage (the heap grew to about 110 MB between
 * collections); here only the cells the report reads are looked at, and only the user id becomes a
 * new string (links, names and the chat repeat and are reused). A line it does not take (a quote, a
 * CR, too many fields, any cell the quick check of join-rows.ts would not accept) goes to the scanner
 * and the schema as before, so every row gets the same value, warning or problem either way.
 */
import { parseDateTimeFit } from '../../shared/dates.js';
import { statusInBytes, type ResponseStatus } from '../../shared/join-log/schema.js';
import type { JoinFacts } from './aggregate.js';

/** Where the report's columns are in a header (-1 when missing; the first of two same-named ones, as `rowObject` takes). */
export interface Columns {
  idLink: number;
  idTg: number;
  date: number;
  status: number;
  link: number;
  requestDate: number;
  chat: number;
}

export const columnsOf = (header: readonly string[]): Columns => ({
  idLink: header.indexOf('id_link'),
  idTg: header.indexOf('id_tg'),
  date: header.indexOf('dt_tg_responde'),
  status: header.indexOf('tg_responde_status'),
  link: header.indexOf('link'),
  requestDate: header.indexOf('tg_request_date'),
  chat: header.indexOf('chat_id'),
});

const TAB = 9;
const CR = 13;
const QUOTE = 34;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
/** Strings kept for reuse before the cache starts over: memory bounded whatever the log holds. */
const MAX_KEPT = 1 << 15;

/**
 * Reads plain lines of one join log (one header, one zone). `read` hands back one object, changed
 * by the next call: take what you keep from it before reading on.
 */
export class PlainJoinLine {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly kept: (string | undefined)[] = new Array<string | undefined>(MAX_KEPT * 2).fill(undefined);
  private keptCount = 0;
  /** Where `text` found or put its last string in `kept` (-1: not kept). */
  private slot = -1;
  /** The registry line of a kept string as a full link, and as a name (-2: not looked up yet). */
  private readonly ownerByLink = new Int32Array(MAX_KEPT * 2).fill(-2);
  private readonly ownerByName = new Int32Array(MAX_KEPT * 2).fill(-2);
  /** The last wall-clock quarter hour read: its offset and whether its times are exact (not skipped or repeated by a clock change). */
  private quarter = Number.NaN;
  private offset = 0;
  private exact = false;
  private readonly facts: JoinFacts;
  /** The line being read, for its name (id_link), made only when asked for: with a full link, the count never needs it. */
  private line: Buffer = Buffer.alloc(0);
  private fields = 0;
  private name: string | undefined;
  private nameSlot = -1;
  /** Counts the times `kept` started over: an answer looked up across one is not remembered. */
  private generation = 0;
  private lastChat = '';

  /** `ownerOf` is THE link rule (the report's registry line of a link and name); its answers for repeated cells are remembered. */
  constructor(
    private readonly columns: Columns,
    private readonly width: number,
    private readonly zone: string,
    private readonly ownerOf?: (link: string, idLink: string) => number,
  ) {
    this.starts = new Int32Array(width + 1);
    this.ends = new Int32Array(width + 1);
    const reader = this;
    this.facts = {
      get id_link(): string {
        return reader.nameText();
      },
      link: '', status: 'approve', id_tg: '', chat_id: '', respondedMs: Number.NaN, requestS: Number.NaN, owner: -1,
    };
  }

  private nameText(): string {
    if (this.name === undefined) {
      this.name = this.text(this.line, this.columns.idLink, this.fields);
      this.nameSlot = this.slot;
    }
    return this.name;
  }

  /** The row of line `b[start, end)` (without its line ending) when it is plain and passes the quick check, else undefined. */
  read(b: Buffer, start: number, end: number): JoinFacts | undefined {
    let fields = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c === TAB) {
        // One field more than the header: the scanner reports it, with its column.
        if (fields + 1 >= this.width) return undefined;
        this.starts[fields] = from;
        this.ends[fields++] = i;
        from = i + 1;
      } else if (c === CR || c === QUOTE) return undefined;
    }
    this.starts[fields] = from;
    this.ends[fields++] = end;
    const c = this.columns;
    const status = this.statusAt(b, c.status, fields);
    if (status === undefined) return undefined;
    const user = this.digits(b, c.idTg, fields, 20);
    const request = this.digits(b, c.requestDate, fields, 12);
    if (user <= 0 || request < 0) return undefined;
    const requestS = request === 0 ? Number.NaN : this.number(b, c.requestDate);
    // A leading zero would not survive as a number: such a cell goes the long way, kept as written.
    if (request > 1 && b[this.starts[c.requestDate]!] === 48) return undefined;
    const at = c.date < 0 || c.date >= fields ? Number.NaN : this.dateAt(b, this.starts[c.date]!, this.ends[c.date]!);
    if (at === undefined) return undefined;
    const f = this.facts;
    f.status = status;
    f.id_tg = b.toString('latin1', this.starts[c.idTg]!, this.ends[c.idTg]!);
    this.line = b;
    this.fields = fields;
    this.name = undefined;
    f.link = this.text(b, c.link, fields);
    f.owner = this.owner(f.link, this.slot);
    f.chat_id = this.chat(b, c.chat, fields);
    f.respondedMs = at;
    f.requestS = requestS;
    return f;
  }

  /**
   * The registry line of the row's link, remembered per kept cell: a full link decides alone, a blank
   * one leaves it to the name alone (see LinkIndex.find); a masked link (`…`) needs both and is not
   * remembered. -1 when there is no `ownerOf` or nothing could be remembered.
   */
  private owner(link: string, linkSlot: number): number {
    if (this.ownerOf === undefined) return -1;
    const url = link.trim();
    if (url.endsWith('…')) return this.ownerOf(link, this.nameText());
    const generation = this.generation;
    const [slot, known] = url === '' ? [(this.nameText(), this.nameSlot), this.ownerByName] : [linkSlot, this.ownerByLink];
    if (slot >= 0 && known[slot] !== -2 && generation === this.generation) return known[slot]!;
    const line = this.ownerOf(link, this.nameText());
    if (slot >= 0 && generation === this.generation) known[slot] = line;
    return line;
  }

  /** The chat cell: nearly always the one before (ASCII, so its bytes are its characters), compared with it first. */
  private chat(b: Buffer, column: number, fields: number): string {
    const last = this.lastChat;
    if (column >= 0 && column < fields && this.ends[column]! - this.starts[column]! === last.length && last !== '') {
      const s = this.starts[column]!;
      let i = 0;
      while (i < last.length && last.charCodeAt(i) === b[s + i]) i++;
      if (i === last.length) return last;
    }
    const text = this.text(b, column, fields);
    this.lastChat = this.slot >= 0 ? text : '';
    return text;
  }

  private statusAt(b: Buffer, column: number, fields: number): ResponseStatus | undefined {
    if (column < 0 || column >= fields) return undefined;
    return statusInBytes(b, this.starts[column]!, this.ends[column]!);
  }

  /** How many digits the cell holds when it is digits only, at most `max` of them (0 for a blank or missing cell), else -1. */
  private digits(b: Buffer, column: number, fields: number, max: number): number {
    if (column < 0 || column >= fields) return 0;
    const s = this.starts[column]!;
    const n = this.ends[column]! - s;
    if (n > max) return -1;
    for (let i = 0; i < n; i++) if (!isDigit(b[s + i])) return -1;
    return n;
  }

  private number(b: Buffer, column: number): number {
    let n = 0;
    for (let i = this.starts[column]!; i < this.ends[column]!; i++) n = n * 10 + b[i]! - 48;
    return n;
  }

  /** A cell's text; short ASCII cells that came before are reused (links, names, the chat: a few thousand for a million rows). */
  private text(b: Buffer, column: number, fields: number): string {
    this.slot = -1;
    if (column < 0 || column >= fields) return '';
    const s = this.starts[column]!;
    const e = this.ends[column]!;
    if (s === e) return '';
    if (e - s > 64) return b.toString('utf8', s, e);
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) {
      const c = b[i]!;
      if (c >= 128) return b.toString('utf8', s, e);
      h = Math.imul(h ^ c, 0x01000193);
    }
    const mask = this.kept.length - 1;
    let at = (h >>> 0) & mask;
    for (;;) {
      const known = this.kept[at];
      if (known === undefined) break;
      if (known.length === e - s) {
        let i = 0;
        while (i < e - s && known.charCodeAt(i) === b[s + i]) i++;
        if (i === e - s) {
          this.slot = at;
          return known;
        }
      }
      at = (at + 1) & mask;
    }
    if (this.keptCount >= MAX_KEPT) {
      this.kept.fill(undefined);
      this.ownerByLink.fill(-2);
      this.ownerByName.fill(-2);
      this.keptCount = 0;
      this.generation++;
      at = (h >>> 0) & mask;
    }
    const text = b.toString('latin1', s, e);
    this.kept[at] = text;
    this.ownerByLink[at] = -2;
    this.ownerByName[at] = -2;
    this.keptCount++;
    this.slot = at;
    return text;
  }

  /**
   * A date cell's moment in ms (NaN when blank), or undefined when the quick check would not take it:
   * not a date, or a time a clock change skips or repeats (the schema warns about those). The usual
   * `YYYY-MM-DD HH:mm[:ss]` is read from its digits, and its zone offset is remembered for the quarter
   * hour (offsets change on a quarter hour only, as dates.ts's own memo assumes); other forms and each
   * new quarter hour go through `parseDateTimeFit` itself.
   */
  private dateAt(b: Buffer, s: number, e: number): number | undefined {
    const n = e - s;
    if (n === 0) return Number.NaN;
    if ((n === 19 || n === 16) && b[s + 4] === 45 && b[s + 7] === 45 && b[s + 10] === 32 && b[s + 13] === 58 && (n === 16 || b[s + 16] === 58)) {
      const two = (at: number): number => (isDigit(b[s + at]) && isDigit(b[s + at + 1]) ? (b[s + at]! - 48) * 10 + b[s + at + 1]! - 48 : -1);
      const century = two(0);
      const year = century < 0 || two(2) < 0 ? -1 : century * 100 + two(2);
      const month = two(5);
      const day = two(8);
      const hour = two(11);
      const minute = two(14);
      const second = n === 19 ? two(17) : 0;
      if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
        const days = month === 2 && leap(year) ? 29 : MONTH_DAYS[month - 1]!;
        if (day > days) return undefined;
        const wall = Date.UTC(year, month - 1, day, hour, minute, second);
        const quarter = Math.floor(wall / 900_000);
        if (quarter !== this.quarter) {
          const parsed = parseDateTimeFit(b.toString('latin1', s, e), this.zone);
          if (parsed === null) return undefined;
          this.quarter = quarter;
          this.offset = wall - parsed.date.getTime();
          this.exact = parsed.fit.kind === 'exact';
        }
        return this.exact ? wall - this.offset : undefined;
      }
    }
    const text = b.toString('utf8', s, e);
    if (text.trim() === '') return Number.NaN;
    const parsed = parseDateTimeFit(text, this.zone);
    return parsed === null || parsed.fit.kind !== 'exact' ? undefined : parsed.date.getTime();
  }
}
