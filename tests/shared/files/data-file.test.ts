import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { inviteSpec, rejectDuplicateIds } from '../../../src/shared/registry/registry.js';
import { LinkIndex } from '../../../src/shared/registry/match.js';
import { loadFile, parseFile, saveFile } from '../../../src/shared/files/data-file.js';
import { responseSpec } from '../../../src/shared/join-log/schema.js';
import { scheduleSpec } from '../../../src/shared/schedule/schedule.js';
import { setCells } from '../../../src/shared/files/table.js';
import { LEGACY_DIR, TempFolder } from '../../support/tmp.js';

const ZONE = 'Europe/Berlin';
let tmp: TempFolder;
let dir: string;
beforeEach(() => { dir = (tmp = new TempFolder()).dir; });
afterEach(() => tmp.remove());

async function legacyCopy(name: string): Promise<string> {
  const file = path.join(dir, name);
  await copyFile(path.join(LEGACY_DIR, name), file);
  return file;
}

describe('invite registry', () => {
  it('reads the legacy registry: three rows waiting for links', async () => {
    const loaded = await loadFile(await legacyCopy('invite_data.txt'), inviteSpec(ZONE));
    expect(loaded.problems).toEqual([]);
    expect(loaded.entries.map((e) => [e.value.id, e.value.id_adress, e.value.link, e.value.dt_expire])).toEqual([
      ['1', 'addr1@post.com', '', null],
      ['2', 'addr2@post.com', '', null],
      ['3', 'addr3@post.com', '', null],
    ]);
  });

  it('writes back an untouched legacy file unchanged, and a changed one with only that row changed', async () => {
    const file = await legacyCopy('invite_data.txt');
    const original = await readFile(file, 'utf8');
    const loaded = await loadFile(file, inviteSpec(ZONE));
    await saveFile(loaded, inviteSpec(ZONE));
    expect(await readFile(file, 'utf8')).toBe(original);
    setCells(loaded.table, loaded.entries[0]!.row, { id_link: '1', link: 'https://t.me/+AAAA', dt_create: '2026-11-24 10:00:00' });
    await saveFile(loaded, inviteSpec(ZONE));
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[1]).toBe('1\taddr1@post.com\t~/Desktop/tg_repo/links\t-1,00E+12\t1\thttps://t.me/+AAAA\t2026-11-24 10:00:00');
    expect(lines.slice(2).join('\n')).toBe(original.split('\n').slice(2).join('\n'));
  });

  it('names file, line, column and column name for a bad date and an over-long id, and keeps the other rows', () => {
    const text = [
      'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire',
      'ok\ta@b.c\t\t\t\t\t\t2026-03-01 10:00',
      'bad-date\ta@b.c\t\t\t\t\t\t31.02.2025',
      `${'x'.repeat(33)}\ta@b.c`,
      'feb30\ta@b.c\t\t\t\t\t\t2025.02.30 10:00',
      'fine\tz@b.c',
    ].join('\n');
    const { entries, problems } = parseFile(text, 'data/invite_data.txt', inviteSpec(ZONE));
    expect(entries.map((e) => e.value.id)).toEqual(['ok', 'fine']);
    expect(problems.map((p) => p.message)).toEqual([
      'data/invite_data.txt:3:21 (dt_expire): "31.02.2025" is not a date; use YYYY-MM-DD HH:mm (or YYYY.MM.DD HH:mm, or ISO 8601)',
      `data/invite_data.txt:4:1 (id): "${'x'.repeat(33)}" is 33 characters; Telegram allows at most 32 for a link name: shorten it`,
      'data/invite_data.txt:5:18 (dt_expire): "2025.02.30 10:00" is not a date; use YYYY-MM-DD HH:mm (or YYYY.MM.DD HH:mm, or ISO 8601)',
    ]);
    expect(entries[0]!.value.dt_expire?.toISOString()).toBe('2026-03-01T09:00:00.000Z');
  });

  it('reports a duplicate id on the later row, naming the first', () => {
    const text = 'id\tlink\nsame\t\nother\t\nsame\t\n';
    const loaded = parseFile(text, 'data/invite_data.txt', inviteSpec(ZONE));
    rejectDuplicateIds(loaded);
    expect(loaded.entries.map((e) => e.row.line)).toEqual([2, 3]);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      'data/invite_data.txt:4:1 (id): "same" is already the id on line 2; ids name invite links and must be unique',
    ]);
  });

  it('reports a header without the columns it needs', () => {
    const { entries, problems } = parseFile('name\temail\nx\ty\n', 'data/invite_data.txt', inviteSpec(ZONE));
    expect(entries).toEqual([]);
    expect(problems[0]!.message).toMatch(/^data\/invite_data\.txt:1:1: the header has no column "id", "link"; the first line must name the columns/);
  });

  it('finds a row by full link first, then by name only when the masked link fits', () => {
    const text = 'id\tid_link\tlink\nanna\tanna\thttps://t.me/+AnnaAnna12345678\nboris\tboris\thttps://t.me/+BorisBor12345678\nnolink\t\t\n';
    const { entries } = parseFile(text, 'x', inviteSpec(ZONE));
    const index = new LinkIndex(entries.map((e) => e.value));
    expect(index.find('https://t.me/+BorisBor12345678', 'anna')?.id).toBe('boris');
    // Another admin made the registry's link: Telegram shows it masked, the visible part fits.
    expect(index.find('https://t.me/+AnnaAnna…', 'anna')?.id).toBe('anna');
    // Another admin's own link that happens to share the name: not ours.
    expect(index.find('https://t.me/+Zzzzzzzz…', 'anna')).toBeUndefined();
    expect(index.find('https://t.me/+FullButUnknown1', 'anna')).toBeUndefined();
    expect(index.find(undefined, 'anna')?.id).toBe('anna');
    // Without a URL (a legacy join-log row) the name alone decides, the same rule for the report and
    // tg-handler; a join request without a link has no name either, so it never matches a row.
    expect(index.find(undefined, 'nolink')?.id).toBe('nolink');
    expect(index.find(undefined, undefined)).toBeUndefined();
    expect(index.find('https://t.me/+nope', undefined)).toBeUndefined();
  });

  it('names the missing file and what it should hold', async () => {
    await expect(loadFile(path.join(dir, 'invite_data.txt'), inviteSpec(ZONE))).rejects.toThrow(/invite_data\.txt: file not found; the registry of invitees/);
  });

  it('reports a line that is not UTF-8 as a row problem naming the line; the other rows go on, its bytes stay', async () => {
    const file = path.join(dir, 'invite_data.txt');
    const bytes = Buffer.concat([Buffer.from('id\tlink\nok\t\n'), Buffer.from([0x41, 0xe9, 0x42]), Buffer.from('\t\nnext\t\n')]);
    await writeFile(file, bytes);
    const loaded = await loadFile(file, inviteSpec(ZONE));
    expect(loaded.problems.map((p) => p.message)).toEqual([expect.stringMatching(/invite_data\.txt:3:2: this line is not UTF-8 text/)]);
    expect(loaded.entries.map((e) => e.value.id)).toEqual(['ok', 'next']);
    await saveFile(loaded, inviteSpec(ZONE));
    const written = await readFile(file);
    expect(written.subarray(written.indexOf(0x0a) + 1)).toEqual(bytes.subarray(bytes.indexOf(0x0a) + 1));
  });
});

