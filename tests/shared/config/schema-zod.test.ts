import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { configIssues, configOf, DEFAULT_API_ROOT, parseConfig, type Needs } from '../../../src/shared/config/schema.js';
import type { WebhookCliOptions } from '../../../src/shared/config/webhook.js';
import type { CommonOptions } from '../../../src/shared/config/schema.js';
import { logLevelOf } from '../../../src/shared/cli/cli.js';
import { ConfigError } from '../../../src/shared/errors.js';

/**
 * parseConfig as it was with its zod schema (the shape and the error mapping copied from before the
 * checks were written out), so that the written-out path is held to the same values and messages.
 */
function parseConfigThroughZod(env: Record<string, string | undefined>, options: CommonOptions & WebhookCliOptions, needs: Needs, cwd: string, random: () => string): unknown {
  const schema = z
    .object({
      BOT_TOKEN: z.string().optional(),
      CHAT_ID: z.string().optional(),
      ADMIN_CHAT_ID: z.string().optional(),
      TELEGRAM_API_ROOT: z.string().default(DEFAULT_API_ROOT),
      TZ: z.string().optional(),
      WEBHOOK_SECRET: z.string().optional(),
      dataDir: z.string().optional(),
      assetsDir: z.string().optional(),
      linksDir: z.string().optional(),
      logLevel: z.enum(['quiet', 'normal', 'verbose']),
      webhookUrl: z.string().optional(),
      port: z.string().optional(),
      webhookSecret: z.string().optional(),
      host: z.string().optional(),
    })
    .superRefine((v, ctx) => configIssues(v, needs, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message })))
    .transform((v) => configOf(v, cwd, random));
  const result = schema.safeParse({
    BOT_TOKEN: env.BOT_TOKEN,
    CHAT_ID: env.CHAT_ID,
    ADMIN_CHAT_ID: env.ADMIN_CHAT_ID || undefined,
    TELEGRAM_API_ROOT: env.TELEGRAM_API_ROOT || undefined,
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
  });
  if (result.success) return { config: result.data };
  const names: Record<string, string> = { TZ: options.tz !== undefined ? '--tz' : 'TZ', webhookUrl: '--webhook-url', port: '--port', webhookSecret: '--webhook-secret', host: '--host' };
  return { problems: result.error.issues.map((issue) => `${names[String(issue.path[0] ?? 'config')] ?? String(issue.path[0] ?? 'config')}: ${issue.message}`) };
}

function written(env: Record<string, string | undefined>, options: CommonOptions & WebhookCliOptions, needs: Needs, cwd: string, random: () => string): unknown {
  try {
    return { config: parseConfig(env, options, needs, cwd, random) };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('parseConfig without zod', () => {
  const envs: Array<Record<string, string | undefined>> = [
    {},
    { BOT_TOKEN: TOKEN, CHAT_ID: '-1001234567890', TZ: 'Europe/Berlin' },
    { BOT_TOKEN: ` ${TOKEN} `, CHAT_ID: '@group_name', ADMIN_CHAT_ID: '12345', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081///', TZ: 'UTC' },
    { BOT_TOKEN: '123:short', CHAT_ID: '-1.00123E+12', ADMIN_CHAT_ID: '@admins', TELEGRAM_API_ROOT: 'ftp://x', TZ: 'Mars/Olympus' },
    { BOT_TOKEN: TOKEN, CHAT_ID: TOKEN, ADMIN_CHAT_ID: 'x', TZ: ':/etc/localtime', WEBHOOK_SECRET: 'bad secret!' },
    { BOT_TOKEN: '', CHAT_ID: '', ADMIN_CHAT_ID: '', TELEGRAM_API_ROOT: '', TZ: '', WEBHOOK_SECRET: '' },
    { BOT_TOKEN: TOKEN, CHAT_ID: '-100', TZ: 'Asia/Calcutta', WEBHOOK_SECRET: 'from_env-1' },
  ];
  const options: Array<CommonOptions & WebhookCliOptions> = [
    {},
    { dataDir: 'd', assetsDir: '/abs/a', linksDir: '../l', tz: 'America/New_York', verbose: true },
    { quiet: true, tz: 'Not/AZone' },
    { webhookUrl: 'https://bot.example.org/hook?x=1', port: '8443', host: '0.0.0.0', webhookSecret: 'abc_DEF-123' },
    { webhookUrl: 'http://bot.example.org/hook', port: '70000', host: 'not a host' },
    { webhookSecret: 's', host: '127.0.0.1' },
    { port: '8080' },
  ];
  const needsAll: Needs[] = [{ token: true, chat: true }, { token: false, chat: false }, { token: true, chat: false }];

  it('gives the values and messages the zod schema gave, for every mix of settings', () => {
    let cases = 0;
    let failing = 0;
    for (const env of envs) {
      for (const option of options) {
        for (const needs of needsAll) {
          const random = () => 'random-secret';
          const before = parseConfigThroughZod(env, option, needs, '/srv/app', random);
          expect([env, option, needs, written(env, option, needs, '/srv/app', random)]).toEqual([env, option, needs, before]);
          cases++;
          if ('problems' in (before as object)) failing++;
        }
      }
    }
    // Both outcomes are covered, many times each.
    expect(cases).toBe(envs.length * options.length * needsAll.length);
    expect(failing).toBeGreaterThan(50);
    expect(cases - failing).toBeGreaterThan(10);
  });
});
