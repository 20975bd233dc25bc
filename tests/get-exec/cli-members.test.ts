/**
 * `tg-get members` through the real bin against the emulator (#12): a member gone without any update
 * is found and recorded, someone gone who is back is recorded as joined, --dry-run records nothing,
 * a second run finds nothing new, and it runs beside tg-handler without writing a leave twice.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import type { EmulatorUser } from '../../src/emulator/index.js';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, runTgGet, startEmulator, Workspace } from './helpers.js';

const HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
const anna: EmulatorUser = { id: 4201, first_name: 'Anna', username: 'anna' };
const boris: EmulatorUser = { id: 4202, first_name: 'Boris' };
const carol: EmulatorUser = { id: 4203, first_name: 'Carol' };
const dave: EmulatorUser = { id: 4204, first_name: 'Dave' };
const erik: EmulatorUser = { id: 4205, first_name: 'Erik' };

const row = (link: string, user: EmulatorUser, status: string, date: number, chat = String(GROUP)) =>
  `${link}\t${user.id}\t${user.first_name}\t\t2026-03-01 12:00:00\t${status}\t${user.username ?? ''}\t\t${chat}\t${date}\t\t`;

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
  ws = new Workspace();
  // The ledger: Anna, Boris, Carol and Erik (a legacy row without chat_id) are in; Dave left.
  ws.write(
    'data/responde_data.txt',
    [
      HEADER,
      row('flyer', anna, 'approve', 1772000000),
      row('radio', boris, 'joined', 1772000100),
      row('flyer', carol, 'approve', 1772000200),
      row('radio', dave, 'joined', 1772000300),
      row('', dave, 'left', 1772000400),
      `old\t${erik.id}\tErik\t\t2024-05-01 10:00\tapprove\t\t\t\t\t\t`,
      '',
    ].join('\n'),
  );
  // Telegram's truth: Anna and Erik are in; Boris left and Carol was banned with no update sent; Dave is back.
  emu.setChatMember(GROUP, anna, { status: 'member' });
  emu.setChatMember(GROUP, erik, { status: 'member' });
  emu.setChatMember(GROUP, boris, { status: 'left' });
  emu.setChatMember(GROUP, carol, { status: 'kicked', until_date: 0 });
  emu.setChatMember(GROUP, dave, { status: 'restricted', is_member: true, can_send_messages: false } as never);
});

afterEach(async () => {
  await emu.stop();
  ws.remove();
});

const statuses = () => ws.records('data/responde_data.txt').map((r) => [r['id_tg'], r['tg_responde_status'], r['id_link'], r['chat_id'], r['reason']]);

describe('tg-get members', () => {
  test('--dry-run asks Telegram about everyone, shows what it would record, and changes nothing', async () => {
    const before = ws.read('data/responde_data.txt');
    const result = await runTgGet(['members', '--dry-run', '--checks-per-second', '200'], { cwd: ws.dir, emu });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(emu.callsTo('getChatMember').map((c) => c.params['user_id']).sort()).toEqual([anna.id, boris.id, carol.id, dave.id, erik.id]);
    expect(result.stdout).toMatch(/would record left: user 4202 in -1001234567890, joined via "radio"/);
    expect(result.stdout).toMatch(/would record removed: user 4203 in -1001234567890, joined via "flyer"/);
    expect(result.stdout).toMatch(/would record joined: user 4204 in -1001234567890/);
    expect(result.stdout).toMatch(/members: checked 5 of 5: 2 gone, 1 back to record \(0 failed\)/);
    expect(ws.read('data/responde_data.txt')).toBe(before);
    expect(existsSync(ws.path('data/responde_data.txt.members.lock'))).toBe(false);
  });

  test('records a member gone without an update (left, or removed when banned) and one back; a second run finds nothing new', async () => {
    const result = await runTgGet(['members', '--checks-per-second', '200'], { cwd: ws.dir, emu, env: { TZ: 'UTC' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/asking Telegram about 5 person\(s\) \(4 member\(s\), 1 gone\)/);
    expect(statuses().slice(6)).toEqual([
      [String(boris.id), 'left', 'radio', String(GROUP), 'tg-get members'],
      [String(carol.id), 'removed', 'flyer', String(GROUP), 'tg-get members'],
      [String(dave.id), 'joined', '', String(GROUP), 'tg-get members'],
    ]);
    const added = ws.records('data/responde_data.txt').slice(6);
    for (const r of added) expect(r['tg_request_date']).toMatch(/^\d{10}$/);
    const after = ws.read('data/responde_data.txt');
    const again = await runTgGet(['members', '--checks-per-second', '200'], { cwd: ws.dir, emu });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/checked 5 of 5: 0 gone, 0 back/);
    expect(ws.read('data/responde_data.txt')).toBe(after);
  });

  test('a run that finds another still checking leaves it to that one (safe from cron)', async () => {
    mkdirSync(ws.path('data/responde_data.txt.members.lock'));
    const before = ws.read('data/responde_data.txt');
    const result = await runTgGet(['members'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/another tg-get members is still checking/);
    expect(emu.callCount('getChatMember')).toBe(0);
    expect(ws.read('data/responde_data.txt')).toBe(before);
  });

  test('a group Telegram refuses: its people count as failed, exit 1, nothing written', async () => {
    ws.write('data/responde_data.txt', `${HEADER}\n${row('x', anna, 'joined', 1772000000, '-100555')}\n`);
    const before = ws.read('data/responde_data.txt');
    const result = await runTgGet(['members', '--checks-per-second', '200'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/group -100555: Telegram refused getChatMember \(400: Bad Request: chat not found\)/);
    expect(ws.read('data/responde_data.txt')).toBe(before);
  });

  test('--checks-per-second must be a positive number', async () => {
    const result = await runTgGet(['members', '--checks-per-second', 'fast'], { cwd: ws.dir, emu });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--checks-per-second: "fast" must be a number above 0/);
  });
});