describe('schedule', () => {
  it('reads the legacy CRLF schedule with dotted dates in the configured zone', async () => {
    const loaded = await loadFile(await legacyCopy('text_schedule.txt'), scheduleSpec(ZONE));
    expect(loaded.problems).toEqual([]);
    expect(loaded.entries).toHaveLength(3);
    const first = loaded.entries[0]!.value;
    expect(first.dt_time.toISOString()).toBe('2025-01-03T16:28:00.000Z');
    expect(first.post_status).toBe('');
    expect(first.file_path).toBe('~/Desktop/tg_repo/0001.jpg');
    expect(loaded.table.eol).toBe('\r\n');
  });

  it('adds its status columns at the end when it writes, keeping CRLF and every other byte', async () => {
    const file = await legacyCopy('text_schedule.txt');
    const original = await readFile(file, 'utf8');
    const loaded = await loadFile(file, scheduleSpec(ZONE));
    await saveFile(loaded, scheduleSpec(ZONE));
    const after = await readFile(file, 'utf8');
    expect(after).toBe(original.replace('dt_time\ttext\tfile_path\r\n', 'dt_time\ttext\tfile_path\tpost_status\tdt_posted\tmessage_id\r\n'));
    const again = await loadFile(file, scheduleSpec(ZONE));
    expect(again.problems).toEqual([]);
  });

  it('rejects a row with nothing to post and an unknown status', () => {
    const text = 'dt_time\ttext\tfile_path\tpost_status\n2026-01-01 10:00\t\t\t\n2026-01-01 10:00\thi\t\tdone\n';
    const { entries, problems } = parseFile(text, 'data/text_schedule.txt', scheduleSpec(ZONE));
    expect(entries).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      'data/text_schedule.txt:2:18 (text): the row has neither text nor a picture: nothing to post',
      'data/text_schedule.txt:3:22 (post_status): "done" is not a post status; use one of posted, uncertain, missed, or leave it blank to post the row',
    ]);
  });
});

