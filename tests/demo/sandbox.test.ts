import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/tmp.js';

/** The sandbox as a person uses it: commands on its standard input, answers on its output. */
class Driver {
  output = '';
  private read = 0;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  /** Waits until the output after what was read so far matches; returns that new output. */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output.slice(this.read))) {
      if (Date.now() > deadline) throw new Error(`no output matching ${pattern}; got:\n${this.output.slice(this.read)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const fresh = this.output.slice(this.read);
    this.read = this.output.length;
    return fresh;
  }

  /** Sends one command line and returns its answer (up to a line matching `pattern`). */
  async send(line: string, pattern: RegExp): Promise<string> {
    this.read = this.output.length;
    this.child.stdin.write(`${line}\n`);
    return this.until(pattern);
  }
}

function env(output: string, name: string): string {
  const value = new RegExp(`export ${name}=(\\S+)`).exec(output)?.[1];
  if (value === undefined) throw new Error(`the sandbox printed no ${name}`);
  return value;
}

describe('npm run sandbox (the built dist/demo/sandbox-run.js)', () => {
  it('prints what to use, takes commands on stdin, and plays Telegram for the real bins', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'demo', 'sandbox-run.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    const sandbox = new Driver(child);
    const banner = await sandbox.until(/Type help/);
    const root = env(banner, 'TELEGRAM_API_ROOT');
    const token = env(banner, 'BOT_TOKEN');
    const chatId = Number(env(banner, 'CHAT_ID'));
    const adminChat = Number(env(banner, 'ADMIN_CHAT_ID'));
    const dir = /Working folder \(a copy of the examples\): (\S+)/.exec(banner)?.[1] ?? '';
    expect(root).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(chatId).toBeLessThan(0);
    expect(dir).toMatch(/tg-invite-tracker-sandbox-/);
    const api = async (method: string, params: Record<string, unknown> = {}): Promise<any> => {
      const response = await fetch(`${root}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
      return ((await response.json()) as { result: unknown }).result;
    };
    const updates = async (): Promise<any[]> => {
      const list = (await api('getUpdates', { allowed_updates: ['message', 'callback_query', 'chat_join_request', 'chat_member'] })) as any[];
      if (list.length > 0) await api('getUpdates', { offset: list[list.length - 1].update_id + 1 });
      return list;
    };
    try {
      expect(await sandbox.send('help', /quit/)).toMatch(/join USER LINK_ID[\s\S]*start USER[\s\S]*press USER "BUTTON TEXT"[\s\S]*leave USER[\s\S]*calls/);
      expect(await sandbox.send('join anna anna-2026', /\n/)).toBe('error: row anna-2026 has no link yet: run tg-get first\n');
      expect(await sandbox.send('dance', /\n/)).toBe('error: unknown command "dance"; type help\n');

      // The real tg-get, run as the banner says, makes the registry's links in the sandbox.
      const get = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'tg-get'), 'links'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TELEGRAM_API_ROOT: root, BOT_TOKEN: token, CHAT_ID: String(chatId), TZ: 'UTC' },
        stdio: 'ignore',
      });
      expect(await new Promise((resolve) => get.on('close', resolve))).toBe(0);
      const registry = await readFile(path.join(dir, 'data', 'invite_data.txt'), 'utf8');
      const annaLink = /^anna-2026\t.*(https:\/\/t\.me\/\+[\w-]+)/m.exec(registry)?.[1];
      expect(annaLink).toBeDefined();

      expect(await sandbox.send('join anna anna-2026', /\n/)).toMatch(/^update \d+: chat_join_request from Anna \(7001\) through anna-2026 \(https:/);
      const [request] = await updates();
      expect(request.chat_join_request).toMatchObject({ chat: { id: chatId }, from: { id: 7001, first_name: 'Anna' }, invite_link: { invite_link: annaLink } });

      await sandbox.send('start anna', /\/start from Anna/);
      expect((await updates())[0].message).toMatchObject({ text: '/start', from: { id: 7001 } });
      await api('sendMessage', { chat_id: 7001, text: 'Menu', reply_markup: { inline_keyboard: [[{ text: 'Get the file', callback_data: 'file' }]] } });
      expect(await sandbox.send('press anna "Get the file"', /\n/)).toMatch(/^update \d+: Anna \(7001\) pressed "Get the file" \(callback_data "file"\)/);
      expect((await updates())[0].callback_query).toMatchObject({ from: { id: 7001 }, data: 'file' });
      expect(await sandbox.send('press anna "Nope"', /\n/)).toMatch(/^error: the bot has sent Anna \(7001\) no message with a button "Nope"/);

      await api('approveChatJoinRequest', { chat_id: chatId, user_id: 7001 });
      await updates();
      await sandbox.send('leave anna', /left/);
      expect((await updates())[0].chat_member).toMatchObject({ from: { id: 7001 }, new_chat_member: { status: 'left' } });

      // A link an admin made in the app, a request through it, and the admin approving in the app.
      const foreign = (await sandbox.send('admin-link flyer', /\n/)).trim();
      await sandbox.send(`join sam ${foreign}`, /chat_join_request from Sam/);
      await sandbox.send('approve-as-admin sam', /approved by the admin/);
      const [, approved] = await updates();
      expect(approved.chat_member).toMatchObject({ from: { id: adminChat }, via_join_request: true, new_chat_member: { user: { first_name: 'Sam' } } });
      expect(approved.chat_member.invite_link.invite_link).toMatch(/…$/);

      const calls = await sandbox.send('calls', /approveChatJoinRequest/);
      expect(calls).toMatch(/#\d+ createChatInviteLink 200 chat_id=/);
      expect(calls).toMatch(/#\d+ sendMessage 200 chat_id=7001 text="Menu"/);
      expect(calls).not.toContain(token.split(':')[1]);
      expect(await sandbox.send('calls', /\n/)).toBe('no new calls\n');

      child.stdin.write('quit\n');
      expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
      expect(sandbox.output).toContain(`Sandbox stopped. Its files stay in ${dir}`);
    } finally {
      child.kill();
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
