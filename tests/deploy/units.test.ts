import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, TempFolder } from '../support/tmp.js';

const run = promisify(execFile);
const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const UNITS = ['tg-handler.service', 'tg-get.service', 'tg-get.timer'];
/** The templates, verified as an instance each (verify wants a unit it could start). */
const TEMPLATES: Record<string, string> = { 'tg-handler@.service': 'tg-handler@club-a.service', 'tg-get@.service': 'tg-get@club-a.service', 'tg-get@.timer': 'tg-get@club-a.timer' };

let tmp: TempFolder;
let dir: string;
beforeAll(async () => {
  dir = (tmp = new TempFolder('tg-units-')).dir;
  // The units name /opt/tg-invite-tracker and /usr/bin/node; point them at this checkout and this node.
  for (const unit of UNITS) {
    const text = (await readFile(path.join(REPO_ROOT, 'deploy', unit), 'utf8'))
      .replaceAll('/opt/tg-invite-tracker', REPO_ROOT)
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('User=tg-tracker', 'User=root')
      .replaceAll('Group=tg-tracker', 'Group=root');
    await writeFile(path.join(dir, unit), text);
  }
  for (const [template, instance] of Object.entries(TEMPLATES)) {
    const text = (await readFile(path.join(REPO_ROOT, 'deploy', template), 'utf8'))
      .replaceAll('/opt/tg-invite-tracker', REPO_ROOT)
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('User=tg-tracker', 'User=root')
      .replaceAll('Group=tg-tracker', 'Group=root');
    await writeFile(path.join(dir, instance), text);
  }
});
afterAll(() => tmp.remove());

describe('deploy/ units', () => {
  it('keep the token out of the command line and the environment, and restrict writes to data/ and LINKS/', async () => {
    for (const unit of ['tg-handler.service', 'tg-get.service']) {
      const text = await readFile(path.join(REPO_ROOT, 'deploy', unit), 'utf8');
      expect(text).toMatch(/^LoadCredential=bot-token:/m);
      expect(text).toMatch(/--token-file \$\{CREDENTIALS_DIRECTORY\}\/bot-token/);
      expect(text).not.toMatch(/BOT_TOKEN/);
      expect(text).toMatch(/^ProtectSystem=strict$/m);
      expect(text).toMatch(/^ReadWritePaths=\/opt\/tg-invite-tracker\/data \/opt\/tg-invite-tracker\/LINKS$/m);
      expect(text).toMatch(/^NoNewPrivileges=yes$/m);
    }
    expect(await readFile(path.join(REPO_ROOT, 'deploy', 'tg-handler.service'), 'utf8')).toMatch(/^Restart=on-failure$/m);
  });

  it('name themselves in the journal (SyslogIdentifier=), so journalctl -t finds their lines', async () => {
    const expected: Record<string, string> = { 'tg-handler.service': 'tg-handler', 'tg-get.service': 'tg-get', 'tg-handler@.service': 'tg-handler@%i', 'tg-get@.service': 'tg-get@%i' };
    for (const [unit, identifier] of Object.entries(expected)) {
      const text = await readFile(path.join(REPO_ROOT, 'deploy', unit), 'utf8');
      expect({ unit, lines: text.match(/^SyslogIdentifier=.*$/gm) }).toEqual({ unit, lines: [`SyslogIdentifier=${identifier}`] });
    }
  });

  it('templates: each instance has its own settings, credential and working folder, and writes only that folder', async () => {
    for (const unit of ['tg-handler@.service', 'tg-get@.service']) {
      const text = await readFile(path.join(REPO_ROOT, 'deploy', unit), 'utf8');
      expect(text).toMatch(/^EnvironmentFile=\/etc\/tg-invite-tracker\/%i\/env$/m);
      expect(text).toMatch(/^LoadCredential=bot-token:\/etc\/tg-invite-tracker\/%i\/bot-token$/m);
      expect(text).toMatch(/--token-file \$\{CREDENTIALS_DIRECTORY\}\/bot-token/);
      expect(text).toMatch(/^WorkingDirectory=\/var\/lib\/tg-invite-tracker\/%i$/m);
      expect(text).toMatch(/^StateDirectory=tg-invite-tracker\/%i$/m);
      expect(text).toMatch(/^ProtectSystem=strict$/m);
      expect(text).not.toMatch(/^ReadWritePaths=/m);
      expect(text).not.toMatch(/BOT_TOKEN/);
    }
    expect(await readFile(path.join(REPO_ROOT, 'deploy', 'tg-get@.timer'), 'utf8')).toMatch(/^Unit=tg-get@%i\.service$/m);
  });

  (analyze ? it : it.skip)('are accepted by systemd-analyze verify', async () => {
    const files = [...UNITS, ...Object.values(TEMPLATES)].map((u) => path.join(dir, u));
    const { stderr } = await run(analyze!, ['verify', ...files], { env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } }).catch((e: { stderr: string; code: number }) => {
      throw new Error(`systemd-analyze verify failed (${e.code}):\n${e.stderr}`);
    });
    // Warnings about the machine (no /etc/tg-invite-tracker here) are fine; unit syntax problems are not.
    const relevant = stderr.split('\n').filter((l) => l.includes(dir) && !/EnvironmentFile|LoadCredential|bot-token/.test(l));
    expect(relevant).toEqual([]);
  });
});
