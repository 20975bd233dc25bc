/**
 * Every import a program defers until it needs the module, in one place so that readers and tools
 * see each edge. tg-get runs every minute from cron and usually has nothing to do; such a run must
 * load neither zod, telegraf nor the data files' parsers (bench/get-idle.ts measures it, see
 * BENCHMARKS.md; tests/get-exec/idle-imports.test.ts checks it). Everything else is imported
 * statically. Each entry gives what loading it costs, so an entry whose reason is gone can go.
 *
 * "here" is importing the module on top of what an idle run has loaded (dist/get-exec/main.js):
 * median of 10 fresh processes, wall time and RSS growth, measured 2026-11-29 on the shared 2-core
 * machine under a load of 8, when `node -e 0` itself took 110-150 ms. Compare them with each other.
 *
 * One more edge kept for the same reason lives elsewhere: the data files' names are apart from their
 * schemas (src/shared/files/names.ts), so that config/paths.ts and the idle check need no zod.
 */
import { createRequire } from 'node:module';

/**
 * The configuration checks. With zod they cost +14 MB peak RSS (BENCHMARKS.md, "Where the memory
 * went"), here +96 ms and +6.9 MB; they need no zod since 2026-11-29 and were not measured again.
 * An idle tg-get run decides to skip before them (config/load.ts).
 */
export const configSchema = () => import('../config/schema.js');

/**
 * The Telegram client, and telegraf with node-fetch: `tg-get --version` went from 391 ms to 287 ms
 * and its peak RSS from 72 MB to 63 MB once every run stopped loading it (BENCHMARKS.md, change 2);
 * here +138 ms and +10.5 MB. Made on the first call (get-exec/context.ts): a run that calls no
 * method never loads it.
 */
export const telegramClient = () => import('../telegram/client.js');

/**
 * The file store with write-file-atomic (measured when it still held proper-lockfile too): here +76 ms and +5.0 MB.
 * get-exec/link-control.ts writes the link state with it; tg-get's own notes (the idle note, the
 * after-an-edit cache) do without it (get-exec/cache-file.ts).
 */
export const fileStore = () => import('../files/store.js');

/**
 * tg-get's steps with the data files' parsers (zod cells, the TSV reader): here +232 ms and +13.0 MB
 * for the three. A run the idle check skips loads none of them; the skip took the idle run with
 * 10,000 rows from 818 ms to 153 ms (BENCHMARKS.md).
 */
export const linksStep = () => import('../../get-exec/links.js');
export const linkControlStep = () => import('../../get-exec/link-control.js');
export const qrStep = () => import('../../get-exec/qr.js');
export const postsStep = () => import('../../get-exec/posts.js');

/**
 * The after-an-edit check (get-exec/edit-check.ts) with the TSV reader, no zod: for an every-minute
 * run whose files changed, before the configuration schema is loaded.
 */
export const editCheck = () => import('../../get-exec/edit-check.js');

/** Reading which link a QR file records: the after-an-edit check needs it only for changed registry lines. */
export const qrFiles = () => import('../../get-exec/qr-files.js');

/** The after-an-edit check's row tests with the date reader (dayjs, and the zone's data on first use: about 50 ms): only for a changed row whose dates or status changed. */
export const quickRows = () => import('../../get-exec/quick-rows.js');

/** Writing the after-an-edit cache after a full run that had nothing to do. */
export const editNote = () => import('../../get-exec/edit-note.js');

/** `tg-get members` with the ledger and the join log's appender; no other command needs it. */
export const membersStep = () => import('../../get-exec/members.js');

/** `tg-get report` with its formatters: here +327 ms and +14.3 MB; no other command needs it. */
export const reportModule = () => import('../../get-exec/report/report.js');

/** `tg-get pending`: the join-log reader and the settle call; only that command needs them. */
export const pendingModule = () => import('../../get-exec/pending.js');

/**
 * tg-handler: the zod shapes of its update types, with zod; only to word the problem of an update
 * the quick tests refuse (handler-exec/update-shape.ts), so a start loads neither for them.
 */
export const updateShapes = () => import('../../handler-exec/update-shapes.js');

/** tg-handler: data/menu.json's zod schema, with zod; only when the quick read does not take the file as it is (handler-exec/menu-file.ts). */
export const menuSchema = () => import('../../handler-exec/menu-schema.js');

/**
 * zod for the data files' schemas, loaded when the first schema is made: a row a quick check does
 * not take is checked inside the reader's synchronous row callback, so this one import cannot wait
 * for a promise. It is zod's CommonJS build of the same package, and every data-file schema (cells,
 * registry, join log, schedule) takes its `z` from here, so that no schema mixes the two builds.
 * tg-handler's start needs no schema when every row passes its quick check: zod's modules cost
 * about 6-7 MB of RSS there (BENCHMARKS.md, issue 15).
 */
export const zodNow = (): typeof import('zod') => (loadedZod ??= createRequire(import.meta.url)('zod') as typeof import('zod'));
let loadedZod: typeof import('zod') | undefined;

/** The QR code library: here +52 ms and +4.3 MB; loaded when a code is drawn, not when every code is current. */
export const qrcode = () => import('qrcode');
