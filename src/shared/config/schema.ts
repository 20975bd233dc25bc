/**
 * Settings for both programs: one set of checks with the defaults in it (the folders' in paths.ts),
 * and a pure `parseConfig` that reports every problem at once as `NAME: message`. Only a program's `main`
 * reads process.env, and load.ts the .env file and --token-file, and hands the result here.
 */
import { parseEnv } from 'node:util';
import { isValidZone, parseDuration, systemZone } from '../dates.js';
import { ConfigError } from '../errors.js';
import { logLevelOf } from '../cli/cli.js';
import { looksLikeToken, secretForms } from '../cli/log.js';
import { quote } from '../quote.js';
import { resolveDirs } from './paths.js';
import { checkWebhook, isHttpUrl, randomSecret, webhookOf, type Issue, type WebhookCliOptions, type WebhookOptions } from './webhook.js';

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
  /** Webhook mode (tg-handler with --webhook-url and --port); undefined for long polling. */
  webhook: WebhookOptions | undefined;
  /** The review queue's chat (ADMIN_CHAT_ID, tg-handler): held join requests get a card there; undefined when not set. */
  adminChatId?: number | undefined;
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

/**
 * How a message shows a setting's value: quoted and cut to a readable length, or not at all when it
 * looks like a bot token or holds the configured one (or its secret half): a token pasted into the
 * wrong setting must not be printed back.
 */
