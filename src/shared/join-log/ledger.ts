/**
 * The membership ledger: who is in which group through which link, and since when, folded from the
 * join log's rows. Pure (no I/O): tg-handler keeps one up to date as rows are written, `tg-get
 * members` checks its members against Telegram, and the report counts members per link with it.
 *
 * The fold keeps, per person and chat, only their latest standing, so applying a row twice in a row,
 * or reading a stretch of the file again, leaves the same ledger (each row sets the standing whole).
 */
import { parseDateTime } from '../dates.js';
import { detach } from '../files/detach.js';
import { doubled, PackedTexts, resized, TextIndex } from '../files/packed-texts.js';
import { hashOf, holding, numericUser, wide, type IndexArray } from './ledger-store.js';
import type { ResponseStatus } from './schema.js';

/** One person's standing in one chat. */
export interface Standing {
  /** In the group now, as far as the join log knows. */
  member: boolean;
  /** The id_link of their latest join (kept after they leave: a leave is counted under it). */
  link: string;
  /** Unix seconds of their latest join or leave. */
  since: number;
  /** Their latest join is the bot's own approval (an `approve` row). */
  byBot: boolean;
}

/** What the fold needs of a join-log row. */
export interface LedgerEvent {
  chat: string;
  user: string;
  status: ResponseStatus | string;
  /** The row's id_link. */
  link: string;
  /** Unix seconds (see `eventDate`). */
  date: number;
}

/** A person of the ledger with their standing. */
export interface LedgerEntry extends Standing {
  chat: string;
  user: string;
}

const MEMBER = 1;
const BY_BOT = 2;
/** A table cell with no slot in it (slots are stored plus one). */
const EMPTY = 0;

/**
 * A ledger's whole state, for tg-handler's snapshot (ledger-snapshot.ts): the names as lists, `odd`
 * the slots of user ids that are not plain numbers, and the typed arrays themselves (not copies).
 */
export interface LedgerParts {
  links: string[]; chats: string[]; odd: Array<[number, string]>; slots: number; members: number;
  table: Uint32Array; userOf: Float64Array; chatOf: Uint32Array; linkOf: Uint32Array; sinceOf: Uint32Array; joinedOf: Uint32Array; flagsOf: Uint8Array;
}

/**
 * The ledger. Build it with `apply` over the join log's rows in file order (see `foldLedger`).
 * Compact on purpose: 100,000 members must fit tg-handler's memory goal, and the report folds a
 * million. Each person (chat and user) is a slot whose user id, chat, link (interned), dates and flags
 * live in typed arrays, found through an open-addressing table of slot numbers: about 30 bytes a
 * person and no object per person (a Map per chat cost about 50 MB of heap for a million people and
 * most of the report's garbage collection). A user id that is not a plain number (never from
 * Telegram; a hand-edited log) goes to a small map of its own.
 */
export class Ledger {
  /** The link ids (id_link) by number, 0 the blank one, packed: 10,000 links are 0.3 MB instead of 0.9 MB of strings and Map. */
  private links = new PackedTexts();
  private linkIds = new TextIndex(this.links);
  private readonly chatNames: string[] = [];
  private readonly chatIds = new Map<string, number>();
  /** Slots of user ids that are not plain numbers, by chat index and text. */
  private readonly oddUsers = new Map<string, number>();
  private readonly oddNames = new Map<number, string>();
  private table = new Uint32Array(2048);
  private userOf = new Float64Array(1024);
  /** Narrow while the numbers fit (ledger-store.ts). */
  private chatOf: IndexArray = new Uint8Array(1024);
  private linkOf: IndexArray = new Uint16Array(1024);
  /** Unix seconds fit 32 bits until 2106. */
  private sinceOf = new Uint32Array(1024);
  private joinedOf = new Uint32Array(1024);
  private flagsOf = new Uint8Array(1024);
  private slots = 0;
  private members = 0;

  constructor() { this.linkIds.add(this.links.push('')); }

