/** tg-handler's webhook settings, checked by the one configuration schema. */
import { describe, expect, test } from '@jest/globals';
import { parseConfig } from '../../../src/shared/config/schema.js';
import type { WebhookCliOptions } from '../../../src/shared/config/webhook.js';
import { ConfigError } from '../../../src/shared/errors.js';

/** The webhook part of the configuration tg-handler would get from these options and environment. */
const parseWebhookOptions = (options: WebhookCliOptions, env: Record<string, string>, random?: () => string) =>
  parseConfig(env, options, { token: false, chat: false }, '/w', random).webhook;

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('the webhook settings (parseConfig)', () => {
  test('no URL and no port: long polling', () => {
    expect(parseWebhookOptions({}, {})).toBeUndefined();
  });

  test('URL, port and secret', () => {
    expect(parseWebhookOptions({ webhookUrl: 'https://bot.example.org/tg-hook', port: '8443', webhookSecret: 'abc_DEF-123' }, {})).toEqual({
      url: 'https://bot.example.org/tg-hook',
      path: '/tg-hook',
      port: 8443,
      secret: 'abc_DEF-123',
    });
  });

  test('the secret comes from WEBHOOK_SECRET, else is random per start', () => {
    expect(parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80' }, { WEBHOOK_SECRET: 'fromEnv' })?.secret).toBe('fromEnv');
    expect(parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80' }, {}, () => 'RANDOM')?.secret).toBe('RANDOM');
    const a = parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80' }, {})?.secret;
    const b = parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80' }, {})?.secret;
    expect(a).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(a).not.toBe(b);
  });

  test('every problem is reported at once', () => {
    const found = problems(() => parseWebhookOptions({ webhookUrl: 'ftp://x', port: '99999', webhookSecret: 'has space' }, {}));
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^--webhook-url: "ftp:\/\/x" is not an http\(s\) URL/);
    expect(found[1]).toMatch(/^--port: "99999" is not a port number/);
    expect(found[2]).toMatch(/^--webhook-secret: must be 1-256 characters/);
  });

  test('URL without port, port without URL, secret alone', () => {
    expect(problems(() => parseWebhookOptions({ webhookUrl: 'https://x.org/h' }, {}))).toEqual([expect.stringMatching(/^--port: is missing/)]);
    expect(problems(() => parseWebhookOptions({ port: '8080' }, {}))).toEqual([expect.stringMatching(/^--webhook-url: is missing/)]);
    expect(problems(() => parseWebhookOptions({ webhookSecret: 'abc' }, {}))).toEqual([expect.stringMatching(/^--webhook-secret: only makes sense/)]);
  });

  test('are checked with the other settings: every problem of both in one ConfigError', () => {
    const found = problems(() => parseConfig({ TZ: 'Mars/Olympus', WEBHOOK_SECRET: 'has space' }, { webhookUrl: 'https://x.org/h', port: '0' }, { token: true, chat: false }, '/w'));
    expect(found).toEqual([
      expect.stringMatching(/^BOT_TOKEN: is not set/),
      expect.stringMatching(/^TZ: "Mars\/Olympus" is not a time zone/),
      expect.stringMatching(/^--port: "0" is not a port number/),
      expect.stringMatching(/^WEBHOOK_SECRET: must be 1-256 characters/),
    ]);
  });

  test('an http:// URL is refused for Telegram itself (it posts only to https), allowed for a self-hosted Bot API server', () => {
    expect(problems(() => parseWebhookOptions({ webhookUrl: 'http://bot.example.org/h', port: '8443' }, {}))).toEqual([
      expect.stringMatching(/^--webhook-url: "http:\/\/bot\.example\.org\/h" is http:\/\/; Telegram posts updates only to https:\/\/ URLs/),
    ]);
    expect(problems(() => parseWebhookOptions({ webhookUrl: 'http://bot.example.org/h', port: '8443' }, { TELEGRAM_API_ROOT: 'https://api.telegram.org/' }))).toHaveLength(1);
    expect(parseWebhookOptions({ webhookUrl: 'http://127.0.0.1:8443/h', port: '8443' }, { TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' })?.url).toBe('http://127.0.0.1:8443/h');
  });

  test('--host: an address to listen on, only with a webhook; absent means 127.0.0.1 (the server decides)', () => {
    expect(parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80', host: '0.0.0.0' }, {})?.host).toBe('0.0.0.0');
    expect(parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80', host: '::' }, {})?.host).toBe('::');
    expect(parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80' }, {})?.host).toBeUndefined();
    expect(problems(() => parseWebhookOptions({ webhookUrl: 'https://x.org/h', port: '80', host: 'not a host!' }, {}))).toEqual([expect.stringMatching(/^--host: "not a host!" is not an address to listen on/)]);
    expect(problems(() => parseWebhookOptions({ host: '0.0.0.0' }, {}))).toEqual([expect.stringMatching(/^--host: only makes sense with --webhook-url and --port/)]);
  });
});
