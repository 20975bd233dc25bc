/**
 * The README's install steps, read from its code blocks and played in a scratch root: the steps that
 * need the network or an admin's hands are done the way they would be (the checkout is copied, the
 * editor writes the files the step names), `deploy/install.sh` runs as written with ROOT set.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TempFolder } from '../support/tmp.js';

const run = promisify(execFile);

/** The lines of the README's sh blocks that contain `deploy/install.sh <mode>`, comments dropped. */
export function readmeSteps(mode: string): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  const block = blocks.find((b) => new RegExp(`^deploy/install\\.sh ${mode}\\b`, 'm').test(b));
  if (block === undefined) throw new Error(`README.md has no sh block running deploy/install.sh ${mode}`);
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '');
}

export interface Account { uid: number; gid: number; home: string; shell: string }

/** A scratch root: etc/ with this machine's accounts (so useradd --prefix finds free ids), nothing else yet. */
export class ScratchRoot extends TempFolder {
  app = '';
  /** What the admin would write in their editor: file (absolute, as the README names it) -> text. */
  readonly edits = new Map<string, string>();
  readonly enabled: string[] = [];

  constructor() {
    super('tg-install-');
    mkdirSync(path.join(this.dir, 'etc'), { recursive: true });
    chmodSync(this.dir, 0o755);
    for (const file of ['passwd', 'group', 'shadow', 'gshadow']) {
      if (existsSync(`/etc/${file}`)) cpSync(`/etc/${file}`, path.join(this.dir, 'etc', file), { preserveTimestamps: true });
    }
  }

  /** A path inside the scratch root. */
  at(file: string): string {
    return path.join(this.dir, file);
  }

  account(name: string): Account | undefined {
    const line = readFileSync(this.at('etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (line === undefined) return undefined;
    const [, , uid, gid, , home, shell] = line.split(':');
    return { uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '' };
  }

  /** Plays one README line; throws on a line it does not know, so the README cannot drift from the test. */
  async play(line: string, node: string): Promise<string> {
    let m: RegExpMatchArray | null;
    if ((m = /^git clone <this repository> (\S+) && cd \1$/.exec(line))) {
      this.app = this.at(m[1]!);
      mkdirSync(this.app, { recursive: true });
      // What a clone holds for running (the tests' checkout is already built, as npm ci would).
      for (const part of ['bin', 'deploy', 'data', 'LINKS', 'assets', 'dist', 'package.json']) cpSync(path.join(REPO_ROOT, part), path.join(this.app, part), { recursive: true });
      return '';
    }
    if (line === 'npm ci && npm prune --omit=dev') return ''; // dist/ is copied; node_modules is bound in where a program runs.
    if ((m = /^deploy\/install\.sh ([a-z]+(?: [\w-]+)?)$/.exec(line))) {
      const { stdout } = await run('/bin/sh', [path.join(this.app, 'deploy', 'install.sh'), ...m[1]!.split(' ')], { cwd: this.app, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ROOT: this.dir, NODE: node } });
      return stdout;
    }
    if ((m = /^sudo -u (\S+) editor (.+)$/.exec(line))) {
      const account = this.account(m[1]!);
      if (account === undefined) throw new Error(`${line}: no user ${m[1]}`);
      for (const file of m[2]!.split(' ')) {
        const text = this.edits.get(file);
        if (text === undefined) continue;
        // Written as that user: the step works only if the user may write the file.
        const done = spawnSync(process.execPath, ['-e', 'require("fs").writeFileSync(process.argv[1], process.argv[2])', path.join(this.app, file), text], { uid: account.uid, gid: account.gid });
        if (done.status !== 0) throw new Error(`${line}: ${file} cannot be written as ${m[1]}: ${done.stderr.toString()}`);
      }
      return '';
    }
    if ((m = /^editor (.+)$/.exec(line))) {
      for (const file of m[1]!.split(' ')) {
        if (!existsSync(this.at(file))) throw new Error(`${line}: ${file} does not exist for the admin to edit`);
        const text = this.edits.get(file);
        if (text !== undefined) writeFileSync(this.at(file), text); // in place: owner and mode stay
      }
      return '';
    }
    if ((m = /^systemctl enable --now (.+)$/.exec(line))) {
      this.enabled.push(...m[1]!.split(' '));
      return '';
    }
    throw new Error(`README step the install test does not know: ${line}`);
  }

  /** Runs `command` in this root as `uid:gid`, with /usr, /dev, /proc and node_modules bound in. */
  async runAs(account: Account, command: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    for (const dir of ['usr', 'dev', 'proc', 'tmp', path.join(path.relative(this.dir, this.app), 'node_modules')]) mkdirSync(this.at(dir), { recursive: true });
    chmodSync(this.at('tmp'), 0o1777);
    for (const link of ['bin', 'lib', 'lib64', 'sbin']) if (!existsSync(this.at(link)) && existsSync(`/${link}`)) symlinkSync(`usr/${link}`, this.at(link));
    const script = [
      'set -e',
      'mount --rbind /usr "$1/usr"; mount --rbind /dev "$1/dev"; mount --rbind /proc "$1/proc"',
      'mount --bind "$2" "$1$3/node_modules"',
      'root=$1 user=$4; shift 5',
      'exec chroot --userspec="$user" "$root" /usr/bin/env -i "$@"',
    ].join('\n');
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const args = ['-m', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', this.dir, path.join(REPO_ROOT, 'node_modules'), path.relative(this.dir, this.app) === '' ? '' : `/${path.relative(this.dir, this.app)}`, `${account.uid}:${account.gid}`, '--', ...envArgs, '/bin/sh', '-c', command];
    return run('unshare', args).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
  }

  /** Removes the root; refuses if a bound folder is still mounted (it would reach the real /usr). */
  override remove(): void {
    for (const dir of ['usr', 'dev', 'proc']) {
      if (existsSync(this.at(dir)) && readdirSync(this.at(dir)).length > 0) throw new Error(`${this.at(dir)} is still mounted; not removing ${this.dir}`);
    }
    if (this.app !== '' && existsSync(path.join(this.app, 'node_modules')) && readdirSync(path.join(this.app, 'node_modules')).length > 0) throw new Error('node_modules still mounted');
    super.remove();
  }
}

/** True when this machine lets a test make a private mount namespace (root, and unshare allowed). */
export function canUnshare(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
}
