/**
 * Every import a program defers until it needs the module, in one place so readers and tools see
 * each edge. tg-get runs every minute from cron and usually has nothing to do; such a run must load
 * neither zod, telegraf nor the data files' parsers (bench/get-idle.ts measures it; BENCHMARKS.md).
 * Each entry says what loading it costs, measured as noted, so an entry whose reason is gone can go.
 * Everything else is imported statically. (The data files' names live apart from their schemas, in
 * src/shared/files/names.ts, for the same reason: config/paths.ts needs them without zod.)
 */

/**
 * The configuration schema, and zod with it: +14 MB peak RSS (BENCHMARKS.md, "Where the memory
 * went"), {{SCHEMA}}. An idle tg-get run decides to skip before it.
 */
export const configSchema = () => import('../config/schema.js');

/**
 * The Telegram client, and telegraf with node-fetch: `tg-get --version` 391 ms to 287 ms and peak RSS
 * 72 MB to 63 MB once it was no longer loaded by every run (BENCHMARKS.md, change 2); {{CLIENT}}.
 * Made on the first call (get-exec/context.ts), so a run that calls no method never loads it.
 */
export const telegramClient = () => import('../telegram/client.js');

/**
 * The file store (locks, atomic writes): {{STORE}}. Only an idle run that records its note
 * needs it (get-exec/idle-state.ts).
 */
export const fileStore = () => import('../files/store.js');

/**
 * tg-get's steps with the data files' parsers (zod cells, the TSV reader, dayjs): {{STEPS}}. A run
 * the idle check skips loads none of them: idle 818 ms to 153 ms with 10,000 rows (BENCHMARKS.md).
 */
export const linksStep = () => import('../../get-exec/links.js');
export const qrStep = () => import('../../get-exec/qr.js');
export const postsStep = () => import('../../get-exec/posts.js');

/** `tg-get report` with its formatters: {{REPORT}}; no other command needs it. */
export const reportModule = () => import('../../get-exec/report/report.js');

/** The QR code library: {{QRCODE}}; only when a code is drawn, not when every code is current. */
export const qrcode = () => import('qrcode');