  /**
   * Applies one row: `approve` and `joined` make the person a member through the row's link,
   * `left` and `removed` make them not one (keeping the link they joined through when the row has
   * none). Other statuses (decline, pending, missing) change nobody's membership. A row without a
   * user id is ignored.
   */
  apply(event: LedgerEvent): void {
    if (event.user === '') return;
    const joins = event.status === 'approve' || event.status === 'joined';
    const leaves = event.status === 'left' || event.status === 'removed';
    if (!joins && !leaves) return;
    let chat = this.chatIds.get(event.chat);
    if (chat === undefined) {
      chat = this.chatNames.length;
      const name = detach(event.chat);
      this.chatNames.push(name);
      this.chatIds.set(name, chat);
      this.chatOf = holding(this.chatOf, chat, this.slots);
    }
    let slot = this.find(chat, event.user);
    if (slot === undefined) slot = this.add(chat, event.user);
    else if (this.flagsOf[slot]! & MEMBER) this.members--;
    // Interned first: a new link may widen linkOf (a new array).
    if (!(event.link === '' && leaves)) {
      const link = this.intern(event.link);
      this.linkOf[slot] = link;
    }
    this.sinceOf[slot] = event.date;
    if (joins) this.joinedOf[slot] = event.date;
    this.flagsOf[slot] = joins ? MEMBER | (event.status === 'approve' ? BY_BOT : 0) : 0;
    if (joins) this.members++;
  }

  /** The person's standing in the chat, or undefined when the join log never showed them join or leave. */
  get(chat: string, user: string): Standing | undefined {
    const index = this.chatIds.get(chat);
    const slot = index === undefined ? undefined : this.find(index, user);
    return slot === undefined ? undefined : this.standing(slot);
  }

  /** Everyone the ledger knows (members and those gone), chat by chat, each in the order first seen. */
  *entries(): IterableIterator<LedgerEntry> {
    for (let chat = 0; chat < this.chatNames.length; chat++) {
      for (let slot = 0; slot < this.slots; slot++) {
        if (this.chatOf[slot] !== chat) continue;
        yield { chat: this.chatNames[chat]!, user: this.oddNames.get(slot) ?? String(this.userOf[slot]), ...this.standing(slot) };
      }
    }
  }

  /**
   * Every person the ledger knows (all chats), without an object each (the report walks a million):
   * whether a member now, the link of their latest join, and its Unix seconds (0 when the log never
   * showed them join). The join's date is kept apart from `since` so it survives a leave: the
   * report's retention asks when the people who are gone had joined.
   */
  forEachPerson(visit: (member: boolean, link: string, joined: number) => void): void {
    const links = this.linkNames();
    for (let slot = 0; slot < this.slots; slot++) visit((this.flagsOf[slot]! & MEMBER) !== 0, links[this.linkOf[slot]!] ?? '', this.joinedOf[slot]!);
  }

  /**
   * The ledger's state as parts sharing its arrays (see LedgerParts): write them out before the
   * ledger changes again.
   */
  toParts(): LedgerParts {
    const { chatNames: chats, slots, members, table, userOf, sinceOf, joinedOf, flagsOf } = this;
    const [chatOf, linkOf] = [wide(this.chatOf, slots), wide(this.linkOf, slots)];
    return { links: this.linkNames(), chats, odd: [...this.oddNames], slots, members, table, userOf, chatOf, linkOf, sinceOf, joinedOf, flagsOf };
  }

  /** A ledger over `parts` (which it takes over, arrays and all). Throws when they do not fit together. */
  static fromParts(parts: LedgerParts): Ledger {
    const ledger = new Ledger();
    const capacity = parts.flagsOf.length;
    const arrays = [parts.userOf, parts.chatOf, parts.linkOf, parts.sinceOf, parts.joinedOf];
    const fits = capacity >= 1 && parts.slots <= capacity && arrays.every((a) => a.length === capacity) && parts.links[0] === '' &&
      parts.table.length > 0 && (parts.table.length & (parts.table.length - 1)) === 0 && (parts.slots - parts.odd.length) * 2 <= parts.table.length;
    if (!fits) throw new Error('ledger parts do not fit together');
    ledger.links = new PackedTexts();
    ledger.linkIds = new TextIndex(ledger.links);
    for (const link of parts.links) ledger.linkIds.add(ledger.links.push(link));
    parts.chats.forEach((chat, id) => (ledger.chatNames.push(chat), ledger.chatIds.set(chat, id)));
    for (const [slot, name] of parts.odd) {
      ledger.oddNames.set(slot, name);
      ledger.oddUsers.set(`${parts.chatOf[slot]}\u0000${name}`, slot);
    }
    const chatOf = holding(parts.chatOf, parts.chats.length - 1, parts.slots);
    const linkOf = holding(parts.linkOf, parts.links.length - 1, parts.slots);
    Object.assign(ledger, { table: parts.table, userOf: parts.userOf, chatOf, linkOf, sinceOf: parts.sinceOf, joinedOf: parts.joinedOf, flagsOf: parts.flagsOf, slots: parts.slots, members: parts.members });
    return ledger;
  }

