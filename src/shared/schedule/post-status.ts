/**
 * What happened to a schedule row, without zod: the schema (schedule.ts) and tg-get's after-an-edit
 * check (get-exec/quick-rows.ts) both read it from here.
 *
 * '' is due (or not yet due). `sending` is written BEFORE the call to Telegram: if the process dies
 * during the call, the next run finds `sending` and treats the row as `uncertain`, never sending it
 * again on its own.
 */
export const POST_STATUSES = ['', 'sending', 'posted', 'uncertain', 'missed'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
