import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../../src/emulator/index.js';
import { createLogger, looksLikeToken, redact, writesToJournal, type LoggerOptions } from '../../../src/shared/cli/log.js';
import { BIN, cliEnv, INVITE_HEADER, startEmulator, Workspace } from '../../get-exec/helpers.js';
import { REPO_ROOT } from '../../support/tmp.js';

const TOKEN = '123456789:AAExampleExampleExampleExample_abc';

/** Every line a logger wrote, stdout and stderr in order. */
function capture(options: LoggerOptions) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, out: (l) => lines.push(`out ${l}`), err: (l) => lines.push(`err ${l}`) });
  return { logger, lines };
}

describe('the journal layout', () => {
  it('puts the syslog priority in front of each line and no time of its own', () => {
    const { logger, lines } = capture({ journal: true, level: 'verbose', now: () => new Date('2026-01-05T09:00:00Z') });
    logger.error('failed');
    logger.warn('look at this');
    logger.info('done');
    logger.debug('detail');
    expect(lines).toEqual(['err <3>error: failed', 'err <4>warning: look at this', 'out <6>done', 'out <7>debug: detail']);
  });

  it('prefixes every line of a message with several, since journald makes each line an entry', () => {
    const { logger, lines } = capture({ journal: true });
    logger.error('first\nsecond');
    expect(lines).toEqual(['err <3>error: first\n<3>second']);
  });

  it('still hides the token, in plain and URL form', () => {
    const { logger, lines } = capture({ journal: true, secrets: [TOKEN] });
    logger.warn(`token ${TOKEN} at https://api.telegram.org/bot999:XYZ_other-token/getMe`);
    expect(lines).toEqual(['err <4>warning: token <redacted> at https://api.telegram.org/bot<redacted>/getMe']);
  });

  it('respects the level: quiet hides info, only verbose shows debug', () => {
    const { logger, lines } = capture({ journal: true, level: 'quiet' });
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines).toEqual(['err <4>warning: shown']);
  });
});

describe('the terminal layout', () => {
  it('writes the local time in the configured zone, as the data files write times', () => {
    const winter = capture({ zone: 'Europe/Berlin', now: () => new Date('2026-01-05T09:00:00Z') });
    winter.logger.info('posted');
    winter.logger.error('failed');
    const summer = capture({ zone: 'Europe/Berlin', now: () => new Date('2026-07-05T09:00:07Z') });
    summer.logger.info('posted');
    const ny = capture({ zone: 'America/New_York', now: () => new Date('2026-01-05T04:30:00Z') });
    ny.logger.warn('late');
    expect([...winter.lines, ...summer.lines, ...ny.lines]).toEqual([
      'out 2026-01-05 10:00:00 posted',
      'err 2026-01-05 10:00:00 error: failed',
      'out 2026-07-05 11:00:07 posted',
      'err 2026-01-04 23:30:00 warning: late',
    ]);
  });

  it('takes the terminal layout when JOURNAL_STREAM names no stream of this process', () => {
    const { logger, lines } = capture({ env: { JOURNAL_STREAM: '1:1' }, zone: 'UTC', now: () => new Date('2026-01-05T09:00:00Z') });
    logger.info('x');
    expect(lines).toEqual(['out 2026-01-05 09:00:00 x']);
  });

  it('writes the same time from the process zone (TZ) as through Intl, across summer-time changes', async () => {
    // A real process each (jest's sandbox does not change the zone when TZ is set): the logger of
    // the built module, zone Europe/Berlin, once with TZ the same (the Date's own fields) and once
    // with TZ=UTC (Intl). Every 97 minutes through 2026, and each second around Berlin's two changes.
    const script = `
      const { createLogger } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'shared', 'cli', 'log.js'))});
      const moments = [];
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 97 * 60000) moments.push(t);
      for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) for (let t = change - 3000; t <= change + 3000; t += 1000) moments.push(t);
      let at = 0;
      const lines = [];
      const logger = createLogger({ zone: 'Europe/Berlin', now: () => new Date(at), out: (line) => lines.push(line) });
      for (const t of moments) { at = t; logger.info('x'); }
      process.stdout.write(JSON.stringify(lines));`;
    const run = (tz: string) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', TZ: tz }, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`exit ${code}`))));
      });
    const [fromTz, throughIntl] = await Promise.all([run('Europe/Berlin'), run('UTC')]);
    expect(fromTz.length).toBeGreaterThan(5_000);
    expect(fromTz).toEqual(throughIntl);
    expect(fromTz).toContain('2026-03-29 03:00:00 x');
    expect(fromTz).toContain('2026-10-25 02:59:59 x');
  });

  it('drops the time when asked (timestamps: false) and hides the token', () => {
    const { logger, lines } = capture({ timestamps: false, secrets: [TOKEN] });
    logger.info(`with ${TOKEN}`);
    expect(lines).toEqual(['out with <redacted>']);
  });

  it('still writes a line when the zone is unknown', () => {
    const { logger, lines } = capture({ zone: 'Mars/Olympus', now: () => new Date('2026-01-05T09:00:00Z') });
    logger.info('x');
    expect(lines).toEqual([expect.stringMatching(/^out \d{4}-\d\d-\d\d \d\d:\d\d:\d\d x$/)]);
  });
});

