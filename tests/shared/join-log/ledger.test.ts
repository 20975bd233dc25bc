/**
 * The ledger fold (rows -> who is in through which link, since when), and reading it from a real
 * join log: whole file, then only what was appended.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { appendFileSync, writeFileSync } from 'node:fs';
import { eventDate, foldLedger, Ledger, type LedgerEvent } from '../../../src/shared/join-log/ledger.js';
import { LedgerFile } from '../../../src/shared/join-log/ledger-file.js';
import { TempFolder } from '../../support/tmp.js';

const ev = (user: string, status: string, link: string, date: number, chat = '-100'): LedgerEvent => ({ chat, user, status, link, date });

describe('foldLedger', () => {
  test('approve and joined make members through their link; left and removed keep the link they joined through', () => {
    const ledger = foldLedger([ev('1', 'approve', 'flyer', 100), ev('2', 'joined', 'radio', 110), ev('3', 'joined', '', 120), ev('2', 'left', '', 130), ev('3', 'removed', '', 140)]);
    expect(ledger.get('-100', '1')).toEqual({ member: true, link: 'flyer', since: 100, byBot: true });
    expect(ledger.get('-100', '2')).toEqual({ member: false, link: 'radio', since: 130, byBot: false });
    expect(ledger.get('-100', '3')).toEqual({ member: false, link: '', since: 140, byBot: false });
    expect(ledger.memberCount).toBe(1);
    expect(ledger.size).toBe(3);
  });

  test('a re-join counts under the latest link; decline, pending and missing change nobody', () => {
    const ledger = foldLedger([ev('1', 'joined', 'flyer', 100), ev('1', 'left', '', 200), ev('1', 'decline', 'x', 250), ev('1', 'joined', 'radio', 300), ev('2', 'pending', 'x', 310), ev('3', 'missing', 'x', 320)]);
    expect(ledger.get('-100', '1')).toEqual({ member: true, link: 'radio', since: 300, byBot: false });
    expect(ledger.get('-100', '2')).toBeUndefined();
    expect(ledger.get('-100', '3')).toBeUndefined();
    expect(ledger.memberCount).toBe(1);
  });

  test('the same person in two chats is two entries (listed chat by chat); a user id that is not a plain number is kept as written; a leave never seen joining is known as gone with a blank link', () => {
    const ledger = foldLedger([ev('1', 'joined', 'a', 100, '-1'), ev('1', 'joined', 'b', 100, '-2'), ev('9', 'left', '', 50, '-1')]);
    expect([...ledger.entries()]).toEqual([
      { chat: '-1', user: '1', member: true, link: 'a', since: 100, byBot: false },
      { chat: '-1', user: '9', member: false, link: '', since: 50, byBot: false },
      { chat: '-2', user: '1', member: true, link: 'b', since: 100, byBot: false },
    ]);
  });

  test('reading a stretch of rows again leaves the same ledger (catching up may overlap)', () => {
    const rows = [ev('1', 'joined', 'a', 100), ev('2', 'approve', 'b', 110), ev('1', 'left', '', 120), ev('1', 'joined', 'c', 130)];
    const once = foldLedger(rows);
    const twice = foldLedger([...rows, ...rows.slice(1)]);
    expect([...twice.entries()]).toEqual([...once.entries()]);
    expect(twice.memberCount).toBe(once.memberCount);
    expect(once.memberCount).toBe(2);
  });

  test('user ids that are not plain numbers are told apart from the numbers they look like', () => {
    const ledger = foldLedger([ev('007', 'joined', 'a', 1), ev('7', 'joined', 'b', 2), ev('12345678901234567890', 'joined', 'c', 3)]);
    expect(ledger.get('-100', '007')?.link).toBe('a');
    expect(ledger.get('-100', '7')?.link).toBe('b');
    expect(ledger.get('-100', '12345678901234567890')?.link).toBe('c');
    expect([...ledger.entries()].map((e) => e.user)).toEqual(['007', '7', '12345678901234567890']);
  });

  test('rows without a user id are ignored', () => {
    const ledger = new Ledger();
    ledger.apply(ev('', 'joined', 'a', 1));
    expect(ledger.size).toBe(0);
  });
});

describe('eventDate', () => {
  test('tg_request_date first, else dt_tg_responde in the zone, else 0', () => {
    expect(eventDate('1772366000', '2020-01-01 00:00', 'UTC')).toBe(1772366000);
    expect(eventDate('', '2026-03-01 12:00:00', 'UTC')).toBe(Date.UTC(2026, 2, 1, 12) / 1000);
    expect(eventDate('', '2026-03-01 12:00', 'Europe/Moscow')).toBe(Date.UTC(2026, 2, 1, 9) / 1000);
    expect(eventDate('', '31.02.2025', 'UTC')).toBe(0);
    expect(eventDate(' ', '', 'UTC')).toBe(0);
  });
});

describe('LedgerFile', () => {
  let dir: TempFolder;
  const HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason';
  const line = (link: string, user: string, status: string, date: string, chat = '-100') => `${link}\t${user}\tF\t\t2026-03-01 12:00:00\t${status}\t\t\t${chat}\t${date}\t\t`;
  beforeEach(() => {
    dir = new TempFolder('ledger-');
  });
  afterEach(() => dir.remove());

  test('reads the whole file, then only what was appended; a line without its ending waits for the next read', async () => {
    const file = dir.path('responde_data.txt');
    writeFileSync(file, `\uFEFF${HEADER}\r\n${line('flyer', '1', 'approve', '100')}\r\n\t\r\n"broken\t2\r\n${line('radio', '2', 'joined', '110')}\r\n`);
    const source = new LedgerFile(file, 'data/responde_data.txt', 'UTC');
    expect(await source.catchUp()).toBe(2);
    expect(source.ledger.memberCount).toBe(2);
    appendFileSync(file, `${line('', '2', 'left', '120')}\r\n${line('x', '3', 'joined', '130')}`);
    expect(await source.catchUp()).toBe(1);
    expect(source.ledger.get('-100', '2')).toEqual({ member: false, link: 'radio', since: 120, byBot: false });
    expect(source.ledger.get('-100', '3')).toBeUndefined();
    appendFileSync(file, '\r\n');
    expect(await source.catchUp()).toBe(1);
    expect(source.ledger.get('-100', '3')).toMatchObject({ member: true, link: 'x' });
    expect(await source.catchUp()).toBe(0);
  });

  test('a file of a header only, then rows appended: the rows are read under that header', async () => {
    const file = dir.path('responde_data.txt');
    writeFileSync(file, `${HEADER}\n`);
    const source = new LedgerFile(file, 'data/responde_data.txt', 'UTC');
    expect(await source.catchUp()).toBe(0);
    appendFileSync(file, `${line('flyer', '1', 'approve', '100')}\n`);
    expect(await source.catchUp()).toBe(1);
    expect(source.ledger.get('-100', '1')).toEqual({ member: true, link: 'flyer', since: 100, byBot: true });
  });

  test('a legacy file without our columns: dates from dt_tg_responde, chat blank', async () => {
    const file = dir.path('responde_data.txt');
    writeFileSync(file, 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\nold\t7\tA\tB\t2024-05-01 10:00\tapprove\n');
    const source = new LedgerFile(file, 'data/responde_data.txt', 'UTC');
    await source.catchUp();
    expect(source.ledger.get('', '7')).toEqual({ member: true, link: 'old', since: Date.UTC(2024, 4, 1, 10) / 1000, byBot: true });
  });

  test('a file that shrank (replaced by an edit) is read again from its start; a missing file is empty', async () => {
    const file = dir.path('responde_data.txt');
    const source = new LedgerFile(file, 'data/responde_data.txt', 'UTC');
    expect(await source.catchUp()).toBe(0);
    writeFileSync(file, `${HEADER}\n${line('a', '1', 'joined', '100')}\n${line('b', '2', 'joined', '100')}\n`);
    await source.catchUp();
    writeFileSync(file, `${HEADER}\n${line('c', '5', 'joined', '100')}\n`);
    await source.catchUp();
    expect([...source.ledger.entries()].map((e) => e.user)).toEqual(['5']);
  });
});

describe('Ledger storage', () => {
  test('finds every person again after its table has grown many times, as a plain map of standings would', () => {
    const ledger = new Ledger();
    const model = new Map<string, { member: boolean; link: string; since: number }>();
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 60_000; i++) {
      const chat = next(3) === 0 ? '-1002' : '-1001';
      // Ids across the whole range Telegram uses, some repeating: joins, leaves and re-joins.
      const user = String(next(40_000) * 104_729 + (next(2) === 0 ? 0 : 2 ** 40));
      const status = next(4) === 0 ? 'left' : 'joined';
      const link = status === 'left' ? '' : `link-${next(50)}`;
      ledger.apply({ chat, user, status, link, date: i });
      const key = `${chat}|${user}`;
      const before = model.get(key);
      model.set(key, { member: status === 'joined', link: link === '' ? (before?.link ?? '') : link, since: i });
    }
    expect(ledger.size).toBe(model.size);
    expect(ledger.memberCount).toBe([...model.values()].filter((s) => s.member).length);
    for (const [key, standing] of model) {
      const [chat, user] = key.split('|') as [string, string];
      expect(ledger.get(chat, user)).toMatchObject(standing);
    }
    expect(ledger.get('-1001', '1')).toBeUndefined();
    expect([...ledger.entries()].map((e) => `${e.chat}|${e.user}`).sort()).toEqual([...model.keys()].sort());
  });

  test('keeps every link and chat right while their numbers outgrow one byte and two, and through its parts (what a snapshot keeps)', () => {
    const ledger = new Ledger();
    const model = new Map<string, { member: boolean; link: string; since: number }>();
    const parts = (): Ledger => Ledger.fromParts(ledger.toParts());
    const check = (of: Ledger) => {
      expect(of.size).toBe(model.size);
      for (const [key, standing] of model) {
        const [chat, user] = key.split('|') as [string, string];
        expect(of.get(chat, user)).toMatchObject(standing);
      }
    };
    // A person a link at first (links 1..70,000: past 65,535), in 300 chats (past 255), then some leave and come back.
    for (let i = 0; i < 70_000; i++) {
      const chat = `-100${i % 300}`;
      const user = String(1000 + i);
      ledger.apply({ chat, user, status: 'joined', link: `l${i}`, date: i });
      model.set(`${chat}|${user}`, { member: true, link: `l${i}`, since: i });
      if (i === 200 || i === 40_000) check(parts());
    }
    for (let i = 0; i < 70_000; i += 7) {
      const chat = `-100${i % 300}`;
      const user = String(1000 + i);
      ledger.apply({ chat, user, status: 'left', link: '', date: 100_000 + i });
      model.set(`${chat}|${user}`, { member: false, link: `l${i}`, since: 100_000 + i });
    }
    check(ledger);
    const rebuilt = parts();
    check(rebuilt);
    expect(rebuilt.toParts().linkOf).toEqual(ledger.toParts().linkOf);
    expect(rebuilt.toParts().chatOf).toEqual(ledger.toParts().chatOf);
  });
});

describe('Ledger.reserve', () => {
  test('makes room at once and changes nobody: the same people, standings and parts as a ledger grown step by step', () => {
    const grown = new Ledger();
    const reserved = new Ledger();
    reserved.reserve(50_000);
    expect(reserved.toParts().flagsOf.length).toBe(65_536);
    for (let i = 0; i < 20_000; i++) {
      const event = { chat: `-100${i % 3}`, user: String(5000 + (i % 15_000)), status: i % 5 === 0 ? 'left' : 'joined', link: `l${i % 700}`, date: i };
      grown.apply(event);
      reserved.apply(event);
    }
    expect([...reserved.entries()]).toEqual([...grown.entries()]);
    expect(reserved.memberCount).toBe(grown.memberCount);
    // A smaller reservation than what is held changes nothing.
    reserved.reserve(10);
    expect(reserved.toParts().flagsOf.length).toBe(65_536);
    expect([...Ledger.fromParts(reserved.toParts()).entries()]).toEqual([...grown.entries()]);
  });
});
