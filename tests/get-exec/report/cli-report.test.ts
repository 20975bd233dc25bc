/**
 * `tg-get report` as the admin runs it: the built bin (npm run build first), no token, no chat.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Papa from 'papaparse';
import { REPO_ROOT, TempFolder } from '../../support/tmp.js';
import { writeDataFiles, ZONE } from './fixtures.js';

let tmp: TempFolder;
let dir: string;
beforeEach(async () => {
  dir = (tmp = new TempFolder('tg-report-cli-')).dir;
});
afterEach(async () => {
  tmp.remove();
});

function tgGet(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only what the command needs: no BOT_TOKEN, no CHAT_ID.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: ZONE };
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tg-get'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tg-get report (built bin)', () => {
  // needs the report sub-command in main.ts
  it('prints the table, writes report.html beside LINKS/ and the CSV, without a token', async () => {
    writeDataFiles(dir);
    const result = await tgGet(['report', '--data-dir', path.join(dir, 'data'), '--links-dir', path.join(dir, 'LINKS'), '--csv', path.join(dir, 'r.csv')], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^id\s+id_adress\s+link\s+approved/m);
    expect(result.stdout).toMatch(/^anna-2026\s+anna@example\.org\s+https:\/\/t\.me\/\+AAAAaaaa1111\s+3\s+1\s+0\s+0\s/m);
    expect(result.stdout).toMatch(/report: 6 joins through 4 of 6 links/);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('data-link="anna-2026" data-count="3"');
    const csv = Papa.parse<Record<string, string>>(await readFile(path.join(dir, 'r.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.data.find((r) => r.id === 'anna-2026')?.approved).toBe('3');
  });
});
