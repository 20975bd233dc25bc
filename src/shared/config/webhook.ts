/**
 * tg-handler's webhook mode in the configuration: its options, their checks (inside the one config
 * schema, schema.ts) and what they become. Telegram posts updates only to https; a self-hosted Bot
 * API server may post to http.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { quote } from '../quote.js';
import { DEFAULT_API_ROOT } from './schema.js';

/** tg-handler's webhook options (commander's camelCase names); neither URL nor port means long polling. */
export interface WebhookCliOptions {
  webhookUrl?: string | undefined;
  port?: string | undefined;
  webhookSecret?: string | undefined;
  host?: string | undefined;
}

/** Where the webhook server listens unless --host says otherwise: only the reverse proxy on this machine reaches it. */
export const DEFAULT_WEBHOOK_HOST = '127.0.0.1';

/** The optional webhook mode: where Telegram posts updates (the public URL a reverse proxy forwards to our port). */
export interface WebhookOptions {
  /** The URL given to setWebhook, as the admin wrote it. */
  url: string;
  /** The path our server answers on: the URL's path, which the proxy must keep. */
  path: string;
  port: number;
  /** The interface the server listens on (--host); absent means DEFAULT_WEBHOOK_HOST. */
  host?: string;
  /** The secret token Telegram sends back in a header on every post: 1-256 of A-Z a-z 0-9 _ - (Telegram's rule). */
  secret: string;
}

const SECRET = /^[A-Za-z0-9_-]{1,256}$/;

/** A random webhook secret for this start: 43 characters of base64url. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** True for an http:// or https:// URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Reports one problem of the configuration, under the setting's name. */
export type Issue = (path: string, message: string) => void;

/** --webhook-url, --port and the secret (--webhook-secret, else WEBHOOK_SECRET, else random per start). */
export function checkWebhook(v: WebhookCliOptions & { WEBHOOK_SECRET?: string | undefined; TELEGRAM_API_ROOT: string }, issue: Issue): void {
  if (v.webhookUrl === undefined && v.port === undefined) {
    if (v.webhookSecret !== undefined) issue('webhookSecret', 'only makes sense with --webhook-url and --port');
    if (v.host !== undefined) issue('host', 'only makes sense with --webhook-url and --port');
    return;
  }
  if (v.webhookUrl === undefined) issue('webhookUrl', 'is missing; webhook mode needs the public https URL Telegram posts to (e.g. https://bot.example.org/tg-hook)');
  else if (!isHttpUrl(v.webhookUrl)) issue('webhookUrl', `${quote(v.webhookUrl)} is not an http(s) URL; give the public https URL Telegram posts to`);
  else if (new URL(v.webhookUrl).protocol === 'http:' && isTelegramItself(v.TELEGRAM_API_ROOT)) {
    issue('webhookUrl', `${quote(v.webhookUrl)} is http://; Telegram posts updates only to https:// URLs (your reverse proxy with its certificate), so no update would ever come; give the https URL`);
  }
  if (v.host !== undefined && !isHost(v.host)) issue('host', `${quote(v.host)} is not an address to listen on; give an IP address such as 127.0.0.1 or 0.0.0.0, or a host name`);
  const port = Number(v.port);
  if (v.port === undefined) issue('port', 'is missing; webhook mode needs the local port the reverse proxy forwards to');
  else if (!/^\d+$/.test(v.port) || !Number.isInteger(port) || port < 1 || port > 65535) issue('port', `${quote(v.port)} is not a port number (1-65535)`);
  const secret = v.webhookSecret ?? v.WEBHOOK_SECRET;
  if (secret !== undefined && !SECRET.test(secret)) {
    issue(v.webhookSecret !== undefined ? 'webhookSecret' : 'WEBHOOK_SECRET', "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule); leave it unset for a random one per start");
  }
}

/**
 * True when the Bot API server is Telegram's own, which posts only to https. A self-hosted Bot API
 * server (TELEGRAM_API_ROOT) may post to http and to any local address, as its documentation says.
 */
function isTelegramItself(apiRoot: string): boolean {
  try {
    return new URL(apiRoot).hostname === new URL(DEFAULT_API_ROOT).hostname;
  } catch {
    return false;
  }
}

function isHost(text: string): boolean {
  return isIP(text) !== 0 || /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(text);
}

export function webhookOf(v: WebhookCliOptions & { WEBHOOK_SECRET?: string | undefined }, random: () => string): WebhookOptions | undefined {
  if (v.webhookUrl === undefined || v.port === undefined) return undefined;
  const url = new URL(v.webhookUrl);
  const webhook = { url: url.href, path: `${url.pathname}${url.search}`, port: Number(v.port), secret: v.webhookSecret ?? v.WEBHOOK_SECRET ?? random() };
  return v.host === undefined ? webhook : { ...webhook, host: v.host };
}

