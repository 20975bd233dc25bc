/**
 * A small registry and join log that exercise every rule of the report: joins on several days,
 * every status, a join-log row whose full link beats its name, another admin's link with a name
 * from the registry, a legacy row matched by id_link only, a row nobody joined through, and ids
 * that try to inject HTML or take two terminal columns per character.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JoinRow, RegistryRow } from '../../../src/get-exec/report/aggregate.js';
import { parseDateTime } from '../../../src/shared/dates.js';

export const ZONE = 'Europe/Berlin';
export const NOW = new Date('2026-01-07T12:00:00Z');

export const INVITE_HEADER = ['id', 'id_adress', 'link_path', 'chat_id', 'id_link', 'link', 'dt_create', 'dt_expire'];
export const RESPONSE_HEADER = ['id_link', 'id_tg', 'tg_f_name', 'tg_l_name', 'dt_tg_responde', 'tg_responde_status', 'tg_username', 'link', 'chat_id', 'tg_request_date'];

export const EVIL_ID = '<script>alert(1)</script>';
export const EVIL_MAIL = 'x"><img src=x onerror=alert(2)>@evil.org';
export const WIDE_ID = '日本語チーム';

export const LINK = {
  anna: 'https://t.me/+AAAAaaaa1111',
  boris: 'https://t.me/+BBBBbbbb2222',
  clara: 'https://t.me/+CCCCcccc3333',
  evil: 'https://t.me/+EEEEeeee5555',
  wide: 'https://t.me/+WWWWwwww6666',
} as const;

/** Registry rows: [id, id_adress, id_link, link]. */
export const REGISTRY: [string, string, string, string][] = [
  ['anna-2026', 'anna@example.org', 'anna-2026', LINK.anna],
  ['boris', 'Boris, "the" Builder <boris@example.org>', 'boris', LINK.boris],
  ['clara', 'clara@example.org', 'clara', LINK.clara],
  ['4', 'legacy\tperson@example.org', '', ''],
  [EVIL_ID, EVIL_MAIL, EVIL_ID, LINK.evil],
  [WIDE_ID, 'wide@example.org', WIDE_ID, LINK.wide],
];

/** Join-log rows: [id_link, id_tg, status, dt_tg_responde, link, tg_request_date]. */
export const JOINS: [string, string, string, string, string, string][] = [
  ['anna-2026', '101', 'approve', '2026-01-03 09:00:00', LINK.anna, '1767427200'],
  ['anna-2026', '102', 'approve', '2026-01-03 23:30:00', LINK.anna, '1767479400'],
  ['anna-2026', '103', 'approve', '2026-01-05 12:00:00', LINK.anna, '1767610800'],
  ['anna-2026', '104', 'decline', '2026-01-05 12:01:00', LINK.anna, '1767610860'],
  // Names anna, but came through boris's link: the link decides.
  ['anna-2026', '201', 'approve', '2026-01-04 10:00:00', LINK.boris, '1767517200'],
  ['boris', '202', 'pending', '2026-01-04 11:00:00', LINK.boris, '1767520800'],
  ['boris', '203', 'missing', '2026-01-04 12:00:00', LINK.boris, '1767524400'],
  // Another admin's link named like anna's: Telegram masks it, and its visible part is not anna's
  // link, so it matches no row (the rule tg-handler decides by; a visible part that fits would).
  ['anna-2026', '301', 'pending', '2026-01-05 13:00:00', 'https://t.me/+ZZZZ…', '1767614400'],
  // No link at all (a public group).
  ['', '302', 'pending', '2026-01-05 14:00:00', '', '1767618000'],
  // A legacy row: no link column, only id_link, matched to the row whose id is "4".
  ['4', '401', 'approve', '2026-01-04 08:00:00', '', ''],
  [EVIL_ID, '501', 'approve', '2026-01-06 18:00:00', LINK.evil, '1767718800'],
  [WIDE_ID, '601', 'decline', '2026-01-06 19:00:00', LINK.wide, '1767722400'],
];

/** The registry as report input (pure tests). */
export function registryRows(): RegistryRow[] {
  return REGISTRY.map(([id, id_adress, id_link, link], i) => ({ id, id_adress, id_link, link, line: i + 2 }));
}

/** The join log as report input (pure tests). */
export function joinRows(): JoinRow[] {
  return JOINS.map(([id_link, id_tg, status, dt, link, requestDate]) => ({
    id_link,
    id_tg,
    chat_id: link ? '-1001234567890' : '',
    link,
    tg_responde_status: status as JoinRow['tg_responde_status'],
    dt_tg_responde: parseDateTime(dt, ZONE),
    tg_request_date: requestDate,
  }));
}

/** A TSV line; the test data holds no quotes at a cell's start, and tabs inside cells are quoted. */
const tsv = (cells: readonly string[]) => cells.map((c) => (c.includes('\t') ? `"${c.replaceAll('"', '""')}"` : c)).join('\t');

export function inviteFileText(): string {
  const rows = REGISTRY.map(([id, addr, idLink, link]) => tsv([id, addr, 'LINKS', '-1001234567890', idLink, link, link ? '2026-01-02 10:00' : '', '']));
  return `${[tsv(INVITE_HEADER), ...rows].join('\n')}\n`;
}

export function responseFileText(): string {
  const rows = JOINS.map(([idLink, idTg, status, dt, link, requestDate]) => tsv([idLink, idTg, `User${idTg}`, '', dt, status, '', link, link ? '-1001234567890' : '', requestDate]));
  return `${[tsv(RESPONSE_HEADER), ...rows].join('\n')}\n`;
}

/** Writes data/invite_data.txt and data/responde_data.txt under `dir` (and an empty LINKS/). */
export function writeDataFiles(dir: string, files: { invites?: string; responses?: string | null } = {}): void {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'LINKS'), { recursive: true });
  writeFileSync(path.join(dir, 'data', 'invite_data.txt'), files.invites ?? inviteFileText());
  if (files.responses !== null) writeFileSync(path.join(dir, 'data', 'responde_data.txt'), files.responses ?? responseFileText());
}
