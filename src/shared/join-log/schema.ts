/**
 * Who asked to join through which link, and what was decided: data/responde_data.txt. Its columns,
 * their checks and the row types all come from the two shapes below: adding a column is one entry
 * in `ourColumns` (new columns only ever go at the end of the header).
 */
import type { z } from 'zod';
import { zodNow } from '../cli/lazy.js';
import { dateCell } from '../files/cells.js';
import type { FileSpec, QuickCheck } from '../files/data-file.js';
import { quickDate } from '../registry/row-rules.js';
import { quote } from '../quote.js';

/**
 * `approve` and `decline` are the legacy values. `pending`: left to a human admin (unknown link).
 * `missing`: Telegram said the request was already gone (handled by someone else, or expired).
 * Membership (chat_member updates, `tg-get members`): `joined` (a member by any path other than the
 * bot's own approval), `left` (left by themselves), `removed` (removed or banned by an admin).
 */
export const RESPONSE_STATUSES = ['approve', 'decline', 'pending', 'missing', 'joined', 'left', 'removed'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

const STATUS_BYTES = RESPONSE_STATUSES.map((status) => Buffer.from(status, 'latin1'));

/**
 * The status `bytes[start, end)` spells when it is one of ours, else undefined: for the readers that
 * work on the bytes read (the report's plain lines, the ledger's quick rows). Pure.
 */
export function statusInBytes(bytes: Uint8Array, start: number, end: number): ResponseStatus | undefined {
  const n = end - start;
  for (let k = 0; k < STATUS_BYTES.length; k++) {
    const want = STATUS_BYTES[k]!;
    if (want.length !== n || want[0] !== bytes[start]) continue;
    let i = 1;
    while (i < n && want[i] === bytes[start + i]) i++;
    if (i === n) return RESPONSE_STATUSES[k];
  }
  return undefined;
}

/** A Telegram user id, and a Unix time or blank: the cells' patterns, shared with the report's quick check. */
export const USER_ID = /^\d{1,20}$/;
export const UNIX_TIME = /^(\d{1,12})?$/;

/** The legacy columns, in the legacy order. */
const legacyColumns = (zone: string, { z } = zodNow()) => ({
  id_link: z.string(),
  id_tg: z.string().regex(USER_ID, { error: 'is not a Telegram user id; it must be digits only' }),
  tg_f_name: z.string(),
  tg_l_name: z.string(),
  dt_tg_responde: dateCell(zone),
  tg_responde_status: z.enum(RESPONSE_STATUSES, { error: (issue) => `${quote(String(issue.input))} is not a status; use ${RESPONSE_STATUSES.join(', ')}` }),
});

/**
 * Ours, appended: the user's @name, the full link, the group, the join request's own date (Unix
 * seconds; for a membership event, the event's date); who decided when it was not the bot (an
 * administrator's user id, or `cli`); and why a request was held for an admin.
 */
const ourColumns = ({ z } = zodNow()) => ({
  tg_username: z.string(),
  link: z.string(),
  chat_id: z.string(),
  tg_request_date: z.string().regex(UNIX_TIME, { error: 'is not a Unix time; it must be digits only or blank' }),
  decided_by: z.string(),
  reason: z.string(),
});

export const responseSchema = (zone: string) => zodNow().z.object({ ...legacyColumns(zone), ...ourColumns() });

/** A join-log row as read: dates parsed. */
export type Response = z.output<ReturnType<typeof responseSchema>>;
/** A join-log row as written: every cell as text, by column name. */
export type ResponseCells = z.input<ReturnType<typeof responseSchema>>;

type Column = keyof ResponseCells;
/** The shapes' keys, written out so that naming the columns loads no zod (a test holds them equal). */
export const RESPONSE_COLUMNS: readonly Column[] = ['id_link', 'id_tg', 'tg_f_name', 'tg_l_name', 'dt_tg_responde', 'tg_responde_status'];
export const RESPONSE_APPENDED: readonly Column[] = ['tg_username', 'link', 'chat_id', 'tg_request_date', 'decided_by', 'reason'];

/** The join log's spec; its schema (and zod) is made when a row first needs it. */
export function responseSpec(zone: string): FileSpec<Response> {
  let schema: ReturnType<typeof responseSchema> | undefined;
  return {
    expected: `the join log: a tab-separated header "${RESPONSE_COLUMNS.join(' ')}"; tg-handler creates it when missing`,
    columns: RESPONSE_COLUMNS,
    required: ['id_link', 'id_tg', 'tg_responde_status'],
    appended: RESPONSE_APPENDED,
    get schema() {
      return (schema ??= responseSchema(zone));
    },
    quick: quickResponse(zone),
  };
}

const ALL_COLUMNS = [...RESPONSE_COLUMNS, ...RESPONSE_APPENDED];
const STATUSES: ReadonlySet<string> = new Set(RESPONSE_STATUSES);

/**
 * A join-log row's value when every cell passes `responseSchema` as it is (the same value, with no
 * warning), else undefined and the schema decides, with its messages. Pure. tg-handler checks the
 * last week's rows at start: through the schema that loaded zod (about 6-7 MB of RSS) on every start.
 * tests/shared/join-log/quick-response.test.ts holds it equal to the schema.
 */
export function quickResponse(zone: string): QuickCheck<Response> {
  return (header) => {
    const at = ALL_COLUMNS.map((name) => header.indexOf(name));
    return (row) => {
      const cells = at.map((index) => (index < 0 ? '' : (row.cells[index] ?? '')));
      const [id_link, id_tg, tg_f_name, tg_l_name, dt, tg_responde_status, tg_username, link, chat_id, tg_request_date, decided_by, reason] = cells as [string, string, string, string, string, string, string, string, string, string, string, string];
      if (!USER_ID.test(id_tg) || !STATUSES.has(tg_responde_status) || !UNIX_TIME.test(tg_request_date)) return undefined;
      const dt_tg_responde = quickDate(dt, zone);
      if (dt_tg_responde === undefined) return undefined;
      return { id_link, id_tg, tg_f_name, tg_l_name, dt_tg_responde, tg_responde_status: tg_responde_status as ResponseStatus, tg_username, link, chat_id, tg_request_date, decided_by, reason };
    };
  };
}

/** The cells that say who a row is about, from the Telegram user it is about. */
export function personCells(user: { id: number; first_name: string; last_name?: string | undefined; username?: string | undefined }): Pick<ResponseCells, 'id_tg' | 'tg_f_name' | 'tg_l_name' | 'tg_username'> {
  return { id_tg: String(user.id), tg_f_name: user.first_name, tg_l_name: user.last_name ?? '', tg_username: user.username ?? '' };
}

/**
 * The key that makes a join request's row unique: the same request delivered twice gives the same key.
 * Keys are joined, not concatenated (here and in keys.ts): a join is one flat string of its own, which
 * a Map hashes at once and which holds none of the cells it was made from, where a concatenation is a
 * chain of pieces that every lookup flattened again and that kept its cells alive while the key was
 * kept (a week; BENCHMARKS.md, issue 15).
 */
export function requestKey(chatId: string, userId: string, requestDate: string): string {
  return [chatId, userId, requestDate].join('|');
}

/** The membership statuses: rows of chat_member updates and `tg-get members`, not of requests. */
export const MEMBERSHIP_STATUSES = ['joined', 'left', 'removed'] as const satisfies readonly ResponseStatus[];

/** True for `joined`, `left` and `removed`. */
export function isMembershipStatus(status: string): status is (typeof MEMBERSHIP_STATUSES)[number] {
  return status === 'joined' || status === 'left' || status === 'removed';
}

/**
 * The key of a membership event's row: chat, user, the event's date and its direction (in or out),
 * so a join and a leave in the same second are two rows, while the same chat_member update delivered
 * twice gives one key. `left` and `removed` share the direction: one person cannot leave twice at once.
 */
export function membershipKey(chatId: string, userId: string, date: string, status: string): string {
  return [chatId, userId, date, status === 'joined' ? 'in' : 'out'].join('|');
}

/** The redelivery key of any join-log row: a request's (`requestKey`) or a membership event's (`membershipKey`). */
export function keyOfRow(chatId: string, userId: string, date: string, status: string): string {
  return isMembershipStatus(status) ? membershipKey(chatId, userId, date, status) : requestKey(chatId, userId, date);
}
