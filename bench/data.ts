/**
 * Generated data files in the layout users have (tab-separated, header first). Pure: each function
 * returns the file's text, so the sizes and shapes are easy to see and to change.
 */

export const GROUP = -1001234567890;
export const INVITE_HEADER = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire';
export const RESPONSE_HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
export const SCHEDULE_HEADER = 'dt_time\ttext\tfile_path\tpost_status\tdt_posted\tmessage_id';

/** The registry name (link name) of row `i`: unique, well under Telegram's 32 characters. */
export const inviteId = (i: number): string => `inv-${String(i + 1).padStart(6, '0')}`;

/**
 * invite_data.txt with one row per link in `links`; a null link leaves the row's link cells blank
 * (tg-get makes it), written as the legacy files do: a short row, trailing cells missing.
 */
export function registryText(links: readonly (string | null)[]): string {
  const lines = [INVITE_HEADER];
  links.forEach((link, i) => {
    const id = inviteId(i);
    const left = `${id}\tguest${i + 1}@example.org\t~/Desktop/tg_repo/links\t${GROUP}`;
    lines.push(link === null ? `${left}\t` : `${left}\t${id}\t${link}\t2025-01-02 10:00:00\t`);
  });
  return `${lines.join('\n')}\n`;
}

/** A user id far from the ids the join-request scenario uses. */
const EXISTING_USER_BASE = 1_000_000_000;

/** When the earlier joins of `responsesText` happened: the first one, and the seconds between two. */
export interface JoinSpan {
  startS: number;
  stepS: number;
}

/** Months of use: from 1 January 2025, one join every 37 s (100,000 rows span 43 days). */
export const MONTHS_AGO: JoinSpan = { startS: Date.UTC(2025, 0, 1) / 1000, stepS: 37 };

/** `rows` joins that all happened in the last six days, up to now: every one inside tg-handler's redelivery window. */
export function lastDays(rows: number, nowS = Math.floor(Date.now() / 1000)): JoinSpan {
  const stepS = Math.max(1, Math.floor((6 * 24 * 3600) / Math.max(1, rows)));
  return { startS: nowS - rows * stepS, stepS };
}

/**
 * responde_data.txt in the current layout (legacy columns + ours) with `rows` earlier joins through
 * the given links, all approved, each with its own request date: by default what months of use leave
 * behind.
 */
export function responsesText(rows: number, links: readonly string[], span: JoinSpan = MONTHS_AGO): string {
  return `${RESPONSE_HEADER}\n${responseRows(0, rows, links, span)}`;
}

/**
 * Rows `from` to `to` (exclusive) of `responsesText`, without the header: a big log is written in
 * such pieces, so making a million rows never holds the whole text.
 */
export function responseRows(from: number, to: number, links: readonly string[], span: JoinSpan = MONTHS_AGO): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const k = i % Math.max(1, links.length);
    const user = EXISTING_USER_BASE + i;
    const at = span.startS + i * span.stepS;
    const when = new Date(at * 1000).toISOString().replace('T', ' ').slice(0, 19);
    out += `${inviteId(k)}\t${user}\tFirst${i}\tLast${i}\t${when}\tapprove\tuser_${user}\t${links[k] ?? ''}\t${GROUP}\t${at}\n`;
  }
  return out;
}

/** `count` distinct invite-link URLs of Telegram's shape, without asking the emulator (the report only reads them). */
export function fakeLinks(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `https://t.me/+bench${String(i).padStart(11, '0')}`);
}

const LOREM =
  'Sed ut perspiciatis, unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam eaque ipsa, quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt, explicabo.';

/** `YYYY.MM.DD HH:mm`, the legacy schedule's format, of a UTC moment. */
function legacyTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}.${p(d.getUTCMonth() + 1)}.${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/**
 * text_schedule.txt (CRLF, as the legacy file) with `rows` posts: the first half already posted (with
 * our status columns filled in), the second half due in the future. Nothing is due.
 */
export function scheduleText(rows: number): string {
  const out: string[] = [SCHEDULE_HEADER];
  const past = Date.UTC(2025, 0, 3, 17, 28);
  const future = Date.UTC(2099, 0, 1, 10, 0);
  for (let i = 0; i < rows; i++) {
    const text = LOREM.slice(0, 60 + (i % 150));
    const picture = i % 3 === 0 ? `~/Desktop/tg_repo/${String((i % 9) + 1).padStart(4, '0')}.jpg` : '';
    if (i < rows / 2) {
      const when = past + i * 3_600_000;
      const posted = new Date(when + 5000).toISOString().replace('T', ' ').slice(0, 19);
      out.push(`${legacyTime(when)}\t${text}\t${picture}\tposted\t${posted}\t${1000 + i}`);
    } else {
      out.push(`${legacyTime(future + i * 3_600_000)}\t${text}\t${picture}\t\t\t`);
    }
  }
  return `${out.join('\r\n')}\r\n`;
}
