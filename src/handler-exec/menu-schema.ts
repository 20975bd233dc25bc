/**
 * data/menu.json's zod schema, and the parse that words its problems: loaded (with zod, through
 * cli/lazy.ts) only when menu-file.ts's quick read does not take the file as it is. The defaults and
 * limits are menu-file.ts's; tests/handler-exec/menu-file.test.ts holds the two reads equal.
 */
import { zodNow } from '../shared/cli/lazy.js';
import { ConfigError } from '../shared/errors.js';
import { DEFAULT_MENU as D, LIMITS, type Menu } from './menu-file.js';
import { unsafeNameProblem } from './send-file.js';

// The one zod of the process (lazy.ts zodNow): the data files' schemas use the same copy, so an
// error path that needs both loads zod once.
const { z } = zodNow();

// Telegram's limits: message text 1-4096 (the greeting grows by the first name, at most 64),
// callback answers 0-200, captions 0-1024. Button labels have no documented limit; keep them short.
const text = (fallback: string) =>
  z.string({ error: 'must be a text in double quotes' }).refine((s) => s.trim() !== '', { error: 'is empty; write the text to show' }).refine((s) => s.length <= LIMITS.text, { error: 'is longer than 4000 characters; Telegram shows at most 4096' }).default(fallback);
const label = (fallback: string) =>
  z.string({ error: 'must be a button label in double quotes' }).refine((s) => s.trim() !== '', { error: 'is empty; a button needs a label' }).refine((s) => s.length <= LIMITS.label, { error: 'is longer than 64 characters; keep button labels short' }).default(fallback);
const notice = (fallback: string) =>
  z.string({ error: 'must be a text in double quotes' }).refine((s) => s.length <= LIMITS.notice, { error: 'is longer than 200 characters; Telegram shows at most 200 in a button answer' }).default(fallback);

const fileName = z
  .string({ error: 'must be a file name in double quotes' })
  .superRefine((name, ctx) => {
    const problem = unsafeNameProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .default(D.file.name);

export const menuSchema = z.strictObject({
  /** `{first_name}` is replaced by the user's first name. */
  greeting: text(D.greeting),
  buttons: z
    .strictObject({
      terms: label(D.buttons.terms),
      file: label(D.buttons.file),
      back: label(D.buttons.back),
      stay: label(D.buttons.stay),
      leave: label(D.buttons.leave),
    })
    .prefault({}),
  terms: z
    .strictObject({
      text: text(D.terms.text),
      stay: text(D.terms.stay),
      leave: text(D.terms.leave),
    })
    .prefault({}),
  file: z
    .strictObject({
      /** A file inside the data folder; nothing outside it can ever be sent. */
      name: fileName,
      caption: z.string({ error: 'must be a text in double quotes' }).refine((s) => s.length <= LIMITS.caption, { error: 'is longer than 1024 characters; Telegram allows at most 1024 in a caption' }).default(D.file.caption),
      sent: notice(D.file.sent),
      unavailable: notice(D.file.unavailable),
    })
    .prefault({}),
  /** --check-requester: the message to a requester before approval; `{row}` is the registry row's id. */
  check: z
    .strictObject({
      text: text(D.check.text),
      button: label(D.check.button),
      passed: notice(D.check.passed),
      late: notice(D.check.late),
    })
    .prefault({}),
  /** The answer to a button from an older menu, or one the bot does not know. */
  stale: notice(D.stale),
  failed: notice(D.failed),
});

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
