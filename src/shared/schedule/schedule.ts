/**
 * The post schedule, data/text_schedule.txt: a time, a text and a picture per row. We append our own
 * columns to remember what happened to each row, so that no row is ever posted twice. Columns, checks
 * and row type come from the two shapes below.
 */
import type { z } from 'zod';
import { zodNow } from '../cli/lazy.js';
import { requiredDateCell, dateCell } from '../files/cells.js';
import type { FileSpec } from '../files/data-file.js';
import { quote } from '../quote.js';
import { POST_STATUSES } from './post-status.js';

export { POST_STATUSES, type PostStatus } from './post-status.js';

/** The legacy columns, in the legacy order. */
const legacyColumns = (zone: string, { z } = zodNow()) => ({
  dt_time: requiredDateCell(zone, 'when to post'),
  text: z.string(),
  file_path: z.string(),
});

/** Ours, appended: what happened to the row. */
const ourColumns = (zone: string, { z } = zodNow()) => ({
  post_status: z.enum(POST_STATUSES, { error: (issue) => `${quote(String(issue.input))} is not a post status; use one of posted, uncertain, missed, or leave it blank to post the row` }),
  dt_posted: dateCell(zone),
  message_id: z.string(),
});

export function scheduleSchema(zone: string) {
  return zodNow()
    .z.object({ ...legacyColumns(zone), ...ourColumns(zone) })
    .refine((row) => row.text.trim() !== '' || row.file_path.trim() !== '', { error: 'the row has neither text nor a picture: nothing to post', path: ['text'] });
}

export type ScheduledPost = z.output<ReturnType<typeof scheduleSchema>>;

type Column = keyof z.input<ReturnType<typeof scheduleSchema>>;
export const SCHEDULE_COLUMNS = Object.keys(legacyColumns('UTC')) as readonly Column[];
export const SCHEDULE_APPENDED = Object.keys(ourColumns('UTC')) as readonly Column[];

export function scheduleSpec(zone: string): FileSpec<ScheduledPost> {
  return {
    expected: `the posts for the group: a tab-separated header "${SCHEDULE_COLUMNS.join(' ')}", then one row per post (time, text, picture file)`,
    columns: SCHEDULE_COLUMNS,
    required: SCHEDULE_COLUMNS,
    appended: SCHEDULE_APPENDED,
    schema: scheduleSchema(zone),
  };
}
