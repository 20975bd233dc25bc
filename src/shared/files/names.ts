/**
 * The data files' names in the data folder, the legacy ones (spelling included). Kept apart from
 * their schemas so that code which only needs a path (tg-get's idle check) does not load zod.
 */
export const INVITE_FILE = 'invite_data.txt';
export const SCHEDULE_FILE = 'text_schedule.txt';
export const RESPONSE_FILE = 'responde_data.txt';
