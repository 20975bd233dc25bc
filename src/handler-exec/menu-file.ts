/**
 * The button chat's wording, data/menu.json, so an admin changes texts without touching code. Every
 * field has a default (a missing file means all defaults); an unknown key or a wrong value is an
 * error naming the file and the JSON path, read once at start so journalctl shows it at once.
 */
import { readFile } from 'node:fs/promises';
import { menuSchema as menuSchemaModule } from '../shared/cli/lazy.js';
import { ConfigError } from '../shared/errors.js';
import { unsafeNameProblem } from './send-file.js';

export const MENU_FILE_NAME = 'menu.json';

/** The button chat's wording: every text the bot sends in it, and the file it hands out. */
export interface Menu {
  /** `{first_name}` is replaced by the user's first name. */
  greeting: string;
  buttons: { terms: string; file: string; back: string; stay: string; leave: string };
  terms: { text: string; stay: string; leave: string };
  /** `name`: a file inside the data folder; nothing outside it can ever be sent. */
  file: { name: string; caption: string; sent: string; unavailable: string };
  /** --check-requester: the message to a requester before approval; `{row}` is the registry row's id. */
  check: { text: string; button: string; passed: string; late: string };
  /** The answer to a button from an older menu, or one the bot does not know. */
  stale: string;
  failed: string;
}

/** Every default, as a missing file gives (the shipped data/menu.json says the same). */
export const DEFAULT_MENU: Menu = {
  greeting: 'Hello, {first_name}! Welcome to the group bot. Choose below.',
  buttons: { terms: 'Terms', file: 'Get the file', back: '« Back', stay: 'Stay', leave: 'Leave' },
  terms: {
    text: 'The terms of the group: be kind, stay on topic, no advertising. Will you stay?',
    stay: 'Glad to have you. Enjoy the group!',
    leave: 'Sorry to see you go. You can leave the group from its menu at any time.',
  },
  file: { name: 'key_bb.txt', caption: '', sent: 'Here is the file.', unavailable: 'Sorry, the file is not available right now; please tell an admin.' },
  check: {
    text: 'You asked to join {group}. Please confirm with the button below within a few minutes.',
    button: "I'm joining through {row}",
    passed: 'Thank you! Your request is approved.',
    late: 'Too late: an admin will decide on your request.',
  },
  stale: 'This button is out of date; send /start for a fresh menu.',
  failed: 'Something went wrong; please try again later.',
};

/**
 * The longest texts: Telegram's limits are message text 1-4096 (the greeting grows by the first
 * name, at most 64), callback answers 0-200, captions 0-1024; button labels have none documented.
 */
export const LIMITS = { text: 4000, label: 64, notice: 200, caption: 1024 } as const;

/** What each kind of field takes (menu-schema.ts words why a value is not taken). */
const FIELD = {
  text: (v: unknown) => typeof v === 'string' && v.trim() !== '' && v.length <= LIMITS.text,
  label: (v: unknown) => typeof v === 'string' && v.trim() !== '' && v.length <= LIMITS.label,
  notice: (v: unknown) => typeof v === 'string' && v.length <= LIMITS.notice,
  caption: (v: unknown) => typeof v === 'string' && v.length <= LIMITS.caption,
  fileName: (v: unknown) => typeof v === 'string' && unsafeNameProblem(v) === undefined,
};
type Kind = keyof typeof FIELD;

/** The kind of every field, nested as in the file. */
const KINDS: Record<string, Kind | Record<string, Kind>> = {
  greeting: 'text',
  buttons: { terms: 'label', file: 'label', back: 'label', stay: 'label', leave: 'label' },
  terms: { text: 'text', stay: 'text', leave: 'text' },
  file: { name: 'fileName', caption: 'caption', sent: 'notice', unavailable: 'notice' },
  check: { text: 'text', button: 'label', passed: 'notice', late: 'notice' },
  stale: 'notice',
  failed: 'notice',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value` with the defaults filled in when every key is known and every field taken as it is, else undefined. */
function fill(value: unknown, kinds: Record<string, Kind | Record<string, Kind>>, defaults: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  for (const key of Object.keys(value)) if (!Object.hasOwn(kinds, key)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(kinds)) {
    const given = value[key];
    if (typeof kind === 'object') {
      const inner = fill(given === undefined ? {} : given, kind, defaults[key] as Record<string, unknown>);
      if (inner === undefined) return undefined;
      out[key] = inner;
    } else if (given === undefined) out[key] = defaults[key];
    else if (FIELD[kind](given)) out[key] = given;
    else return undefined;
  }
  return out;
}

/**
 * The menu file's text read without zod: the menu when it is JSON that the schema (menu-schema.ts)
 * takes as it is, else undefined and the schema words the problems. Keeps zod, about 7 MB of RSS,
 * off tg-handler's start (issue 15). Pure.
 */
export function quickMenu(textOfFile: string): Menu | undefined {
  let data: unknown;
  try {
    data = JSON.parse(textOfFile);
  } catch {
    return undefined;
  }
  return fill(data, KINDS, DEFAULT_MENU as unknown as Record<string, unknown>) as Menu | undefined;
}

/** Reads the menu file; a missing file gives the defaults. Throws ConfigError (see menu-schema.ts's parseMenu). */
export async function loadMenu(file: string, name: string): Promise<Menu> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_MENU;
    throw new ConfigError([`${name}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); fix its permissions or delete it to use the defaults`]);
  }
  const text = content.replace(/^\uFEFF/, '');
  return quickMenu(text) ?? (await menuSchemaModule()).parseMenu(text, name);
}

/** The greeting with the user's first name filled in. Pure. */
export function greetingFor(menu: Menu, firstName: string): string {
  return menu.greeting.split('{first_name}').join(firstName);
}

/** A --check-requester text with `{row}` and `{group}` filled in. Pure. */
export function checkText(template: string, row: string, group: string): string {
  return template.split('{row}').join(row).split('{group}').join(group);
}
