import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { GROUP, INVITE_HEADER, startEmulator } from '../get-exec/helpers.js';
import { REPO_ROOT } from '../support/tmp.js';
import { canUnshare, readmeSteps, ScratchRoot, type Account } from './readme-install.js';

const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const unshare = canUnshare();
const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const APP = '/opt/tg-invite-tracker';
const CONF = '/etc/tg-invite-tracker';
const TOKEN_TEXT = (emu: BotApiEmulator) => `${emu.token}\n`;
if (!asRoot) console.warn('install.test.ts: skipped; running deploy/install.sh needs root (it creates a user and root-owned files)');
else if (!unshare) console.warn('install.test.ts: the cron job is not run as tg-tracker here; this machine allows no private mount namespace (unshare -m)');
if (!analyze) console.warn('install.test.ts: systemd-analyze is absent; the installed units are compared with deploy/ but not verified');

/** Mode bits and owner of a file in the root, as `640 0:995`. */
function perms(root: ScratchRoot, file: string): string {
  const st = lstatSync(root.at(file));
  return `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
}

/** deploy/FILE as install.sh writes it for a checkout in /opt/tg-invite-tracker and this node. */
function rendered(file: string): string {
  return readFileSync(path.join(REPO_ROOT, 'deploy', file), 'utf8').replaceAll('/usr/bin/node', process.execPath);
}

/** The data files of the admin's first edit: one invitee. */
const REGISTRY = `${INVITE_HEADER}\nanna-2026\tanna@example.org\tLINKS\n`;

function commonChecks(root: ScratchRoot, user: Account): void {
  expect(user).toMatchObject({ home: APP, shell: '/usr/sbin/nologin' });
  expect(user.uid).toBeLessThan(1000); // a system account
  expect(statSync(root.at(APP)).uid).toBe(0); // the code stays root's: the service cannot change it
  expect(statSync(root.at(`${APP}/bin/tg-get`)).uid).toBe(0);
  for (const dir of ['data', 'LINKS']) {
    expect(perms(root, `${APP}/${dir}`)).toBe(`750 ${user.uid}:${user.gid}`);
    for (const f of readdirSync(root.at(`${APP}/${dir}`))) expect(statSync(root.at(`${APP}/${dir}/${f}`)).uid).toBe(user.uid);
  }
  expect(perms(root, CONF)).toBe(`750 0:${user.gid}`);
  expect(perms(root, `${CONF}/env`)).toBe(`640 0:${user.gid}`);
  expect(readlinkSync(root.at(`${APP}/.env`))).toBe(`${CONF}/env`);
}

(asRoot ? describe : describe.skip)('the README install steps, cron (deploy/install.sh cron in a scratch root)', () => {
  let emu: BotApiEmulator;
  let root: ScratchRoot;
  let user: Account;
  beforeAll(async () => {
    emu = await startEmulator();
    root = new ScratchRoot();
    root.edits.set('data/invite_data.txt', REGISTRY);
    root.edits.set(`${CONF}/bot-token`, TOKEN_TEXT(emu));
    root.edits.set(`${CONF}/env`, `CHAT_ID=${GROUP}\nTZ=Asia/Kolkata\nTELEGRAM_API_ROOT=${emu.apiRoot}\n`);
    for (const line of readmeSteps('cron')) await root.play(line, process.execPath);
    user = root.account('tg-tracker')!;
  }, 60_000);
  afterAll(async () => {
    await emu.stop();
    root?.remove();
  });

  it('makes the user, the folders and the files with the owners and modes cron needs', () => {
    commonChecks(root, user);
    // cron hands no credential over: the token file is readable by the service's group, by no one else.
    expect(perms(root, `${CONF}/bot-token`)).toBe(`640 0:${user.gid}`);
    expect(perms(root, '/var/log/tg-invite-tracker')).toBe(`750 ${user.uid}:${user.gid}`);
    // cron skips a file in cron.d that is group- or world-writable or not root's.
    expect(perms(root, '/etc/cron.d/tg-invite-tracker')).toBe('644 0:0');
    expect(root.enabled).toEqual([]);
  });

  it('installs deploy/crontab as written: a job of tg-tracker in the checkout, with the token file and the log folder', () => {
    expect(readFileSync(root.at('/etc/cron.d/tg-invite-tracker'), 'utf8')).toBe(rendered('crontab'));
    const job = readFileSync(root.at('/etc/cron.d/tg-invite-tracker'), 'utf8').split('\n').find((l) => /^[*\d]/.test(l));
    expect(job).toMatch(new RegExp(`^(\\S+\\s+){5}tg-tracker\\s+cd ${APP} && .*--token-file ${CONF}/bot-token >> /var/log/tg-invite-tracker/tg-get\\.log 2>&1$`));
  });

  (unshare ? it : it.skip)('its job, run as tg-tracker in that root, makes the link, writes the QR code and logs in local time', async () => {
    const file = readFileSync(root.at('/etc/cron.d/tg-invite-tracker'), 'utf8').split('\n');
    const env = Object.fromEntries(file.filter((l) => /^[A-Z]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const command = /^(?:\S+\s+){5}\S+\s+(.*)$/.exec(file.find((l) => /^[*\d]/.test(l))!)![1]!;
    // cron gives a job LOGNAME, HOME (from passwd) and the file's variables, nothing else.
    const ran = await root.runAs(user, command, { ...env, HOME: user.home, LOGNAME: 'tg-tracker' });
    expect(ran).toEqual({ code: 0, stderr: '' });
    const log = readFileSync(root.at('/var/log/tg-invite-tracker/tg-get.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 1 links? made, 1 QR codes? written, 0 posts sent, 0 rows? failed$/m);
    expect(log).not.toContain(emu.token);
    expect(emu.inviteLinks(GROUP)).toHaveLength(1);
    expect(readFileSync(root.at(`${APP}/data/invite_data.txt`), 'utf8')).toContain(emu.inviteLinks(GROUP)[0]!.invite_link);
    expect(perms(root, `${APP}/data/invite_data.txt`)).toMatch(new RegExp(` ${user.uid}:${user.gid}$`));
    expect(statSync(root.at(`${APP}/LINKS/anna-2026.png`)).uid).toBe(user.uid);
  }, 60_000);
});

(asRoot ? describe : describe.skip)('the README install steps, systemd (deploy/install.sh systemd, then an instance)', () => {
  let root: ScratchRoot;
  let user: Account;
  beforeAll(async () => {
    root = new ScratchRoot();
    root.edits.set('data/invite_data.txt', REGISTRY);
    root.edits.set(`${CONF}/bot-token`, '123456789:AAExampleExampleExampleExample_abc\n');
    for (const line of [...readmeSteps('systemd'), ...readmeSteps('instance')]) await root.play(line, process.execPath);
    user = root.account('tg-tracker')!;
  }, 60_000);
  afterAll(() => root?.remove());

  it('makes the user, the folders and the files; the token is root\'s alone, as a credential needs', () => {
    commonChecks(root, user);
    expect(perms(root, `${CONF}/bot-token`)).toBe('600 0:0');
    expect(readFileSync(root.at(`${APP}/data/invite_data.txt`), 'utf8')).toBe(REGISTRY);
    expect(existsSync(root.at('/etc/cron.d'))).toBe(false);
  });

  it('installs the units of deploy/ with this machine\'s paths, and every unit the README enables exists', () => {
    for (const unit of ['tg-handler.service', 'tg-get.service', 'tg-get.timer', 'tg-handler@.service', 'tg-get@.service', 'tg-get@.timer']) {
      expect(perms(root, `/etc/systemd/system/${unit}`)).toBe('644 0:0');
      expect(readFileSync(root.at(`/etc/systemd/system/${unit}`), 'utf8')).toBe(rendered(unit));
    }
    expect(root.enabled).toEqual(['tg-handler.service', 'tg-get.timer', 'tg-handler@club-a.service', 'tg-get@club-a.timer']);
    for (const unit of root.enabled) expect(existsSync(root.at(`/etc/systemd/system/${unit.replace(/@[^.]+/, '@')}`))).toBe(true);
  });

  it('an instance gets its own settings, token and working folder, started from the data files\' headers', () => {
    expect(perms(root, `${CONF}/club-a`)).toBe(`750 0:${user.gid}`);
    expect(perms(root, `${CONF}/club-a/env`)).toBe(`640 0:${user.gid}`);
    expect(perms(root, `${CONF}/club-a/bot-token`)).toBe('600 0:0');
    for (const dir of ['', '/data', '/LINKS', '/assets']) expect(perms(root, `/var/lib/tg-invite-tracker/club-a${dir}`)).toBe(`750 ${user.uid}:${user.gid}`);
    // The first bot's registry has a row by now: the new bot starts from the headers, not from that row.
    for (const f of ['invite_data.txt', 'text_schedule.txt', 'responde_data.txt', 'key_bb.txt', 'menu.json']) {
      expect({ f, text: readFileSync(root.at(`/var/lib/tg-invite-tracker/club-a/data/${f}`), 'utf8') }).toEqual({ f, text: readFileSync(path.join(REPO_ROOT, 'data', f), 'utf8') });
      expect(perms(root, `/var/lib/tg-invite-tracker/club-a/data/${f}`)).toBe(`640 ${user.uid}:${user.gid}`);
    }
  });

  it('runs again without touching what the admin edited', async () => {
    await root.play('deploy/install.sh systemd', process.execPath);
    expect(readFileSync(root.at(`${CONF}/bot-token`), 'utf8')).toBe('123456789:AAExampleExampleExampleExample_abc\n');
    expect(readFileSync(root.at(`${APP}/data/invite_data.txt`), 'utf8')).toBe(REGISTRY);
    expect(perms(root, `${CONF}/bot-token`)).toBe('600 0:0');
  });

  (analyze ? it : it.skip)('the installed units the README enables pass systemd-analyze verify', async () => {
    const units = root.enabled.map((u) => root.at(`/etc/systemd/system/${u.replace(/@[^.]+/, '@')}`));
    // verify checks the paths a unit names on this machine: point them into the scratch root.
    const { mkdir, writeFile, rm } = await import('node:fs/promises');
    const dir = root.at('verify');
    await mkdir(dir);
    try {
      const files: string[] = [];
      for (const [i, unit] of root.enabled.entries()) {
        const text = readFileSync(units[i]!, 'utf8').replaceAll(APP, root.at(APP)).replaceAll('User=tg-tracker', 'User=root').replaceAll('Group=tg-tracker', 'Group=root');
        await writeFile(path.join(dir, unit), text);
        files.push(path.join(dir, unit));
      }
      // An instance's timer names its service: verify needs that one beside it.
      await writeFile(path.join(dir, 'tg-get@club-a.service'), readFileSync(root.at('/etc/systemd/system/tg-get@.service'), 'utf8').replaceAll(APP, root.at(APP)).replace('User=tg-tracker', 'User=root').replace('Group=tg-tracker', 'Group=root'));
      const { stderr } = await exec(analyze!, ['verify', ...files], { env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } }).catch((e: { stderr: string; code: number }) => {
        throw new Error(`systemd-analyze verify failed (${e.code}):\n${e.stderr}`);
      });
      const relevant = stderr.split('\n').filter((l) => l.includes(dir) && !/EnvironmentFile|LoadCredential|bot-token/.test(l));
      expect(relevant).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
