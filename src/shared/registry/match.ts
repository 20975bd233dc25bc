/**
 * THE rule for which registry row a link belongs to, used by tg-handler to decide a join request and
 * by the report to count the join log, so the two never disagree.
 */
import type { Invite } from './registry.js';

/** What the rule needs of a registry row. */
export type LinkRow = Pick<Invite, 'id' | 'id_link' | 'link'>;

/**
 * The rows a LinkIndex decides among, numbered in file order: an array of rows, or a packed store
 * (tg-handler's registry index, `PackedInvites`).
 */
export interface LinkRows<T extends LinkRow> {
  /** How many rows. */
  readonly length: number;
  /** How many distinct links (not blank) the rows have. */
  readonly linkCount: number;
  /** Row `n` as a lookup returns it. */
  at(n: number): T;
  /** Row `n`'s link, id and id_link, as the rule reads them. */
  link(n: number): string;
  id(n: number): string;
  idLink(n: number): string;
  /** The number of the first row whose link, trimmed, is `link` (trimmed and not blank), else -1. */
  withLink(link: string): number;
}

/** Rows kept as they are, with a Map of their links. */
class ArrayRows<T extends LinkRow> implements LinkRows<T> {
  private readonly byLink = new Map<string, number>();

  constructor(private readonly rows: readonly T[]) {
    rows.forEach((row, n) => {
      const link = row.link.trim();
      if (link !== '' && !this.byLink.has(link)) this.byLink.set(link, n);
    });
  }

  get length(): number {
    return this.rows.length;
  }

  get linkCount(): number {
    return this.byLink.size;
  }

  at(n: number): T {
    return this.rows[n]!;
  }

  link(n: number): string {
    return this.rows[n]!.link;
  }

  id(n: number): string {
    return this.rows[n]!.id;
  }

  idLink(n: number): string {
    return this.rows[n]!.id_link;
  }

  withLink(link: string): number {
    return this.byLink.get(link) ?? -1;
  }
}

const isLinkRows = <T extends LinkRow>(rows: Iterable<T> | LinkRows<T>): rows is LinkRows<T> => 'withLink' in rows;

/**
 * Registry rows by link and by name. Names are not unique across Telegram (another admin's link may
 * carry the same one), so a link is matched by its full URL; by name only when there is no URL (the
 * legacy tool's join log kept names only) or when Telegram shows the URL masked and its visible part
 * fits the row's link.
 */
export class LinkIndex<T extends LinkRow> {
  private readonly store: LinkRows<T>;
  /**
   * By name: every row's `id_link` (the first row with it), then every `id` not already a key (the
   * first row with it). One map rather than one per column: `id` and `id_link` are often the same
   * text, and a lookup by name wants the id_link's row before the id's anyway. Made on the first
   * lookup by name: a request through one of the bot's own links is found by its URL, and the map of
   * a 10,000-link registry is about 0.4 MB that tg-handler would otherwise hold from its start.
   */
  private byName: Map<string, number> | undefined;

  /** Over rows in file order: given as they are, or as a packed store. */
  constructor(rows: Iterable<T> | LinkRows<T>) {
    this.store = isLinkRows(rows) ? rows : new ArrayRows([...rows]);
  }

  /**
   * The row a link belongs to, or undefined. `url` is the invite link as Telegram (or the join log)
   * gives it, `name` the link's name. A full URL that is not a row's link is not ours, even when its
   * name is a row's: another administrator's link. A masked URL (`https://t.me/+AbCdEfGh…`, how
   * Telegram shows a link another administrator made) matches the row its name names only when that
   * row's link begins with the visible part. Without a URL, the name alone decides: the row's
   * `id_link` first, then its `id`.
   */
  find(url: string | undefined, name: string | undefined): T | undefined {
    const link = url?.trim() ?? '';
    const hit = link === '' ? this.named(name) : this.store.withLink(link);
    if (hit >= 0) return this.store.at(hit);
    if (link === '' || !link.endsWith('…')) return undefined;
    const visible = link.slice(0, -1);
    const named = this.named(name);
    return named >= 0 && visible.length > 0 && this.store.link(named).trim().startsWith(visible) ? this.store.at(named) : undefined;
  }

  /** Every row given, in order. */
  rows(): T[] {
    return Array.from({ length: this.store.length }, (_, n) => this.store.at(n));
  }

  /** How many rows have a link. */
  get size(): number {
    return this.store.linkCount;
  }

  /** The number of the row a name names, or -1. */
  private named(name: string | undefined): number {
    const key = name?.trim() ?? '';
    if (key === '') return -1;
    return (this.byName ??= this.names()).get(key) ?? -1;
  }

  private names(): Map<string, number> {
    const byName = new Map<string, number>();
    const { store } = this;
    for (let n = 0; n < store.length; n++) {
      const idLink = store.idLink(n).trim();
      if (idLink !== '' && !byName.has(idLink)) byName.set(idLink, n);
    }
    for (let n = 0; n < store.length; n++) {
      const id = store.id(n).trim();
      if (id !== '' && !byName.has(id)) byName.set(id, n);
    }
    return byName;
  }
}
