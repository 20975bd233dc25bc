/**
 * tg-handler's registry index, packed: the rows it keeps (`IndexedInvite`) as columns of texts and
 * numbers rather than an object and four strings a row and a Map of links. A 10,000-link registry
 * held about 2.4 MB of heap for as long as the handler ran, this about 0.9 MB (BENCHMARKS.md, issue
 * 15, session 7). A lookup makes the row it finds as a fresh `IndexedInvite`.
 */
import { PackedTexts, TextIndex } from '../files/packed-texts.js';
import type { LinkRows } from './match.js';
import type { IndexedInvite } from './registry.js';

/** The row's id_link is its id (tg-get names links after the row): one text for both. */
const LINK_NAME_IS_ID = 1;
/** The registry has the max_members column: the row's value has the key, even when blank. */
const HAS_MAX_MEMBERS = 2;
/** link_status `revoked`. */
const REVOKED = 4;
/** `limits` for a blank max_members. */
const NO_LIMIT = -1;

/** Registry rows, added in file order with `push`, then `seal`ed before use. */
export class PackedInvites implements LinkRows<IndexedInvite> {
  private readonly ids = new PackedTexts();
  /** The id_link when it is not the id, else blank. */
  private readonly linkNames = new PackedTexts();
  private readonly addresses = new PackedTexts();
  /** The links, trimmed (as the rule matches them). */
  private readonly links = new PackedTexts();
  private readonly byLink = new TextIndex(this.links);
  /** The few links with blanks around them, as written. */
  private readonly untrimmed = new Map<number, string>();
  /** dt_expire in epoch milliseconds, NaN for none; sealed empty when no row has one. */
  private expires: number[] | Float64Array = [];
  /** max_members, NO_LIMIT for none; sealed empty when no row has one. */
  private limits: number[] | Int32Array = [];
  private flags: number[] | Uint8Array = [];

  /** Adds a row (after `seal`, no more). */
  push(invite: IndexedInvite): void {
    if (!Array.isArray(this.flags)) throw new Error('PackedInvites: push after seal');
    const n = this.ids.push(invite.id);
    const nameIsId = invite.id_link === invite.id;
    this.linkNames.push(nameIsId ? '' : invite.id_link);
    this.addresses.push(invite.id_adress);
    const link = invite.link.trim();
    this.links.push(link);
    if (link !== invite.link) this.untrimmed.set(n, invite.link);
    if (link !== '') this.byLink.add(n);
    (this.expires as number[]).push(invite.dt_expire === null ? Number.NaN : invite.dt_expire.getTime());
    (this.limits as number[]).push(invite.max_members ?? NO_LIMIT);
    this.flags.push((nameIsId ? LINK_NAME_IS_ID : 0) | ('max_members' in invite ? HAS_MAX_MEMBERS : 0) | (invite.link_status === 'revoked' ? REVOKED : 0));
  }

  /** Ends the adding: the columns shrink to what they hold. */
  seal(): this {
    for (const texts of [this.ids, this.linkNames, this.addresses, this.links]) texts.trim();
    this.expires = Float64Array.from(this.expires.some((ms) => !Number.isNaN(ms)) ? this.expires : []);
    this.limits = Int32Array.from(this.limits.some((limit) => limit !== NO_LIMIT) ? this.limits : []);
    this.flags = Uint8Array.from(this.flags);
    return this;
  }

  get length(): number {
    return this.ids.length;
  }

  get linkCount(): number {
    return this.byLink.size;
  }

  at(n: number): IndexedInvite {
    const flags = this.flags[n]!;
    const id = this.ids.at(n);
    const expires = this.expires[n] ?? Number.NaN;
    const row: IndexedInvite = {
      id,
      id_adress: this.addresses.at(n),
      id_link: flags & LINK_NAME_IS_ID ? id : this.linkNames.at(n),
      link: this.link(n),
      dt_expire: Number.isNaN(expires) ? null : new Date(expires),
      link_status: flags & REVOKED ? 'revoked' : '',
    };
    if (flags & HAS_MAX_MEMBERS) {
      const limit = this.limits[n] ?? NO_LIMIT;
      row.max_members = limit === NO_LIMIT ? undefined : limit;
    }
    return row;
  }

  link(n: number): string {
    return this.untrimmed.get(n) ?? this.links.at(n);
  }

  id(n: number): string {
    return this.ids.at(n);
  }

  idLink(n: number): string {
    return this.flags[n]! & LINK_NAME_IS_ID ? this.ids.at(n) : this.linkNames.at(n);
  }

  withLink(link: string): number {
    return this.byLink.find(link);
  }
}
