/**
 * runReport on real files in a temp folder: what it prints, what it writes, and how it treats rows it
 * cannot read. The data files are never changed.
 */
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Papa from 'papaparse';
import { defaultHtmlPath, runReport } from '../../../src/get-exec/report/report.js';
import { parseConfig, type Config } from '../../../src/shared/config/schema.js';
import { DataFileMissingError, ExitError } from '../../../src/shared/errors.js';
import { createLogger, type Logger } from '../../../src/shared/cli/log.js';
import { LEGACY_DIR, TempFolder } from '../../support/tmp.js';
import { EVIL_ID, inviteFileText, NOW, RESPONSE_HEADER, responseFileText, WIDE_ID, writeDataFiles, ZONE } from './fixtures.js';

let tmp: TempFolder;
let dir: string;
let out: string[];
let err: string[];
let log: Logger;

beforeEach(async () => {
  dir = (tmp = new TempFolder('tg-report-')).dir;
  out = [];
  err = [];
  log = createLogger({ level: 'normal', timestamps: false, out: (l) => out.push(l), err: (l) => err.push(l) });
});
afterEach(async () => {
  tmp.remove();
});

/** The configuration tg-get report gets with default folders under `dir`: no token, no chat. */
const config = (overrides: Record<string, string> = {}): Config => parseConfig({ TZ: ZONE }, overrides, { token: false, chat: false }, dir);