describe('writesToJournal', () => {
  it('is true only when JOURNAL_STREAM is the device:inode of one of the given streams', () => {
    const fd = openSync(path.join(REPO_ROOT, 'package.json'), 'r');
    try {
      const stat = fstatSync(fd, { bigint: true });
      expect(writesToJournal({ JOURNAL_STREAM: `${stat.dev}:${stat.ino}` }, [fd])).toBe(true);
      expect(writesToJournal({ JOURNAL_STREAM: `${stat.dev}:${stat.ino + 1n}` }, [fd])).toBe(false);
      expect(writesToJournal({}, [fd])).toBe(false);
      expect(writesToJournal({ JOURNAL_STREAM: '' }, [fd])).toBe(false);
    } finally {
      closeSync(fd);
    }
  });
});

describe('tg-get under systemd and from cron (the real bin)', () => {
  let emu: BotApiEmulator;
  let ws: Workspace;
  beforeAll(async () => {
    emu = await startEmulator();
    ws = new Workspace({ invites: `${INVITE_HEADER}\nbad-row\tx@example.org\tLINKS\t\t\t\t\tnot a date\n` });
  });
  afterAll(async () => {
    await emu.stop();
    ws.remove();
  });

  /** Runs tg-get with stdout and stderr on one file, as systemd hands a service one journal stream. */
  async function runToFile(name: string, env: (stream: string) => Record<string, string>): Promise<string[]> {
    const file = ws.path(name);
    const fd = openSync(file, 'w');
    const stat = fstatSync(fd, { bigint: true });
    const child = spawn(process.execPath, [BIN, 'links', '--verbose'], { cwd: ws.dir, env: { ...cliEnv({ cwd: ws.dir, emu }), ...env(`${stat.dev}:${stat.ino}`) }, stdio: ['ignore', fd, fd] });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    closeSync(fd);
    expect(code).toBe(1);
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  }

  it('with JOURNAL_STREAM naming its output: a priority per line, no time, and no token', async () => {
    const lines = await runToFile('journal.log', (stream) => ({ JOURNAL_STREAM: stream }));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^<[3467]>/);
    expect(lines).toContainEqual(expect.stringMatching(/^<3>error: data\/invite_data\.txt:2:\d+ \(dt_expire\): "not a date" is not a date/));
    expect(lines.at(-1)).toMatch(/^<6>0 links made, .* failed$/);
    expect(lines.join('\n')).not.toContain(emu.token);
  });

  it('from cron (no journal): the local time in TZ on every line', async () => {
    const lines = await runToFile('cron.log', () => ({ TZ: 'Asia/Kolkata' }));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /);
    // Kolkata is UTC+5:30 all year: read back as such, the last line's time is (about) now.
    const [, y, mo, d, h, mi, sec] = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) /.exec(lines.at(-1)!)!.map(Number);
    const written = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!) - 5.5 * 3600_000;
    expect(Math.abs(Date.now() - written)).toBeLessThan(120_000);
  });
});

describe('redact (#11.11)', () => {
  it('hides a known token as typed, URL-encoded in either case, encoded twice, and its secret half alone', () => {
    const half = TOKEN.slice(TOKEN.indexOf(':') + 1);
    const text = `a ${TOKEN} b ${TOKEN.replace(':', '%3A')} c ${TOKEN.replace(':', '%3a')} d ${TOKEN.replace(':', '%253A')} e ${half} f`;
    expect(redact(text, [TOKEN])).toBe('a <redacted> b <redacted> c <redacted> d <redacted> e <redacted> f');
  });

  it('hides anything shaped like a token even when not told about it, in a URL or not, typed or encoded', () => {
    const other = '987654321:ZZother-bot-token_0123456789abc';
    expect(redact(`GET /bot${other.replace(':', '%3A')}/getMe and ${other} and ${other.replace(':', '%3a')}`)).toBe('GET /bot<redacted>/getMe and <redacted> and <redacted>');
    expect(looksLikeToken(other.replace(':', '%3A'))).toBe(true);
    // Encoded twice, in lower case, in a line that has digits elsewhere (the pre-check's case).
    expect(redact(`join request: user 2000000001 (@guest_1) via ${other.replace(':', '%253a')}`)).toBe('join request: user 2000000001 (@guest_1) via <redacted>');
  });

  it('leaves ordinary text alone: times, positions, invite links', () => {
    const text = '2026-01-05 10:00:02 data/invite_data.txt:17:5 https://t.me/+AbCdEfGhIjKlMnOp 12:30';
    expect(redact(text, [TOKEN])).toBe(text);
  });
});
