/**
 * tg-get links and QR codes, end to end against the Bot API emulator, on real files: the built CLI (runTgGet)
 * where the process matters (kills, signals, two runs at once, paths shown relative to the working
 * folder), else its `main` in this process (runMain), which spares a Node start per run.
 */
import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { renderQrPng } from '../../src/get-exec/qr-image.js';
import { qrFileName } from '../../src/get-exec/safe-name.js';
import { blankRegistry, decodeQr, GROUP, INVITE_HEADER, LEGACY, runMain, runTgGet, SHORT_LOCK_AGE, startEmulator, until, Workspace } from './helpers.js';

const REGISTRY = 'data/invite_data.txt';

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

/** The links the bot made in the group, by URL. */
const botLinks = (chat = GROUP) => new Set(emu.inviteLinks(chat).filter((l) => l.creator.id === emu.botUser.id).map((l) => l.invite_link));

describe('tg-get links', () => {
  it('makes one link per blank row, fills the row, draws a readable QR code, and does nothing on the second run', async () => {
    ws = new Workspace({ invites: blankRegistry(3), schedule: 'dt_time\ttext\tfile_path\n' });
    const first = await runTgGet(['links'], { cwd: ws.dir, emu });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/3 links made, 3 QR codes written, 0 posts sent, 0 rows failed/);

    const calls = emu.callsTo('createChatInviteLink');
    expect(calls.map((c) => c.params)).toEqual([1, 2, 3].map((i) => ({ chat_id: GROUP, name: `row-${i}`, creates_join_request: true })));
    const records = ws.records(REGISTRY);
    for (const [i, row] of records.entries()) {
      expect(row.id_link).toBe(`row-${i + 1}`);
      expect(botLinks().has(row.link!)).toBe(true);
      expect(row.dt_create).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(row.dt_expire).toBe('');
      const qr = decodeQr(ws.bytes(`LINKS/${row.id}.png`));
      expect(qr.text).toBe(row.link);
      expect(qr.width).toBeGreaterThanOrEqual(600);
    }

    const before = ws.read(REGISTRY);
    const mtimes = ws.links().map((f) => statSync(ws.path('LINKS', f)).mtimeMs);
    const second = await runTgGet(['--verbose'], { cwd: ws.dir, emu, env: { CHAT_ID: String(GROUP) } });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 links made, 0 QR codes written, 0 posts sent, 0 rows failed/);
    expect(emu.callCount('createChatInviteLink')).toBe(3);
    expect(ws.read(REGISTRY)).toBe(before);
    expect(ws.links().map((f) => statSync(ws.path('LINKS', f)).mtimeMs)).toEqual(mtimes);
  });

  it('reads the legacy registry as it is: mangled chat_id warned about once, CHAT_ID used, other cells untouched', async () => {
    ws = new Workspace();
    copyFileSync(path.join(LEGACY, 'invite_data.txt'), ws.path(REGISTRY));
    const legacyLines = ws.read(REGISTRY).split('\n');
    const result = await runMain(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    const warnings = result.stderr.split('\n').filter((l) => l.includes('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/data\/invite_data\.txt: chat_id "-1,00E\+12" on lines 2, 3, 4 is not a group id .* CHAT_ID \(-1001234567890\) is used/);
    expect(emu.callsTo('createChatInviteLink').map((c) => c.params.chat_id)).toEqual([GROUP, GROUP, GROUP]);

    const text = ws.read(REGISTRY);
    expect(text).not.toContain('\r');
    const lines = text.split('\n');
    expect(lines[0]).toBe(legacyLines[0]);
    for (let i = 1; i <= 3; i++) {
      // The admin's five cells as they were, ours after them.
      expect(lines[i]!.startsWith(`${legacyLines[i]!.replace(/\t$/, '')}\t${i}\thttps://t.me/+`)).toBe(true);
    }
    expect(ws.links()).toEqual(['1.png', '2.png', '3.png']);
  });

  it('makes the link in the group a row names in its own chat_id', async () => {
    const other = -1009999999999;
    emu.addChat({ id: other, type: 'supergroup' });
    ws = new Workspace({ invites: `${INVITE_HEADER}\nmine\tm@x\tLINKS\nelsewhere\te@x\tLINKS\t${other}\n` });
    const result = await runMain(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    const [mine, elsewhere] = ws.records(REGISTRY);
    expect(botLinks(GROUP).has(mine!.link!)).toBe(true);
    expect(botLinks(other).has(elsewhere!.link!)).toBe(true);
    expect(elsewhere!.chat_id).toBe(String(other));
  });

  it('sets expire_date from dt_expire, else from --expire-days, and writes dt_expire only for the latter', async () => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\nowned\to@x\tLINKS\t\t\t\t\t2030.06.01 12:00\nopen\tp@x\tLINKS\n` });
    const start = Math.floor(Date.now() / 1000);
    const result = await runMain(['links', '--expire-days', '30'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    const [owned, open] = emu.callsTo('createChatInviteLink').map((c) => Number(c.params.expire_date));
    expect(owned).toBe(Date.UTC(2030, 5, 1, 12) / 1000);
    expect(open).toBeGreaterThanOrEqual(start + 30 * 86_400);
    expect(open).toBeLessThan(start + 30 * 86_400 + 60);
    const [ownedRow, openRow] = ws.records(REGISTRY);
    expect(ownedRow!.dt_expire).toBe('2030.06.01 12:00');
    expect(openRow!.dt_expire).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('waits out a 429 for its retry_after, then makes each link once', async () => {
    ws = new Workspace({ invites: blankRegistry(2) });
    emu.failNext('createChatInviteLink', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
    const result = await runMain(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/createChatInviteLink: Telegram asks to slow down \(429\); waiting 1 s/);
    const calls = emu.callsTo('createChatInviteLink');
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(botLinks().size).toBe(2);
    expect(ws.records(REGISTRY).map((r) => r.link)).toEqual([...botLinks()]);
  });

  it('reports bad rows with file:line:column and makes the links of the others', async () => {
    const tooLong = 'x'.repeat(33);
    const registry = [INVITE_HEADER, 'good-1\ta@x\tLINKS', `${tooLong}\tb@x\tLINKS`, 'good-1\tc@x\tLINKS', 'bad-date\td@x\tLINKS\t\t\t\t\t31.02.2030', 'good-2\te@x\tLINKS', ''].join('\n');
    ws = new Workspace({ invites: registry });
    const result = await runMain(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`data/invite_data.txt:3:1 (id): "${tooLong}" is 33 characters; Telegram allows at most 32`);
    expect(result.stderr).toContain('data/invite_data.txt:4:1 (id): "good-1" is already the id on line 2');
    expect(result.stderr).toMatch(/data\/invite_data\.txt:5:\d+ \(dt_expire\): "31\.02\.2030" is not a date/);
    expect(result.stdout).toMatch(/2 links made, 2 QR codes written, 0 posts sent, 3 rows failed/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const lines = ws.read(REGISTRY).split('\n');
    const original = registry.split('\n');
    expect([lines[2], lines[3], lines[4]]).toEqual([original[2], original[3], original[4]]);
    expect(emu.callsTo('createChatInviteLink').map((c) => c.params.name)).toEqual(['good-1', 'good-2']);
  });

  it('never makes two links for one row when two runs start at once on 20 blank rows', async () => {
    ws = new Workspace({ invites: blankRegistry(20) });
    const [a, b] = await Promise.all([runTgGet(['links'], { cwd: ws.dir, emu }), runTgGet(['links'], { cwd: ws.dir, emu })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(emu.callCount('createChatInviteLink')).toBe(20);
    const links = ws.records(REGISTRY).map((r) => r.link);
    expect(new Set(links).size).toBe(20);
    expect([...botLinks()].sort()).toEqual([...links].sort());
    expect(ws.links()).toHaveLength(20);
  });

  it('keeps the links made before a kill, and the next run makes only the rest', async () => {
    ws = new Workspace({ invites: blankRegistry(30) });
    emu.failNext('createChatInviteLink', { kind: 'delay', ms: 100 }, 30);
    const killed = await runTgGet(['links'], {
      cwd: ws.dir,
      emu,
      onSpawn: (child) => {
        void until(() => emu.callCount('createChatInviteLink') >= 6, 20_000, '6 links').then(
          () => child.kill('SIGKILL'),
          () => child.kill('SIGKILL'),
        );
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const kept = ws.records(REGISTRY).filter((r) => r.link !== '');
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.length).toBeLessThan(30);
    await new Promise((r) => setTimeout(r, 200)); // let the call in flight at the kill finish in the emulator
    const made = emu.callCount('createChatInviteLink');

    // The killed run's lock goes stale; the next run takes it over (in this process, after 2 s instead of 10).
    const rerun = await runMain(['links'], { cwd: ws.dir, emu, deps: SHORT_LOCK_AGE });
    expect(rerun.code).toBe(0);
    const rows = ws.records(REGISTRY);
    expect(rows.every((r) => r.link !== '')).toBe(true);
    expect(new Set(rows.map((r) => r.link)).size).toBe(30);
    for (const row of kept) expect(rows.find((r) => r.id === row.id)!.link).toBe(row.link);
    expect(emu.callCount('createChatInviteLink') - made).toBe(30 - kept.length);
    // At most the one call in flight at the kill left a spare link behind.
    expect(botLinks().size - 30).toBeLessThanOrEqual(made - kept.length);
    expect(made - kept.length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('changes nothing and calls nothing with --dry-run, and needs no token for it', async () => {
    ws = new Workspace({ invites: blankRegistry(2), schedule: 'dt_time\ttext\tfile_path\n2020-01-01 10:00\tHello\t\n' });
    const before = [ws.read(REGISTRY), ws.read('data/text_schedule.txt')];
    const result = await runTgGet(['--dry-run', '--max-late', 'off'], { cwd: ws.dir, env: { CHAT_ID: String(GROUP), TELEGRAM_API_ROOT: emu.apiRoot } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/would make a link for data\/invite_data\.txt:2 "row-1"/);
    expect(result.stdout).toMatch(/would send data\/text_schedule\.txt:2/);
    expect(result.stdout).toMatch(/dry run: 2 links to make, 2 QR codes to write, 1 post to send, 0 rows failed/);
    expect(emu.calls).toEqual([]);
    expect([ws.read(REGISTRY), ws.read('data/text_schedule.txt')]).toEqual(before);
    expect(ws.links()).toEqual([]);
  });
});

describe('tg-get QR codes', () => {
  it('redraws a QR code that no longer encodes its row\'s link, and leaves a current one alone', async () => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\nold\to@x\tLINKS\t\told\thttps://t.me/+NEWnewNEWnew12345\nsame\ts@x\tLINKS\t\tsame\thttps://t.me/+SAMEsameSAME1234\n` });
    writeFileSync(ws.path('LINKS/old.png'), await renderQrPng('https://t.me/+OLDoldOLDold12345'));
    writeFileSync(ws.path('LINKS/same.png'), await renderQrPng('https://t.me/+SAMEsameSAME1234'));
    const sameBefore = statSync(ws.path('LINKS/same.png')).mtimeMs;
    const result = await runMain(['qr'], { cwd: ws.dir, env: {} });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/0 links made, 1 QR code written/);
    expect(decodeQr(ws.bytes('LINKS/old.png')).text).toBe('https://t.me/+NEWnewNEWnew12345');
    expect(statSync(ws.path('LINKS/same.png')).mtimeMs).toBe(sameBefore);
  });

  it('writes nothing outside LINKS/, whatever the id says', async () => {
    const ids = ['../escape', '..', 'sub/dir', 'ctrl\u0001char'];
    const rows = ids.map((id, i) => `${id}\tx@x\tLINKS\t\t${id}\thttps://t.me/+Link${i}abcdefghijk`);
    ws = new Workspace({ invites: `${[INVITE_HEADER, ...rows].join('\n')}\n` });
    const result = await runMain(['qr'], { cwd: ws.dir, env: {} });
    expect(result.code).toBe(0);
    expect(ws.links()).toEqual(ids.map(qrFileName).sort());
    for (const [i, id] of ids.entries()) expect(decodeQr(ws.bytes(`LINKS/${qrFileName(id)}`)).text).toBe(`https://t.me/+Link${i}abcdefghijk`);
    expect(() => statSync(ws.path('escape.png'))).toThrow();
  });
});

