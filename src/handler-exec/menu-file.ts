/**
 * The button chat's wording, data/menu.json, so an admin changes texts without touching code. Every
 * field has a default (a missing file means all defaults); an unknown key or a wrong value is an
 * error naming the file and the JSON path, read once at start so journalctl shows it at once.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { unsafeNameProblem } from './send-file.js';

export const MENU_FILE_NAME = 'menu.json';

// Telegram's limits: message text 1-4096 (the greeting grows by the first name, at most 64),
// callback answers 0-200, captions 0-1024. Button labels have no documented limit; keep them short.
const text = (fallback: string) =>
  z.string({ error: 'must be a text in double quotes' }).refine((s) => s.trim() !== '', { error: 'is empty; write the text to show' }).refine((s) => s.length <= 4000, { error: 'is longer than 4000 characters; Telegram shows at most 4096' }).default(fallback);
const label = (fallback: string) =>
  z.string({ error: 'must be a button label in double quotes' }).refine((s) => s.trim() !== '', { error: 'is empty; a button needs a label' }).refine((s) => s.length <= 64, { error: 'is longer than 64 characters; keep button labels short' }).default(fallback);
const notice = (fallback: string) =>
  z.string({ error: 'must be a text in double quotes' }).refine((s) => s.length <= 200, { error: 'is longer than 200 characters; Telegram shows at most 200 in a button answer' }).default(fallback);

const fileName = z
  .string({ error: 'must be a file name in double quotes' })
  .superRefine((name, ctx) => {
    const problem = unsafeNameProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .default('key_bb.txt');

export const menuSchema = z.strictObject({
  /** `{first_name}` is replaced by the user's first name. */
  greeting: text('Hello, {first_name}! Welcome to the group bot. Choose below.'),
  buttons: z
    .strictObject({
      terms: label('Terms'),
      file: label('Get the file'),
      back: label('« Back'),
      stay: label('Stay'),
      leave: label('Leave'),
    })
    .prefault({}),
  terms: z
    .strictObject({
      text: text('The terms of the group: be kind, stay on topic, no advertising. Will you stay?'),
      stay: text('Glad to have you. Enjoy the group!'),
      leave: text('Sorry to see you go. You can leave the group from its menu at any time.'),
    })
    .prefault({}),
  file: z
    .strictObject({
      /** A file inside the data folder; nothing outside it can ever be sent. */
      name: fileName,
      caption: z.string({ error: 'must be a text in double quotes' }).refine((s) => s.length <= 1024, { error: 'is longer than 1024 characters; Telegram allows at most 1024 in a caption' }).default(''),
      sent: notice('Here is the file.'),
      unavailable: notice('Sorry, the file is not available right now; please tell an admin.'),
    })
    .prefault({}),
  /** --check-requester: the message to a requester before approval; `{row}` is the registry row's id. */
  check: z
    .strictObject({
      text: text('You asked to join {group}. Please confirm with the button below within a few minutes.'),
      button: label("I'm joining through {row}"),
      passed: notice('Thank you! Your request is approved.'),
      late: notice('Too late: an admin will decide on your request.'),
    })
    .prefault({}),
  /** The answer to a button from an older menu, or one the bot does not know. */
  stale: notice('This button is out of date; send /start for a fresh menu.'),
  failed: notice('Something went wrong; please try again later.'),
});

export type Menu = z.output<typeof menuSchema>;

/** Every default, as a missing file gives. */
export const DEFAULT_MENU: Menu = menuSchema.parse({});

function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * Parses the menu file's text. Pure. Throws ConfigError with one `file: json.path: problem` line per
 * problem, so `main` prints them all and exits 2.
 */
export function parseMenu(textOfFile: string, name: string): Menu {
  let data: unknown;
  try {
    data = JSON.parse(textOfFile);
  } catch (error) {
    throw new ConfigError([`${name}: is not valid JSON (${(error as Error).message}); check quotes and commas, or delete the file to use the defaults`]);
  }
  const result = menuSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `${name}: ${jsonPath(issue.path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling (known keys are in the default data/menu.json)`;
      }
      const message = issue.code === 'invalid_type' && issue.path.length === 0 ? 'must be a JSON object { ... }' : issue.message;
      return `${name}: ${jsonPath(issue.path)}: ${message}`;
    }),
  );
}

/** Reads the menu file; a missing file gives the defaults. Throws ConfigError (see parseMenu). */
export async function loadMenu(file: string, name: string): Promise<Menu> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_MENU;
    throw new ConfigError([`${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); fix its permissions or delete it to use the defaults`]);
  }
  return parseMenu(content.replace(/^\uFEFF/, ''), name);
}

/** The greeting with the user's first name filled in. Pure. */
export function greetingFor(menu: Menu, firstName: string): string {
  return menu.greeting.split('{first_name}').join(firstName);
}

/** A --check-requester text with `{row}` and `{group}` filled in. Pure. */
export function checkText(template: string, row: string, group: string): string {
  return template.split('{row}').join(row).split('{group}').join(group);
}