describe('responses', () => {
  it('reads the legacy join log: the lone-tab line is no member', async () => {
    const loaded = await loadFile(await legacyCopy('responde_data.txt'), responseSpec(ZONE));
    expect(loaded.entries).toEqual([]);
    expect(loaded.problems).toEqual([]);
  });

  it('reads rows with and without our appended columns', () => {
    const text = [
      'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason',
      '1\t42\tAnna\t\t2025-01-03 17:30:00\tapprove',
      '2\t43\tBot\t\t2025-01-03 17:31:00\tdecline\tspam_bot\thttps://t.me/+B\t-1001\t1735921860',
      '3\tabc\tX\t\t2025-01-03 17:31:00\tmaybe',
    ].join('\r\n');
    const { entries, problems } = parseFile(text, 'data/responde_data.txt', responseSpec(ZONE));
    expect(entries.map((e) => [e.value.id_tg, e.value.tg_responde_status, e.value.tg_request_date])).toEqual([
      ['42', 'approve', ''],
      ['43', 'decline', '1735921860'],
    ]);
    expect(problems.map((p) => `${p.position.line}:${p.position.column} ${p.position.field}`)).toEqual(['4:3 id_tg', '4:30 tg_responde_status']);
  });
});

describe('warnings of usable rows (#11.8)', () => {
  it('collects a warning per cell with file:line:column and the column, and uses the row', () => {
    const text = [
      'dt_time\ttext\tfile_path\tpost_status\tdt_posted\tmessage_id',
      '2026-03-29 02:30\tgap\t\t\t2026-10-25 02:10\t',
      '2026-03-29 03:30\tfine\t',
    ].join('\n');
    const { entries, problems, warnings } = parseFile(text, 'data/text_schedule.txt', scheduleSpec(ZONE));
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.value.text)).toEqual(['gap', 'fine']);
    expect(warnings.map((w) => [w.position.line, w.position.column, w.position.field])).toEqual([
      [2, 1, 'dt_time'],
      [2, 24, 'dt_posted'],
    ]);
    expect(warnings[0]!.message).toMatch(/^data\/text_schedule\.txt:2:1 \(dt_time\): "2026-03-29 02:30" does not exist in Europe\/Berlin/);
    expect(warnings[1]!.message).toMatch(/happens twice in Europe\/Berlin/);
  });
});