function shown(value: string, token: string | undefined): string {
  if (looksLikeToken(value)) return 'the value (not shown: it looks like a bot token)';
  const known = token?.trim() ?? '';
  if (known.length >= 4 && secretForms(known).some((form) => value.toLowerCase().includes(form.toLowerCase()))) {
    return 'the value (not shown: it holds the bot token or a part of it)';
  }
  return quote(value);
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

/** The settings as the checks see them: each as given (a string) or undefined, the API root defaulted. */
export interface ConfigInput {
  BOT_TOKEN?: string | undefined;
  CHAT_ID?: string | undefined;
  ADMIN_CHAT_ID?: string | undefined;
  TELEGRAM_API_ROOT: string;
  TZ?: string | undefined;
  WEBHOOK_SECRET?: string | undefined;
  dataDir?: string | undefined;
  assetsDir?: string | undefined;
  linksDir?: string | undefined;
  logLevel: Config['logLevel'];
  webhookUrl?: string | undefined;
  port?: string | undefined;
  webhookSecret?: string | undefined;
  host?: string | undefined;
}

/**
 * Every problem of the settings, in order, each under its setting's name. Written out, not a zod
 * schema: every input is a string (or unset), so the checks are all there is, and the configuration
 * needs no zod (a step to keep zod's modules, about 7 MB of RSS, off tg-handler's start; issue 15).
 * tests/shared/config/schema-zod.test.ts holds it equal to the zod schema it replaced.
 */
export function configIssues(v: ConfigInput, needs: Needs, issue: Issue): void {
  const token = v.BOT_TOKEN?.trim() ?? '';
  if (needs.token && token === '') {
    issue('BOT_TOKEN', 'is not set; put the token @BotFather gave you in BOT_TOKEN (environment or .env) or pass --token-file PATH');
  } else if (token !== '' && !TOKEN.test(token)) {
    // Never echo the value: it may be a real token with a typo.
    issue('BOT_TOKEN', 'does not look like a bot token (digits, a colon, then at least 20 letters, digits, - or _); copy it again from @BotFather');
  }
  const chat = v.CHAT_ID?.trim() ?? '';
  if (needs.chat && chat === '') {
    issue('CHAT_ID', 'is not set; set CHAT_ID to the group id (e.g. -1001234567890) or @groupname (see "Find CHAT_ID" in the README)');
  } else if (chat !== '' && parseChatId(chat) === null) {
    issue('CHAT_ID', `${shown(chat, v.BOT_TOKEN)} ${chatHint(chat)}`);
  }
  const adminChat = v.ADMIN_CHAT_ID?.trim() ?? '';
  if (adminChat !== '' && (parseChatId(adminChat) === null || adminChat.startsWith('@'))) {
    issue('ADMIN_CHAT_ID', `${shown(adminChat, v.BOT_TOKEN)} must be the numeric id of the admins' chat: a group of admins (e.g. -1001234567890) or an admin's user id for a private chat with the bot`);
  }
  if (!isHttpUrl(v.TELEGRAM_API_ROOT)) issue('TELEGRAM_API_ROOT', `${shown(v.TELEGRAM_API_ROOT, v.BOT_TOKEN)} is not an http(s) URL; leave it unset for ${DEFAULT_API_ROOT}`);
  const zone = zoneOf(v.TZ);
  if (zone !== undefined && !isValidZone(zone)) issue('TZ', `${shown(v.TZ ?? '', v.BOT_TOKEN)} is not a time zone; use an IANA name such as Europe/Berlin or UTC`);
  checkWebhook(v, issue);
}

/** The configuration of settings `configIssues` found nothing wrong with. */
export function configOf(v: ConfigInput, cwd: string, random: () => string): Config {
  return {
    token: v.BOT_TOKEN?.trim() ?? '',
    chatId: v.CHAT_ID?.trim() ? parseChatId(v.CHAT_ID) : null,
    apiRoot: v.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    ...resolveDirs(v, cwd),
    zone: zoneOf(v.TZ) ?? systemZone(),
    logLevel: v.logLevel,
    webhook: webhookOf(v, random),
    adminChatId: v.ADMIN_CHAT_ID?.trim() ? Number(v.ADMIN_CHAT_ID.trim()) : undefined,
  };
}

/**
 * Builds the configuration from environment variables and command-line options (options win; --tz
 * wins over TZ, --webhook-secret over WEBHOOK_SECRET). Pure but for `random`, called for a webhook
 * secret when none is given. Throws ConfigError listing every problem as `NAME: message`.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: CommonOptions & WebhookCliOptions,
  needs: Needs,
  cwd: string,
  random: () => string = randomSecret,
): Config {
  const input: ConfigInput = {
    BOT_TOKEN: env.BOT_TOKEN,
    CHAT_ID: env.CHAT_ID,
    ADMIN_CHAT_ID: env.ADMIN_CHAT_ID || undefined,
    TELEGRAM_API_ROOT: env.TELEGRAM_API_ROOT || DEFAULT_API_ROOT,
    TZ: options.tz ?? env.TZ,
    WEBHOOK_SECRET: env.WEBHOOK_SECRET || undefined,
    dataDir: options.dataDir,
    assetsDir: options.assetsDir,
    linksDir: options.linksDir,
    logLevel: logLevelOf(options),
    webhookUrl: options.webhookUrl,
    port: options.port,
    webhookSecret: options.webhookSecret,
    host: options.host,
  };
  const problems: Array<[string, string]> = [];
  configIssues(input, needs, (key, message) => problems.push([key, message]));
  if (problems.length === 0) return configOf(input, cwd, random);
  const names: Record<string, string> = {
    TZ: options.tz !== undefined ? '--tz' : 'TZ',
    webhookUrl: '--webhook-url',
    port: '--port',
    webhookSecret: '--webhook-secret',
    host: '--host',
  };
  throw new ConfigError(problems.map(([key, message]) => `${names[key] ?? key}: ${message}`));
}

/** tg-handler's options for personal links and the check before approval (commander's camelCase names). */
export interface ReviewCliOptions {
  maxMembers?: string | undefined;
  checkRequester?: boolean | undefined;
  checkTimeout?: string | undefined;
}

/** The same, read: a default limit for registry rows with a blank max_members, and the check. */
export interface ReviewOptions {
  maxMembers: number | undefined;
  checkRequester: boolean;
  checkTimeoutMs: number;
}

/** --check-timeout's default: 10 minutes. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10 * 60 * 1000;

/** Reads --max-members, --check-requester and --check-timeout. Pure. Throws ConfigError listing every problem. */
export function parseReviewOptions(options: ReviewCliOptions): ReviewOptions {
  const problems: string[] = [];
  const max = options.maxMembers?.trim();
  if (max !== undefined && !(/^\d{1,9}$/.test(max) && Number(max) >= 1)) problems.push(`--max-members: "${options.maxMembers}" must be a whole number of people, 1 or more (1 makes every link personal)`);
  let checkTimeoutMs = DEFAULT_CHECK_TIMEOUT_MS;
  if (options.checkTimeout !== undefined) {
    const ms = parseDuration(options.checkTimeout);
    if (ms === null || ms < 1000 || ms > 24 * 3600 * 1000) problems.push(`--check-timeout: "${options.checkTimeout}" must be a duration from 1s to 24h, e.g. 90s, 10m or 1h`);
    else checkTimeoutMs = ms;
    if (options.checkRequester !== true) problems.push('--check-timeout: only makes sense with --check-requester');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { maxMembers: max === undefined ? undefined : Number(max), checkRequester: options.checkRequester === true, checkTimeoutMs };
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
