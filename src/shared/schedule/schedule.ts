/**
 * The post schedule, data/text_schedule.txt: a time, a text and a picture per row. We append our own
 * columns to remember what happened to each row, so that no row is ever posted twice.
 */
import { z } from 'zod';
import { requiredDateCell, dateCell } from '../files/cells.js';
import type { FileSpec } from '../files/data-file.js';

export const SCHEDULE_COLUMNS = ['dt_time', 'text', 'file_path'] as const;
export const SCHEDULE_APPENDED = ['post_status', 'dt_posted', 'message_id'] as const;

/**
 * What happened to a row. '' is due (or not yet due). `sending` is written BEFORE the call to Telegram:
 * if the process dies during the call, the next run finds `sending` and treats the row as `uncertain`,
 * never sending it again on its own.
 */
export const POST_STATUSES = ['', 'sending', 'posted', 'uncertain', 'missed'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export function scheduleSchema(zone: string) {
  return z
    .object({
      dt_time: requiredDateCell(zone, 'when to post'),
      text: z.string(),
      file_path: z.string(),
      post_status: z.enum(POST_STATUSES, { error: (issue) => `"${String(issue.input)}" is not a post status; use one of posted, uncertain, missed, or leave it blank to post the row` }),
      dt_posted: dateCell(zone),
      message_id: z.string(),
    })
    .refine((row) => row.text.trim() !== '' || row.file_path.trim() !== '', { error: 'the row has neither text nor a picture: nothing to post', path: ['text'] });
}

export type ScheduledPost = z.output<ReturnType<typeof scheduleSchema>>;

export function scheduleSpec(zone: string): FileSpec<ScheduledPost> {
  return {
    expected: `the posts for the group: a tab-separated header "${SCHEDULE_COLUMNS.join(' ')}", then one row per post (time, text, picture file)`,
    columns: SCHEDULE_COLUMNS,
    required: SCHEDULE_COLUMNS,
    appended: SCHEDULE_APPENDED,
    schema: scheduleSchema(zone),
  };
}