describe('runReport', () => {
  it('prints the table, writes report.html beside LINKS/ and the CSV, and exits 0', async () => {
    writeDataFiles(dir);
    const printed: string[] = [];
    const result = await runReport(config(), { csv: path.join(dir, 'out', 'joins.csv'), now: NOW }, log, (l) => printed.push(l));

    expect(result).toEqual({ exitCode: 0, htmlPath: path.join(dir, 'report.html'), csvPath: path.join(dir, 'out', 'joins.csv') });
    expect(err).toEqual([]);
    expect(printed[0]).toMatch(/^id\s+id_adress\s+link\s+approved\s+declined\s+pending\s+missing\s+first join\s+last join$/);
    expect(printed.find((l) => l.startsWith('anna-2026'))).toMatch(/\s3\s+1\s+0\s+0\s+2026-01-03 09:00\s+2026-01-05 12:00$/);
    expect(printed).toContain(`2 of 6 rows have no joins yet: clara, ${WIDE_ID}`);
    expect(out.at(-1)).toBe('report: 6 joins through 4 of 6 links');

    const html = await readFile(result.htmlPath, 'utf8');
    expect(html).toContain('data-link="anna-2026" data-count="3"');
    expect(html).not.toContain(EVIL_ID);
    const csv = Papa.parse<Record<string, string>>(await readFile(result.csvPath!, 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.data.map((r) => [r.id, r.approved])).toEqual([
      ['anna-2026', '3'],
      ['boris', '1'],
      ['clara', '0'],
      ['4', '1'],
      [EVIL_ID, '1'],
      [WIDE_ID, '0'],
      ['(unattributed)', '0'],
    ]);
    // Reading is all it does to the data files.
    expect(await readFile(path.join(dir, 'data', 'invite_data.txt'), 'utf8')).toBe(inviteFileText());
    expect(await readFile(path.join(dir, 'data', 'responde_data.txt'), 'utf8')).toBe(responseFileText());
  });

  it('takes --html and relative paths from the given working folder, and writes no CSV unless asked', async () => {
    writeDataFiles(dir);
    const result = await runReport(config(), { html: 'pages/joins.html', now: NOW, cwd: dir }, log, () => {});
    expect(result.htmlPath).toBe(path.join(dir, 'pages', 'joins.html'));
    expect(result.csvPath).toBeUndefined();
    expect((await stat(result.htmlPath)).isFile()).toBe(true);
    await expect(stat(path.join(dir, 'report.html'))).rejects.toThrow();
    expect(defaultHtmlPath(config({ linksDir: 'out/qr' }))).toBe(path.join(dir, 'out', 'report.html'));
  });

  it('reports a registry with no join log yet as all zeros', async () => {
    writeDataFiles(dir, { responses: null });
    const printed: string[] = [];
    const result = await runReport(config(), { now: NOW }, log, (l) => printed.push(l));
    expect(result.exitCode).toBe(0);
    expect(err).toEqual([]);
    expect(printed.find((l) => l.startsWith('total'))).toMatch(/^total\s+6 rows\s+0\s+0\s+0$/);
    expect(await readFile(result.htmlPath, 'utf8')).toContain('No joins yet: the chart appears');
  });

  it('reads the legacy sample files as they are', async () => {
    await mkdir(path.join(dir, 'data'));
    for (const name of ['invite_data.txt', 'responde_data.txt']) await cp(path.join(LEGACY_DIR, name), path.join(dir, 'data', name));
    const printed: string[] = [];
    const result = await runReport(config(), { now: NOW }, log, (l) => printed.push(l));
    expect(err).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(printed.filter((l) => /^[123]\s+addr\d@post\.com\s+0\s+0\s+0$/.test(l))).toHaveLength(3);
    expect(printed).toContain('3 of 3 rows have no joins yet: 1, 2, 3');
    for (const name of ['invite_data.txt', 'responde_data.txt']) {
      expect(await readFile(path.join(dir, 'data', name))).toEqual(await readFile(path.join(LEGACY_DIR, name)));
    }
  });

  it('warns about each unreadable row with file:line:column (column), leaves it out, still writes the report, and exits 1', async () => {
    const bad = [
      RESPONSE_HEADER.join('\t'),
      ['anna-2026', '701', 'A', '', '2026-01-03 09:00:00', 'approve', '', '', '', ''].join('\t'),
      ['anna-2026', '702', 'B', '', '2026-01-03 09:00:00', 'approved', '', '', '', ''].join('\t'),
      ['anna-2026', 'abc', 'C', '', '31.02.2026', 'approve', '', '', '', ''].join('\t'),
    ].join('\n');
    writeDataFiles(dir, { invites: `${inviteFileText()}anna-2026\tdup@example.org\n`, responses: `${bad}\n` });
    const printed: string[] = [];
    const result = await runReport(config(), { now: NOW }, log, (l) => printed.push(l));

    expect(result.exitCode).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^warning: .*invite_data\.txt:8:1 \(id\): "anna-2026" is already the id on line 2; ids name invite links and must be unique \(left out of the report\)$/),
      expect.stringMatching(/^warning: .*responde_data\.txt:3:38 \(tg_responde_status\): "approved" is not a status; use approve, decline, pending, missing/),
      expect.stringMatching(/^warning: .*responde_data\.txt:4:11 \(id_tg\): is not a Telegram user id/),
      expect.stringMatching(/^warning: .*responde_data\.txt:4:\d+ \(dt_tg_responde\): "31.02.2026" is not a date/),
    ]);
    expect(printed.find((l) => l.startsWith('anna-2026'))).toMatch(/anna@example\.org.*\s1\s+0\s+0\s/);
    expect(out.at(-1)).toBe('report: 1 join through 1 of 6 links; 4 rows could not be read (see the warnings above)');
    expect((await stat(result.htmlPath)).isFile()).toBe(true);
  });

  it('fails with the registry\'s own message when invite_data.txt is missing', async () => {
    await expect(runReport(config(), { now: NOW }, log, () => {})).rejects.toThrow(DataFileMissingError);
    await expect(runReport(config(), { now: NOW }, log, () => {})).rejects.toThrow(/invite_data\.txt: file not found; the registry of invitees/);
  });

  it('says which output it could not write, and how to fix it', async () => {
    writeDataFiles(dir);
    await mkdir(path.join(dir, 'taken.html'));
    await writeFile(path.join(dir, 'taken.html', 'x'), '');
    const failure = runReport(config(), { html: path.join(dir, 'taken.html'), now: NOW }, log, () => {});
    await expect(failure).rejects.toThrow(ExitError);
    await expect(runReport(config(), { html: path.join(dir, 'taken.html'), now: NOW }, log, () => {})).rejects.toThrow(/cannot write the HTML report to .*taken\.html \(E[A-Z]+\); choose another path/);
  });
});
