import { describe, expect, it } from '@jest/globals';
import { mergeDotEnv, parseChatId, parseConfig, parseReviewOptions } from '../../../src/shared/config/schema.js';
import { ConfigError } from '../../../src/shared/errors.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const both = { token: true, chat: true };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the defaults and resolves folders against the working directory', () => {
    const config = parseConfig({ BOT_TOKEN: TOKEN, CHAT_ID: '-1001234567890', TZ: 'Europe/Berlin' }, {}, both, '/srv/app');
    expect(config).toEqual({
      token: TOKEN,
      chatId: -1001234567890,
      apiRoot: 'https://api.telegram.org',
      dataDir: '/srv/app/data',
      assetsDir: '/srv/app/assets',
      linksDir: '/srv/app/LINKS',
      zone: 'Europe/Berlin',
      logLevel: 'normal',
    });
  });

  it('lets options win: folders, --tz over TZ, --quiet', () => {
    const config = parseConfig(
      { BOT_TOKEN: TOKEN, CHAT_ID: '@my_group', TZ: 'UTC', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' },
      { dataDir: '/d', assetsDir: 'a', linksDir: 'l', tz: 'Asia/Tokyo', quiet: true },
      both,
      '/w',
    );
    expect(config.chatId).toBe('@my_group');
    expect(config.apiRoot).toBe('http://127.0.0.1:8081');
    expect([config.dataDir, config.assetsDir, config.linksDir, config.zone, config.logLevel]).toEqual(['/d', '/w/a', '/w/l', 'Asia/Tokyo', 'quiet']);
  });

  it('reports every problem at once, one line each, naming the setting and the fix', () => {
    expect(problems(() => parseConfig({ TELEGRAM_API_ROOT: 'ftp://x', TZ: 'Mars/Olympus' }, {}, both, '/w'))).toEqual([
      'BOT_TOKEN: is not set; put the token @BotFather gave you in BOT_TOKEN (environment or .env) or pass --token-file PATH',
      'CHAT_ID: is not set; set CHAT_ID to the group id (e.g. -1001234567890) or @groupname (see "Find CHAT_ID" in the README)',
      'TELEGRAM_API_ROOT: "ftp://x" is not an http(s) URL; leave it unset for https://api.telegram.org',
      'TZ: "Mars/Olympus" is not a time zone; use an IANA name such as Europe/Berlin or UTC',
    ]);
  });

  it('never echoes a malformed token', () => {
    const bad = '123456789:short token with spaces';
    const lines = problems(() => parseConfig({ BOT_TOKEN: bad, CHAT_ID: '-100' }, {}, both, '/w'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^BOT_TOKEN: does not look like a bot token/);
    expect(lines.join('\n')).not.toContain('short token');
  });

  it('explains a chat id mangled by a spreadsheet', () => {
    expect(problems(() => parseConfig({ BOT_TOKEN: TOKEN, CHAT_ID: '-1,00E+12' }, {}, both, '/w'))).toEqual([
      'CHAT_ID: "-1,00E+12" looks mangled by a spreadsheet (scientific notation); write the full id, e.g. -1001234567890, or @groupname',
    ]);
  });

  it('takes a TZ that names a zone file as the system zone', () => {
    const config = parseConfig({ TZ: ':/etc/localtime' }, {}, { token: false, chat: false }, '/w');
    expect(config.zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('asks only for what the command needs, and names --tz when it came from there', () => {
    expect(parseConfig({}, {}, { token: false, chat: false }, '/w').token).toBe('');
    expect(problems(() => parseConfig({}, { tz: 'Nowhere' }, { token: false, chat: false }, '/w'))).toEqual([
      '--tz: "Nowhere" is not a time zone; use an IANA name such as Europe/Berlin or UTC',
    ]);
  });
});

describe('parseChatId', () => {
  it.each([
    ['-1001234567890', -1001234567890],
    ['@club_name', '@club_name'],
    [' 42 ', 42],
    ['-1,00E+12', null],
    ['@ab', null],
    ['', null],
    ['99999999999999999999', null],
  ])('%j -> %j', (input, expected) => {
    expect(parseChatId(input)).toBe(expected);
  });
});

describe('mergeDotEnv', () => {
  it('fills unset variables from .env; the real environment wins', () => {
    const merged = mergeDotEnv({ CHAT_ID: '-1', EMPTY: undefined }, '# comment\nBOT_TOKEN="from-file"\nCHAT_ID=-2\n');
    expect(merged.BOT_TOKEN).toBe('from-file');
    expect(merged.CHAT_ID).toBe('-1');
  });

  it('is a no-op without a file', () => {
    expect(mergeDotEnv({ A: 'b' }, null)).toEqual({ A: 'b' });
  });
});

describe('ADMIN_CHAT_ID', () => {
  it('is optional, and a number: a group of admins or an admin\'s private chat', () => {
    expect(parseConfig({ BOT_TOKEN: TOKEN }, {}, { token: true, chat: false }, '/w').adminChatId).toBeUndefined();
    expect(parseConfig({ BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: ' -1005550001 ' }, {}, { token: true, chat: false }, '/w').adminChatId).toBe(-1005550001);
    expect(parseConfig({ BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: '1900' }, {}, { token: true, chat: false }, '/w').adminChatId).toBe(1900);
  });

  it('names a malformed value and says what it must be', () => {
    for (const bad of ['@admins', '-1.0055e+12', 'admins']) {
      expect(problems(() => parseConfig({ BOT_TOKEN: TOKEN, ADMIN_CHAT_ID: bad }, {}, { token: true, chat: false }, '/w'))).toEqual([expect.stringMatching(/^ADMIN_CHAT_ID: ".*" must be the numeric id of the admins' chat/)]);
    }
  });
});

describe('parseReviewOptions', () => {
  it('reads --max-members, --check-requester and --check-timeout (default 10 minutes)', () => {
    expect(parseReviewOptions({})).toEqual({ maxMembers: undefined, checkRequester: false, checkTimeoutMs: 600_000 });
    expect(parseReviewOptions({ maxMembers: '1', checkRequester: true, checkTimeout: '90s' })).toEqual({ maxMembers: 1, checkRequester: true, checkTimeoutMs: 90_000 });
    expect(problems(() => parseReviewOptions({ maxMembers: '0', checkTimeout: 'soon' }))).toEqual([
      '--max-members: "0" must be a whole number of people, 1 or more (1 makes every link personal)',
      '--check-timeout: "soon" must be a duration from 1s to 24h, e.g. 90s, 10m or 1h',
      '--check-timeout: only makes sense with --check-requester',
    ]);
  });
});
