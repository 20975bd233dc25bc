/**
 * THE rule for which registry row a link belongs to, used by tg-handler to decide a join request and
 * by the report to count the join log, so the two never disagree.
 */
import type { Invite } from './registry.js';

/** What the rule needs of a registry row. */
export type LinkRow = Pick<Invite, 'id' | 'id_link' | 'link'>;

/**
 * Registry rows by link and by name. Names are not unique across Telegram (another admin's link may
 * carry the same one), so a link is matched by its full URL; by name only when there is no URL (the
 * legacy tool's join log kept names only) or when Telegram shows the URL masked and its visible part
 * fits the row's link.
 */
export class LinkIndex<T extends LinkRow> {
  private readonly byLink = new Map<string, T>();
  /**
   * By name: every row's `id_link` (the first row with it), then every `id` not already a key (the
   * first row with it). One map rather than one per column: `id` and `id_link` are often the same
   * text, and a lookup by name wants the id_link's row before the id's anyway. Made on the first
   * lookup by name: a request through one of the bot's own links is found by its URL, and the map of
   * a 10,000-link registry is about 0.4 MB that tg-handler would otherwise hold from its start.
   */
  private byName: Map<string, T> | undefined;

  /** Every row given, in order. */
  readonly rows: readonly T[];

  constructor(rows: Iterable<T>) {
    const kept: T[] = [];
    this.rows = kept;
    for (const row of rows) {
      const link = row.link.trim();
      if (link !== '' && !this.byLink.has(link)) this.byLink.set(link, row);
      kept.push(row);
    }
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
    if (link === '') return this.named(name);
    const hit = this.byLink.get(link);
    if (hit !== undefined || !link.endsWith('…')) return hit;
    const visible = link.slice(0, -1);
    const named = this.named(name);
    return named !== undefined && visible.length > 0 && named.link.trim().startsWith(visible) ? named : undefined;
  }

  /** How many rows have a link. */
  get size(): number {
    return this.byLink.size;
  }

  private named(name: string | undefined): T | undefined {
    const key = name?.trim() ?? '';
    if (key === '') return undefined;
    return (this.byName ??= this.names()).get(key);
  }

  private names(): Map<string, T> {
    const byName = new Map<string, T>();
    for (const row of this.rows) {
      const idLink = row.id_link.trim();
      if (idLink !== '' && !byName.has(idLink)) byName.set(idLink, row);
    }
    for (const row of this.rows) {
      const id = row.id.trim();
      if (id !== '' && !byName.has(id)) byName.set(id, row);
    }
    return byName;
  }
}
