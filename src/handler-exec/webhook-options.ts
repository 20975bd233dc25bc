/**
 * The optional webhook mode's settings: where Telegram posts updates (the public URL a reverse proxy
 * forwards to our port) and the secret token Telegram sends back in a header, checked on every post.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../shared/errors.js';

export interface WebhookOptions {
  /** The URL given to setWebhook, as the admin wrote it. */
  url: string;
  /** The path our server answers on: the URL's path, which the proxy must keep. */
  path: string;
  port: number;
  /** 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule). */
  secret: string;
}

const SECRET = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Checks --webhook-url, --port and --webhook-secret (else WEBHOOK_SECRET, else a random secret for
 * this start). Returns undefined for long polling (neither URL nor port given). Pure except for the
 * random secret. Throws ConfigError listing every problem.
 */
export function parseWebhookOptions(
  options: { webhookUrl?: string | undefined; port?: string | undefined; webhookSecret?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  random: () => string = () => randomBytes(32).toString('base64url'),
): WebhookOptions | undefined {
  const problems: string[] = [];
  if (options.webhookUrl === undefined && options.port === undefined) {
    if (options.webhookSecret !== undefined) problems.push('--webhook-secret: only makes sense with --webhook-url and --port');
    if (problems.length > 0) throw new ConfigError(problems);
    return undefined;
  }
  let url: URL | undefined;
  if (options.webhookUrl === undefined) {
    problems.push('--webhook-url: is missing; webhook mode needs the public https URL Telegram posts to (e.g. https://bot.example.org/tg-hook)');
  } else {
    try {
      url = new URL(options.webhookUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
    } catch {
      problems.push(`--webhook-url: "${options.webhookUrl}" is not an http(s) URL; give the public https URL Telegram posts to`);
      url = undefined;
    }
  }
  const port = Number(options.port);
  if (options.port === undefined) problems.push('--port: is missing; webhook mode needs the local port the reverse proxy forwards to');
  else if (!/^\d+$/.test(options.port) || !Number.isInteger(port) || port < 1 || port > 65535) problems.push(`--port: "${options.port}" is not a port number (1-65535)`);
  const secret = options.webhookSecret ?? (env.WEBHOOK_SECRET || undefined) ?? random();
  if (!SECRET.test(secret)) {
    const from = options.webhookSecret !== undefined ? '--webhook-secret' : 'WEBHOOK_SECRET';
    problems.push(`${from}: must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule); leave it unset for a random one per start`);
  }
  if (problems.length > 0 || url === undefined) throw new ConfigError(problems);
  return { url: url.href, path: `${url.pathname}${url.search}`, port, secret };
}
