/**
 * A small registry and join log that exercise every rule of the report: joins on several days,
 * every status, a join-log row whose full link beats its name, another admin's link with a name
 * from the registry, a legacy row matched by id_link only, a row nobody joined through, and ids
 * that try to inject HTML or take two terminal columns per character.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JoinRow, RegistryRow } from '../../../src/get-exec/report/aggregate.js';
import { formatDateTime, parseDateTime } from '../../../src/shared/dates.js';

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

/**
 * A membership story for the new columns, dated `daysAgo` before a `now` (so the built bin, which
 * reads the real clock, sees the same ages): joins through the bot and by other paths, leaves, a
 * removal, a re-join through another link, held requests later decided, a personal link (max_members
 * 1) that brought in two people, an add by an admin, a leave the log never saw join, and a row of
 * another group. The expected numbers are counted by hand in membership.test.ts.
 */
export const GROUP = '-1001234567890';
export const OTHER_GROUP = '-1009999999999';
export const SOLO_LINK = 'https://t.me/+SSSSssss7777';
export const OTHER_LINK = 'https://t.me/+OOOOoooo8888';

/** Registry rows: [id, id_link, link, chat_id, max_members]. */
export const STORY_REGISTRY: [string, string, string, string, string][] = [
  ['anna-2026', 'anna-2026', LINK.anna, GROUP, ''],
  ['boris', 'boris', LINK.boris, GROUP, ''],
  ['clara', 'clara', LINK.clara, '', ''],
  ['solo', 'solo', SOLO_LINK, GROUP, '1'],
  ['other', 'other', OTHER_LINK, OTHER_GROUP, ''],
];

/** [id_link, id_tg, status, days ago of the row (dt_tg_responde), link, days ago of the request or event (tg_request_date), chat_id]. */
export const STORY: [string, string, string, number, string, number, string][] = [
  ['anna-2026', '5', 'approve', 45, LINK.anna, 45, GROUP],
  ['anna-2026', '1', 'approve', 40, LINK.anna, 40, GROUP],
  ['anna-2026', '2', 'approve', 40, LINK.anna, 40, GROUP],
  ['anna-2026', '2', 'left', 35, '', 35, GROUP],
  ['anna-2026', '5', 'left', 20, '', 20, GROUP],
  ['anna-2026', '3', 'approve', 10, LINK.anna, 10, GROUP],
  // An admin approved 4's request in the Telegram app: joined, not approved by the bot.
  ['boris', '4', 'joined', 10, LINK.boris, 10, GROUP],
  ['solo', '9', 'approve', 8, SOLO_LINK, 8, GROUP],
  // Held (unknown link), approved later from the review queue: one request, approved.
  ['', '8', 'pending', 6, 'https://t.me/+UNKNOWN', 6, GROUP],
  // The personal link's second person, let in by an admin past the limit.
  ['solo', '10', 'joined', 6, SOLO_LINK, 6, GROUP],
  ['boris', '6', 'pending', 5, LINK.boris, 5, GROUP],
  ['', '8', 'approve', 5, 'https://t.me/+UNKNOWN', 6, GROUP],
  ['boris', '6', 'decline', 4, LINK.boris, 5, GROUP],
  // 5 comes back through boris's link: now counted there.
  ['boris', '5', 'joined', 3, LINK.boris, 3, GROUP],
  ['anna-2026', '3', 'removed', 2, '', 2, GROUP],
  ['boris', '7', 'pending', 1, LINK.boris, 1, GROUP],
  // Added by an admin (no link), and a leave of someone the log never saw join.
  ['', '11', 'joined', 1, '', 1, GROUP],
  ['', '12', 'left', 1, '', 1, GROUP],
  // Another group: left out with --chat GROUP.
  ['other', '13', 'approve', 9, OTHER_LINK, 9, OTHER_GROUP],
];

const DAY_MS = 86_400_000;

export function storyInviteText(): string {
  const header = [...INVITE_HEADER, 'max_members'];
  const rows = STORY_REGISTRY.map(([id, idLink, link, chat, max]) => tsv([id, `${id}@example.org`, 'LINKS', chat, idLink, link, '2025-10-01 10:00', '', max]));
  return `${[tsv(header), ...rows].join('\n')}\n`;
}

export function storyResponseText(now: Date, zone = ZONE): string {
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const rows = STORY.map(([idLink, idTg, status, rowDays, link, eventDays, chat]) =>
    tsv([idLink, idTg, `User${idTg}`, '', formatDateTime(at(rowDays), zone), status, '', link, chat, String(Math.floor(at(eventDays).getTime() / 1000))]),
  );
  return `${[tsv(RESPONSE_HEADER), ...rows].join('\n')}\n`;
}

/** The story as report input (pure tests). */
export function storyRegistry(): RegistryRow[] {
  return STORY_REGISTRY.map(([id, id_link, link, chat_id, max], i) => ({ id, id_adress: `${id}@example.org`, id_link, link, chat_id, line: i + 2, ...(max ? { max_members: Number(max) } : {}) }));
}

export function storyRows(now: Date): JoinRow[] {
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return STORY.map(([id_link, id_tg, status, rowDays, link, eventDays, chat_id]) => ({
    id_link,
    id_tg,
    chat_id,
    link,
    tg_responde_status: status as JoinRow['tg_responde_status'],
    dt_tg_responde: at(rowDays),
    tg_request_date: String(Math.floor(at(eventDays).getTime() / 1000)),
  }));
}
