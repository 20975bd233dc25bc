/**
 * tg-get's memory of what Telegram was told about each link (data/.tg-get-links.json, see
 * link-control.ts), read without loading the configuration schema, so that the after-an-edit check
 * (edit-check.ts) can read it too.
 */
import { readFileSync } from 'node:fs';

/** The file, in the data folder beside the idle note. */
export const LINK_STATE_FILE = '.tg-get-links.json';

/** What Telegram was last told about one link: its expiry (Unix seconds, null for none), and whether it was revoked. */
export interface Told {
  expire: number | null;
  revoked: boolean;
}

/** Links by URL. */
export type LinkState = Record<string, Told>;

/** Reads the file; a missing or unreadable one is empty (every link is then noted as its row shows). */
export function readLinkState(file: string): LinkState {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { links?: LinkState };
    return parsed.links ?? {};
  } catch {
    return {};
  }
}
