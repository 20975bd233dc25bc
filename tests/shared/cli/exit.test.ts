/**
 * The one table from what a program threw to its exit code and message (src/shared/cli/exit.ts), and
 * the README's "Exit codes" section that describes it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { TelegramError } from 'telegraf';
import { EXIT_ADMIN, EXIT_BUG, EXIT_FAILED, EXIT_OK, EXIT_TABLE, isBug, reportFailure, runCode, verdictOf } from '../../../src/shared/cli/exit.js';
import { BugError, ConfigError, DataFileError, DataFileMissingError, ExitError, LockBusyError } from '../../../src/shared/errors.js';
import { NetworkError } from '../../../src/shared/telegram/errors.js';
import { REPO_ROOT } from '../../support/tmp.js';

const refusal = (code: number, description: string, method: string) => new TelegramError({ error_code: code, description }, { method, payload: {} });
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('verdictOf', () => {
  it('gives an admin\'s fix 2: settings (every problem), a data file the program cannot use, the fatal refusals', () => {
    expect(verdictOf(new ConfigError(['BOT_TOKEN: is not set', 'TZ: "x" is not a time zone']))).toEqual({ code: EXIT_ADMIN, lines: ['BOT_TOKEN: is not set', 'TZ: "x" is not a time zone'] });
    expect(verdictOf(new DataFileError({ file: 'data/responde_data.txt', line: 1, column: 1 }, 'the header has no column "id_link"'))).toEqual({ code: EXIT_ADMIN, lines: ['data/responde_data.txt:1:1: the header has no column "id_link"'] });
    expect(verdictOf(new DataFileMissingError('data/invite_data.txt', 'the registry of invitees'))).toEqual({ code: EXIT_ADMIN, lines: ['data/invite_data.txt: file not found; the registry of invitees'] });
    expect(verdictOf(refusal(401, 'Unauthorized', 'getMe'))).toEqual({ code: EXIT_ADMIN, lines: [expect.stringMatching(/401 Unauthorized\): check BOT_TOKEN/)] });
    expect(verdictOf(refusal(409, 'Conflict', 'getUpdates')).code).toBe(EXIT_ADMIN);
    expect(verdictOf(refusal(404, 'Not Found', 'getMe')).code).toBe(EXIT_ADMIN);
  });

  it('gives what may pass 1: another refusal (with its method), the network, a held lock; an ExitError its own code', () => {
    expect(verdictOf(refusal(400, 'Bad Request: bad webhook', 'setWebhook'))).toEqual({ code: EXIT_FAILED, lines: ['Telegram refused setWebhook (400: Bad Request: bad webhook)'] });
    expect(verdictOf(new NetworkError('getMe', false, new Error('connect ECONNREFUSED')))).toEqual({
      code: EXIT_FAILED,
      lines: ['getMe: could not reach Telegram: connect ECONNREFUSED; check the network and TELEGRAM_API_ROOT, then start again'],
    });
    expect(verdictOf(new LockBusyError('data/invite_data.txt')).code).toBe(EXIT_FAILED);
    expect(verdictOf(new ExitError(1, 'cannot write the HTML report'))).toEqual({ code: 1, lines: ['cannot write the HTML report'] });
  });

  it('gives anything else 70, as a bug, with the stack of what was thrown', () => {
    const thrown = new TypeError('x is not a function');
    const plain = verdictOf(thrown);
    expect(plain).toEqual({ code: EXIT_BUG, lines: [expect.stringMatching(/^bug: x is not a function/)], stack: thrown.stack });
    const wrapped = verdictOf(new BugError(thrown, 42));
    expect(wrapped).toEqual({ code: EXIT_BUG, lines: [expect.stringMatching(/^bug: update 42: x is not a function/)], stack: thrown.stack });
    expect(verdictOf('a string')).toEqual({ code: EXIT_BUG, lines: [expect.stringMatching(/^bug: a string/)] });
    expect([isBug(thrown), isBug(new ConfigError(['x'])), isBug(refusal(400, 'x', 'sendMessage'))]).toEqual([true, false, false]);
  });
});

describe('reportFailure', () => {
  it('prints each line after "error: ", the stack once, and never the token', () => {
    const err: string[] = [];
    const code = reportFailure(new Error(`fetch https://api.telegram.org/bot${TOKEN}/getMe failed`), { err: (l) => err.push(l) }, [TOKEN]);
    expect(code).toBe(EXIT_BUG);
    expect(err[0]).toMatch(/^error: bug: fetch https:\/\/api\.telegram\.org\/bot<redacted>\/getMe failed/);
    expect(err).toHaveLength(2);
    expect(err[1]).toMatch(/^Error: fetch .*\n\s+at /);
    expect(err.join('\n')).not.toContain(TOKEN.split(':')[1]);
  });
});

describe('runCode', () => {
  it('is the worst of the rows, a stop and the files a step could not use', () => {
    const none = { rowsFailed: 0, stopped: false, unusable: [] };
    expect(runCode(none)).toBe(EXIT_OK);
    expect(runCode({ ...none, rowsFailed: 3 })).toBe(EXIT_FAILED);
    expect(runCode({ ...none, stopped: true })).toBe(EXIT_FAILED);
    expect(runCode({ ...none, rowsFailed: 1, unusable: [new DataFileMissingError('data/text_schedule.txt', 'the posts')] })).toBe(EXIT_ADMIN);
  });
});

describe('the README', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 1));

  it('has an "Exit codes" section naming every code and every error class of the table', () => {
    expect(section.length).toBeGreaterThan(100);
    for (const code of [EXIT_OK, EXIT_FAILED, EXIT_ADMIN, EXIT_BUG]) expect(section).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    const classes = EXIT_TABLE.flatMap((rule) => rule.what.split(':')[0]!.split(', '));
    for (const name of [...new Set(classes), 'BugError']) expect(section).toContain(name);
  });
});