describe('tg-get configuration and fatal errors', () => {
  it('exits 2 naming each missing setting', async () => {
    ws = new Workspace({ invites: blankRegistry(1) });
    const result = await runMain([], { cwd: ws.dir, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: BOT_TOKEN: is not set/);
    expect(result.stderr).toMatch(/error: CHAT_ID: is not set/);
  });

  it('stops with exit 2 and a hint when Telegram refuses the token, never printing it', async () => {
    ws = new Workspace({ invites: blankRegistry(2) });
    const wrong = '999999:WRONG-token-wrong-token-wrong_0000';
    const result = await runTgGet(['links'], { cwd: ws.dir, emu, env: { BOT_TOKEN: wrong } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/401 Unauthorized/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(wrong);
    expect(ws.records(REGISTRY).every((r) => r.link === '')).toBe(true);
  });

  it('exits 2 when a data file is missing (an admin must add it), and still does the steps that do not need it', async () => {
    ws = new Workspace({ invites: blankRegistry(1) });
    const result = await runTgGet([], { cwd: ws.dir, emu });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: data\/text_schedule\.txt: file not found/);
    expect(result.stdout).toMatch(/1 link made, 1 QR code written, 0 posts sent, 1 row failed/);
    expect(botLinks().size).toBe(1);
  });
});