  /**
   * Makes room for `people` at once (a first read of a long log): growing step by step copies the
   * arrays each time, and the copies left behind stay in the C heap, fragmented (3.8 MB of a 100,000-row
   * log's fold; BENCHMARKS.md, issue 15, session 7). Memory is touched only as people come.
   */
  reserve(people: number): void {
    const length = doubled(this.flagsOf.length, people);
    if (length !== this.flagsOf.length) this.resize(length);
  }

  /** How many people are members now. */
  get memberCount(): number {
    return this.members;
  }

  /** How many people (chat and user) the ledger knows, members or not. */
  get size(): number {
    return this.slots;
  }

  private standing(slot: number): Standing {
    const flags = this.flagsOf[slot]!;
    return { member: (flags & MEMBER) !== 0, link: this.links.at(this.linkOf[slot]!), since: this.sinceOf[slot]!, byBot: (flags & BY_BOT) !== 0 };
  }

  /** The person's slot, or undefined. */
  private find(chat: number, user: string): number | undefined {
    const id = numericUser(user);
    if (id === null) return this.oddUsers.get(`${chat}\u0000${user}`);
    const mask = this.table.length - 1;
    for (let at = hashOf(chat, id) & mask; ; at = (at + 1) & mask) {
      const cell = this.table[at]!;
      if (cell === EMPTY) return undefined;
      const slot = cell - 1;
      if (this.userOf[slot] === id && this.chatOf[slot] === chat) return slot;
    }
  }

  /** A new slot for a person the ledger has not seen. */
  private add(chat: number, user: string): number {
    const slot = this.newSlot();
    this.chatOf[slot] = chat;
    const id = numericUser(user);
    if (id === null) {
      this.userOf[slot] = -1;
      const name = detach(user);
      this.oddUsers.set(`${chat}\u0000${name}`, slot);
      this.oddNames.set(slot, name);
      return slot;
    }
    this.userOf[slot] = id;
    // Kept at most half full, so a probe is short.
    if ((this.slots - this.oddNames.size) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(slot);
    return slot;
  }

  private place(slot: number): void {
    const mask = this.table.length - 1;
    let at = hashOf(this.chatOf[slot]!, this.userOf[slot]!) & mask;
    while (this.table[at] !== EMPTY) at = (at + 1) & mask;
    this.table[at] = slot + 1;
  }

  private rehash(size: number): void {
    this.table = new Uint32Array(size);
    for (let slot = 0; slot < this.slots; slot++) if (!this.oddNames.has(slot)) this.place(slot);
  }

  private newSlot(): number {
    if (this.slots === this.flagsOf.length) this.resize(this.slots * 2);
    return this.slots++;
  }

  private resize(length: number): void {
    this.userOf = resized(this.userOf, length);
    this.chatOf = resized(this.chatOf, length);
    this.linkOf = resized(this.linkOf, length);
    this.sinceOf = resized(this.sinceOf, length);
    this.joinedOf = resized(this.joinedOf, length);
    this.flagsOf = resized(this.flagsOf, length);
  }

  private intern(link: string): number {
    const known = this.linkIds.find(link);
    if (known >= 0) return known;
    const id = this.linkIds.add(this.links.push(link));
    this.linkOf = holding(this.linkOf, id, this.slots);
    return id;
  }

  /** The link ids as strings, by number (made for a walk over every person, not kept). */
  private linkNames(): string[] {
    return Array.from({ length: this.links.length }, (_, n) => this.links.at(n));
  }
}

/**
 * The date of a row for the ledger, in Unix seconds: `tg_request_date` when it holds one (for a
 * membership row the event's date, for a request the request's), else `dt_tg_responde` read in
 * `zone` (legacy rows), else 0.
 */
export function eventDate(requestDate: string, respondedAt: string, zone: string): number {
  const text = requestDate.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const parsed = respondedAt.trim() === '' ? null : parseDateTime(respondedAt.trim(), zone);
  return parsed === null ? 0 : Math.floor(parsed.getTime() / 1000);
}

/** Folds rows, in file order, into a new ledger. */
export function foldLedger(events: Iterable<LedgerEvent>): Ledger {
  const ledger = new Ledger();
  for (const event of events) ledger.apply(event);
  return ledger;
}
