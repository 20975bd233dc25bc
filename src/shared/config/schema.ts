/**
 * Settings for both programs: one zod schema with the defaults in it, and a pure `parseConfig` that
 * reports every problem at once as `NAME: message`. Only a program's `main` reads process.env, the
 * .env file and --token-file, and hands the result here.
 */
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { isValidZone, systemZone } from '../dates.js';
import { ConfigError } from '../errors.js';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

/** The options both CLIs take (commander's camelCase names). */
export interface CommonOptions {
  dataDir?: string;
  assetsDir?: string;
  linksDir?: string;
  tokenFile?: string;
  tz?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** What a command needs: tg-get report needs no token, for instance. */
export interface Needs {
  token: boolean;
  chat: boolean;
}

export interface Config {
  /** The bot token, or '' when the command needs none. Never print it. */
  token: string;
  /** The group, as a number or an @username; null when not needed and not set. */
  chatId: number | string | null;
  /** Bot API root without a trailing slash, e.g. https://api.telegram.org or the emulator's. */
  apiRoot: string;
  dataDir: string;
  assetsDir: string;
  linksDir: string;
  /** IANA zone for wall-clock times in the data files. */
  zone: string;
  logLevel: 'quiet' | 'normal' | 'verbose';
}

const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;
const CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,})$/;

/** Reads a chat id cell or setting: a number (-100... for supergroups) or an @username. Null when malformed. */
export function parseChatId(text: string): number | string | null {
  const s = text.trim();
  if (!CHAT.test(s)) return null;
  if (s.startsWith('@')) return s;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function chatHint(raw: string): string {
  if (/e\+?\d/i.test(raw) || raw.includes(',')) {
    return 'looks mangled by a spreadsheet (scientific notation); write the full id, e.g. -1001234567890, or @groupname';
  }
  return 'must be the group id (e.g. -1001234567890) or its @username';
}

/** TZ may name a zone file (":/etc/localtime"); then the zone Node resolved from it is the one meant. */
function zoneOf(tz: string | undefined): string | undefined {
  if (tz === undefined || tz.trim() === '') return undefined;
  const name = tz.trim().replace(/^:/, '');
  return name.startsWith('/') ? systemZone() : name;
}

const schema = (needs: Needs, cwd: string) =>
  z
    .object({
      BOT_TOKEN: z.string().optional(),
      CHAT_ID: z.string().optional(),
      TELEGRAM_API_ROOT: z.string().default(DEFAULT_API_ROOT),
      TZ: z.string().optional(),
      dataDir: z.string().default('data'),
      assetsDir: z.string().default('assets'),
      linksDir: z.string().default('LINKS'),
      logLevel: z.enum(['quiet', 'normal', 'verbose']).default('normal'),
    })
    .superRefine((v, ctx) => {
      const token = v.BOT_TOKEN?.trim() ?? '';
      if (needs.token && token === '') {
        ctx.addIssue({ code: 'custom', path: ['BOT_TOKEN'], message: 'is not set; put the token @BotFather gave you in BOT_TOKEN (environment or .env) or pass --token-file PATH' });
      } else if (token !== '' && !TOKEN.test(token)) {
        // Never echo the value: it may be a real token with a typo.
        ctx.addIssue({ code: 'custom', path: ['BOT_TOKEN'], message: 'does not look like a bot token (digits, a colon, then at least 20 letters, digits, - or _); copy it again from @BotFather' });
      }
      const chat = v.CHAT_ID?.trim() ?? '';
      if (needs.chat && chat === '') {
        ctx.addIssue({ code: 'custom', path: ['CHAT_ID'], message: 'is not set; set CHAT_ID to the group id (e.g. -1001234567890) or @groupname (see "Find CHAT_ID" in the README)' });
      } else if (chat !== '' && parseChatId(chat) === null) {
        ctx.addIssue({ code: 'custom', path: ['CHAT_ID'], message: `"${chat}" ${chatHint(chat)}` });
      }
      try {
        const url = new URL(v.TELEGRAM_API_ROOT);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      } catch {
        ctx.addIssue({ code: 'custom', path: ['TELEGRAM_API_ROOT'], message: `"${v.TELEGRAM_API_ROOT}" is not an http(s) URL; leave it unset for ${DEFAULT_API_ROOT}` });
      }
      const zone = zoneOf(v.TZ);
      if (zone !== undefined && !isValidZone(zone)) {
        ctx.addIssue({ code: 'custom', path: ['TZ'], message: `"${v.TZ}" is not a time zone; use an IANA name such as Europe/Berlin or UTC` });
      }
    })
    .transform(
      (v): Config => ({
        token: v.BOT_TOKEN?.trim() ?? '',
        chatId: v.CHAT_ID?.trim() ? parseChatId(v.CHAT_ID) : null,
        apiRoot: v.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
        dataDir: path.resolve(cwd, v.dataDir),
        assetsDir: path.resolve(cwd, v.assetsDir),
        linksDir: path.resolve(cwd, v.linksDir),
        zone: zoneOf(v.TZ) ?? systemZone(),
        logLevel: v.logLevel,
      }),
    );

/**
 * Builds the configuration from environment variables and command-line options (options win; --tz
 * wins over TZ). Pure. Throws ConfigError listing every problem as `NAME: message`.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>, options: CommonOptions, needs: Needs, cwd: string): Config {
  const input = {
    BOT_TOKEN: env.BOT_TOKEN,
    CHAT_ID: env.CHAT_ID,
    TELEGRAM_API_ROOT: env.TELEGRAM_API_ROOT || undefined,
    TZ: options.tz ?? env.TZ,
    dataDir: options.dataDir,
    assetsDir: options.assetsDir,
    linksDir: options.linksDir,
    logLevel: options.quiet ? 'quiet' : options.verbose ? 'verbose' : undefined,
  };
  const result = schema(needs, cwd).safeParse(input);
  if (result.success) return result.data;
  const names: Record<string, string> = { dataDir: '--data-dir', assetsDir: '--assets-dir', linksDir: '--links-dir', TZ: options.tz !== undefined ? '--tz' : 'TZ' };
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'config');
      return `${names[key] ?? key}: ${issue.message}`;
    }),
  );
}

/**
 * Merges the environment with a .env file's text: the real environment wins, the file fills gaps.
 * Pure; `main` reads the file. Throws ConfigError when the text cannot be parsed.
 */
export function mergeDotEnv(env: Readonly<Record<string, string | undefined>>, dotEnvText: string | null): Record<string, string | undefined> {
  if (dotEnvText === null) return { ...env };
  let parsed: Record<string, string>;
  try {
    parsed = parseEnv(dotEnvText) as Record<string, string>;
  } catch (error) {
    throw new ConfigError([`.env: cannot be read (${(error as Error).message}); write one NAME=value per line`]);
  }
  const merged: Record<string, string | undefined> = { ...parsed };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}
