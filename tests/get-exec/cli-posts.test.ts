/**
 * tg-get posts, end to end against the Bot API emulator, on real files: the built CLI (runTgGet)
 * where the process matters (kills, signals, two runs at once, paths shown relative to the working
 * folder), else its `main` in this process (runMain), which spares a Node start per run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, LEGACY, PICTURE, runMain, runTgGet, SCHEDULE_HEADER, SHORT_BACKOFF, SHORT_LOCK_AGE, startEmulator, until, Workspace } from './helpers.js';

const SCHEDULE = 'data/text_schedule.txt';

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

function scheduleOf(rows: string[], eol = '\n'): string {
  return [SCHEDULE_HEADER, ...rows].join(eol) + eol;
}

const posts = () => emu.messages(GROUP);

describe('tg-get posts', () => {
  it('sends the due rows oldest first, marks them posted, and sends nothing twice', async () => {
    ws = new Workspace({
      schedule: scheduleOf(['2026.01.12 10:00\tSecond\t0002.png', '2026.01.05 10:00\tFirst\t0001.png', '2099.01.01 09:00\tFar future\t0003.png', '2026-01-20 08:00\tJust words\t']),
      assets: { '0001.png': PICTURE, '0002.png': PICTURE, '0003.png': PICTURE },
    });
    const first = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/0 links made, 0 QR codes written, 3 posts sent, 0 rows failed/);
    expect(posts().map((m) => [m.kind, m.caption ?? m.text])).toEqual([
      ['photo', 'First'],
      ['photo', 'Second'],
      ['text', 'Just words'],
    ]);
    expect(posts()[0]!.file!.bytes.equals(PICTURE)).toBe(true);

    const rows = ws.records(SCHEDULE);
    expect(rows.map((r) => r.post_status)).toEqual(['posted', 'posted', '', 'posted']);
    expect(rows[1]!.message_id).toBe(String(posts()[0]!.message_id));
    expect(rows[0]!.dt_posted).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(rows[2]!.dt_posted).toBe('');

    const before = ws.read(SCHEDULE);
    const second = await runTgGet(['posts', '--max-late', 'off', '--verbose'], { cwd: ws.dir, emu });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 posts sent/);
    expect(posts()).toHaveLength(3);
    expect(ws.read(SCHEDULE)).toBe(before);
  });

  it('posts the legacy schedule unchanged: CRLF kept, old desktop paths found in assets/ with a warning', async () => {
    ws = new Workspace({ assets: { '0001.jpg': PICTURE, '0002.jpg': PICTURE, '0003.jpg': PICTURE } });
    const legacy = readFileSync(path.join(LEGACY, 'text_schedule.txt'), 'utf8');
    writeFileSync(ws.path(SCHEDULE), legacy);
    const result = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, env: { HOME: '/nonexistent-home' } });
    expect(result.code).toBe(0);
    expect(result.stderr.match(/warning: data\/text_schedule\.txt:\d \(file_path\): \/nonexistent-home\/Desktop\/tg_repo\/000\d\.jpg does not exist; using assets\/000\d\.jpg instead/g)).toHaveLength(3);
    expect(posts()).toHaveLength(3);
    const text = ws.read(SCHEDULE);
    const lines = text.split('\r\n');
    const legacyLines = legacy.split('\r\n');
    expect(lines[0]).toBe(`${legacyLines[0]}\tpost_status\tdt_posted\tmessage_id`);
    for (let i = 1; i <= 3; i++) expect(lines[i]!.startsWith(`${legacyLines[i]}\tposted\t`)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('sends a long text whole: the picture with the start as caption, the rest in messages of at most 4096', async () => {
    const paragraph = (n: number) => Array.from({ length: 12 }, (_, i) => `Paragraph ${n}, sentence ${i}: bring a friend and use your own link.`).join(' ');
    const text = Array.from({ length: 12 }, (_, n) => paragraph(n)).join('\n\n');
    const cell = `"${text}"`; // a quoted cell may hold line breaks
    ws = new Workspace({ schedule: scheduleOf([`2026-01-01 10:00\t${cell}\tpic.png`]), assets: { 'pic.png': PICTURE } });
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    const sent = posts();
    expect(sent[0]!.kind).toBe('photo');
    expect(sent[0]!.caption!.length).toBeLessThanOrEqual(1024);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const m of sent.slice(1)) {
      expect(m.kind).toBe('text');
      expect(m.text!.length).toBeLessThanOrEqual(4096);
    }
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(sent.map((m) => m.caption ?? m.text).join(' '))).toEqual(words(text));
    const [row] = ws.records(SCHEDULE);
    expect(row!.post_status).toBe('posted');
    expect(row!.message_id).toBe(sent.map((m) => m.message_id).join(' '));
  });

  it('waits out a 429 for its retry_after and then posts once', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tHello\tpic.png']), assets: { 'pic.png': PICTURE } });
    emu.failNext('sendPhoto', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    const calls = emu.callsTo('sendPhoto');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(posts()).toHaveLength(1);
    expect(ws.records(SCHEDULE)[0]!.post_status).toBe('posted');
  });

  it('leaves a refused post due and sends the others; the next run sends it', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tOne\t', '2026-01-02 10:00\tTwo\t', '2026-01-03 10:00\tThree\t']) });
    // The second send is refused: let the first through, then queue the fault.
    void emu.waitForCall('sendMessage').then(() => emu.failNext('sendMessage', { kind: 'error', code: 400, description: 'Bad Request: something odd' }));
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/data\/text_schedule\.txt:3: not posted: Telegram refused sendMessage \(400: Bad Request: something odd\); the row stays due/);
    expect(result.stdout).toMatch(/2 posts sent, 1 row failed/);
    expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['posted', '', 'posted']);
    const again = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(again.code).toBe(0);
    expect(posts().map((m) => m.text)).toEqual(['One', 'Three', 'Two']);
  });

  it('retries a 500 with backoff, then gives the row up for this run only', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tHello\t']) });
    emu.failNext('sendMessage', { kind: 'error', code: 500, description: 'Internal Server Error' }, 4);
    // In this process with a 10 ms first back-off (the policy's doubling is tests/shared/telegram/client.test.ts's).
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, deps: SHORT_BACKOFF });
    expect(result.code).toBe(1);
    expect(emu.callsTo('sendMessage').map((c) => c.status)).toEqual([500, 500, 500, 500]);
    expect(ws.records(SCHEDULE)[0]!.post_status).toBe('');
    const again = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, deps: SHORT_BACKOFF });
    expect(again.code).toBe(0);
    expect(posts()).toHaveLength(1);
  }, 30_000);

  it('marks a send that got no answer uncertain, never re-sends it on its own, and sends it on --retry-uncertain', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tMaybe\tpic.png', '2026-01-02 10:00\tSurely\t']), assets: { 'pic.png': PICTURE } });
    emu.failNext('sendPhoto', { kind: 'drop-after' });
    const result = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/data\/text_schedule\.txt:2: sendPhoto: no answer from Telegram \(the request may have arrived\).*marked uncertain/);
    expect(posts()).toHaveLength(2); // the photo did arrive, and the other row went on
    expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['uncertain', 'posted']);

    const again = await runTgGet(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/warning: data\/text_schedule\.txt:2: uncertain/);
    expect(emu.callCount('sendPhoto')).toBe(1);

    const retry = await runTgGet(['posts', '--retry-uncertain', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(retry.code).toBe(0);
    expect(emu.callCount('sendPhoto')).toBe(2);
    expect(ws.records(SCHEDULE)[0]!.post_status).toBe('posted');
  });

  it('after a kill during a send, the next run marks the row uncertain instead of sending it again', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tIn flight\tpic.png']), assets: { 'pic.png': PICTURE } });
    emu.failNext('sendPhoto', { kind: 'delay', ms: 1500 });
    const killed = await runTgGet(['posts', '--max-late', 'off'], {
      cwd: ws.dir,
      emu,
      onSpawn: (child) => {
        // `sending` is written just before the request leaves; the emulator holds it for 1.5 s.
        void until(() => ws.read(SCHEDULE).includes('sending'), 10_000, 'the send').then(
          () => setTimeout(() => child.kill('SIGKILL'), 300),
          () => child.kill('SIGKILL'),
        );
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(ws.records(SCHEDULE)[0]!.post_status).toBe('sending');
    await until(() => emu.callCount('sendPhoto') === 1, 5000, 'the delayed send');

    // In this process, to take the killed run's lock over after 2 s instead of 10 (the kill needs the bin).
    const next = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, deps: SHORT_LOCK_AGE });
    expect(next.code).toBe(1);
    expect(next.stderr).toMatch(/data\/text_schedule\.txt:2: an earlier run stopped while sending this post.*marked uncertain/);
    expect(ws.records(SCHEDULE)[0]!.post_status).toBe('uncertain');
    expect(emu.callCount('sendPhoto')).toBe(1);
  }, 60_000);

  it('marks rows older than --max-late missed instead of sending them', async () => {
    const recent = new Date(Date.now() - 5 * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tStale\t', `${recent}\tFresh\t`]) });
    const result = await runTgGet(['posts', '--max-late', '1h'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: data\/text_schedule\.txt:2: due 2026-01-01 10:00:00, later than --max-late allows; marked missed/);
    expect(posts().map((m) => m.text)).toEqual(['Fresh']);
    expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['missed', 'posted']);
  });

  it('reports bad rows and missing pictures with their place, keeps those rows as they were, and sends the rest', async () => {
    const rows = ['2026.02.30 10:00\tNo such day\t', '2026-01-01 10:00\tLost picture\tnope.png', '2026-01-01 10:00\t\t', '2026-01-02 10:00\tFine\t'];
    ws = new Workspace({ schedule: scheduleOf(rows) });
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('data/text_schedule.txt:2:1 (dt_time): "2026.02.30 10:00" is not a date');
    expect(result.stderr).toMatch(/data\/text_schedule\.txt:3 \(file_path\): picture not found: .*assets\/nope\.png/);
    expect(result.stderr).toMatch(/data\/text_schedule\.txt:4:\d+ \(text\): the row has neither text nor a picture/);
    expect(result.stdout).toMatch(/1 post sent, 3 rows failed/);
    expect(posts().map((m) => m.text)).toEqual(['Fine']);
    const lines = ws.read(SCHEDULE).split('\n');
    expect(lines[1]).toBe(rows[0]);
    expect(lines[3]).toBe(rows[2]);
  });

  it('retries a refused connection with backoff, then leaves the row due, the file untouched', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tHello\t']) });
    const before = ws.read(SCHEDULE);
    const closed = await startEmulator();
    const deadRoot = closed.apiRoot;
    await closed.stop();
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, env: { TELEGRAM_API_ROOT: deadRoot }, deps: SHORT_BACKOFF });
    expect(result.code).toBe(1);
    // Telegram is reached with getMe before any row is marked `sending`, so nothing is written.
    expect(result.stderr.match(/getMe: network error; retry \d\/3/g)).toHaveLength(3);
    expect(result.stderr).toMatch(/error: getMe: could not reach Telegram: .*ECONNREFUSED.*; check the network and TELEGRAM_API_ROOT/);
    expect(ws.records(SCHEDULE)[0]!.post_status ?? '').toBe(''); // not even the column was added
    expect(ws.read(SCHEDULE)).toBe(before);
    expect(`${result.stdout}${result.stderr}`).not.toContain(emu.token.split(':')[1]);
  }, 30_000);

  it('on SIGTERM finishes the post in flight, then stops, leaving no row half-marked', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `2026-01-0${i + 1} 10:00\tPost ${i + 1}\t`);
    ws = new Workspace({ schedule: scheduleOf(rows) });
    emu.failNext('sendMessage', { kind: 'delay', ms: 400 }, 6);
    const result = await runTgGet(['posts', '--max-late', 'off'], {
      cwd: ws.dir,
      emu,
      onSpawn: (child) => {
        void until(() => ws.read(SCHEDULE).includes('sending'), 10_000, 'the first send').then(
          () => child.kill('SIGTERM'),
          () => child.kill('SIGKILL'),
        );
      },
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SIGTERM: finishing the current row, then stopping/);
    expect(result.stdout).toMatch(/1 post sent, 0 rows failed \(stopped early by a signal\)/);
    expect(ws.records(SCHEDULE).map((r) => r.post_status)).toEqual(['posted', '', '', '', '', '']);
    expect(posts().map((m) => m.text)).toEqual(['Post 1']);
  });

  it('needs CHAT_ID', async () => {
    ws = new Workspace({ schedule: scheduleOf(['2026-01-01 10:00\tHello\t']) });
    const result = await runMain(['posts', '--max-late', 'off'], { cwd: ws.dir, emu, env: { CHAT_ID: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/CHAT_ID: is not set/);
  });
});
