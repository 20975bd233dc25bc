/**
 * `tg-get report` as the admin runs it: the built bin (npm run build first), no token, no chat.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Papa from 'papaparse';
import { REPO_ROOT, TempFolder } from '../../support/tmp.js';
import { GROUP, LINK, responseFileText, storyInviteText, storyResponseText, writeDataFiles, ZONE } from './fixtures.js';

let tmp: TempFolder;
let dir: string;
beforeEach(async () => {
  dir = (tmp = new TempFolder('tg-report-cli-')).dir;
});
afterEach(async () => {
  tmp.remove();
});

function tgGet(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Only what the command needs: no BOT_TOKEN, no CHAT_ID.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: ZONE, ...extraEnv };
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

  it('counts the membership story for one group: members, retention, the max_members mark, the daily CSV', async () => {
    // The bin reads the real clock: the story is dated back from now (its nearest ages are days from the 7- and 30-day marks).
    writeDataFiles(dir, { invites: storyInviteText(), responses: storyResponseText(new Date()) });
    const data = ['--data-dir', path.join(dir, 'data'), '--links-dir', path.join(dir, 'LINKS')];
    const result = await tgGet(['report', ...data, '--chat', GROUP, '--csv', 'r.csv', '--daily-csv', 'out/d.csv', '--html', 'page.html'], dir, { CHAT_ID: GROUP });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^id\s+id_adress\s+link\s+approved\s+declined\s+pending\s+joined\s+left\s+removed\s+members\s+kept 7d\s+kept 30d\s+max_members/m);
    expect(result.stdout).toMatch(/^solo\s.*\s1 OVER\s/m);
    expect(result.stdout).not.toMatch(/^other\s/m);
    // By hand (fixtures.ts STORY, without the other group's row): 4 + 1 approved through links, 1 unattributed; 7 in now.
    expect(result.stdout).toMatch(/report: 6 joins through 3 of 4 links, 7 members now/);
    const csv = Papa.parse<Record<string, string>>(await readFile(path.join(dir, 'r.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.data.map((r) => r.id)).toEqual(['anna-2026', 'boris', 'clara', 'solo', '(unattributed)']);
    const anna = csv.data[0]!;
    expect([anna.approved, anna.left, anna.removed, anna.members, anna.retained_7d, anna.retained_30d]).toEqual(['4', '2', '1', '1', '0.333', '0.5']);
    expect([csv.data[1]!.declined, csv.data[1]!.pending, csv.data[1]!.joined, csv.data[1]!.members]).toEqual(['1', '1', '2', '2']);
    expect(csv.data[3]!.over_max_members).toBe('yes');
    const daily = Papa.parse<Record<string, string>>(await readFile(path.join(dir, 'out', 'd.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    expect(daily.meta.fields).toEqual(['date', 'id', 'joins', 'leaves']);
    // 12 (day, link) pairs with a join or a leave in the group; 10 joins and 4 leaves in all.
    expect(daily.data).toHaveLength(12);
    expect(daily.data.reduce((n, r) => n + Number(r.joins), 0)).toBe(10);
    expect(daily.data.reduce((n, r) => n + Number(r.leaves), 0)).toBe(4);
    const html = await readFile(path.join(dir, 'page.html'), 'utf8');
    expect(html).toContain('class="chart members-chart"');
    expect(html).toMatch(/<tr class="over-limit" data-link="solo">/);
  });

  it('counts only the events between --since and --until, and names a bad date', async () => {
    writeDataFiles(dir, { invites: storyInviteText(), responses: storyResponseText(new Date()) });
    const data = ['--data-dir', path.join(dir, 'data'), '--links-dir', path.join(dir, 'LINKS')];
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    // From 50 days ago to 30 days ago (dates in TZ): 5's approval (45), 1's and 2's (40); 2's leave (35).
    const window = await tgGet(['report', ...data, '--since', day(50), '--until', day(30), '--csv', 'w.csv'], dir);
    expect(window.code).toBe(0);
    const csv = Papa.parse<Record<string, string>>(await readFile(path.join(dir, 'w.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    const anna = csv.data.find((r) => r.id === 'anna-2026')!;
    expect([anna.approved, anna.left, anna.removed, anna.members]).toEqual(['3', '1', '0', '1']);
    const bad = await tgGet(['report', ...data, '--since', '2026-13-01', '--chat', 'group'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since: "2026-13-01" is not a date/);
    expect(bad.stderr).toMatch(/--chat: "group" is not a group id/);
  });

  it('shows a warning of the join log (a time the clocks skip) beside the problems, and counts the row', async () => {
    const gap = ['anna-2026', '777', 'G', '', '2026-03-29 02:30:00', 'approve', '', LINK.anna, GROUP, ''].join('\t');
    writeDataFiles(dir, { responses: `${responseFileText()}${gap}\n` });
    const result = await tgGet(['report', '--data-dir', path.join(dir, 'data'), '--links-dir', path.join(dir, 'LINKS')], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/responde_data\.txt:\d+:\d+ \(dt_tg_responde\).*\(counted as read\)/);
    expect(result.stdout).toMatch(/report: 7 joins through 4 of 6 links/);
  });
});
