/**
 * Running tg-handler against the Bot API emulator: in-process through `main` (stopped with an
 * AbortSignal) or as the built bin (stopped with SIGTERM), in a temp folder of data files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BotApiEmulator, type EmulatorUser } from '../../src/emulator/index.js';
import { main, type HandlerDeps } from '../../src/handler-exec/main.js';
import { REPO_ROOT, TempFolder } from '../support/tmp.js';

export const BIN = path.join(REPO_ROOT, 'bin', 'tg-handler');
export const GROUP = -1001234567890;
export const INVITE_HEADER = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire';
export const LEGACY_RESPONSE_HEADER = 'id_link\tid_tg\ttg_f_name\ttg_l_name\tdt_tg_responde\ttg_responde_status';
export const RESPONSE_HEADER = `${LEGACY_RESPONSE_HEADER}\ttg_username\tlink\tchat_id\ttg_request_date\tdecided_by\treason`;

export const anna: EmulatorUser = { id: 4201, first_name: 'Anna', last_name: 'Berg', username: 'anna' };
export const boris: EmulatorUser = { id: 4202, first_name: 'Boris' };
export const robot: EmulatorUser = { id: 4299, is_bot: true, first_name: 'Spam', username: 'spam_bot' };

/** A registry row: the link's name, and the full URL once made. */
export function inviteLine(id: string, link: string, expire = ''): string {
  return `${id}\t${id}@example.org\tLINKS\t${GROUP}\t\t${link}\t2026-01-01 10:00\t${expire}`;
}

/** tg-handler's test bed: a temp working folder with data/ (key_bb.txt copied from the repo) and an emulator with the group. */
export class Testbed extends TempFolder {
  private constructor(readonly emu: BotApiEmulator) {
    super('tg-handler-');
    mkdirSync(this.path('data'));
    writeFileSync(this.path('data', 'key_bb.txt'), readFileSync(path.join(REPO_ROOT, 'data', 'key_bb.txt')));
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'The Club' });
  }

  /** `now`: the emulator's clock (the dates of the updates it makes), e.g. to put events seconds apart. */
  static async create(options: { now?: () => number } = {}): Promise<Testbed> {
    return new Testbed(await BotApiEmulator.start(options.now === undefined ? {} : { now: options.now }));
  }

  /** The join log's rows as objects by header name (blank lines skipped). */
  responses(): Record<string, string>[] {
    const [header = '', ...lines] = this.read('data/responde_data.txt').split(/\r?\n/);
    const names = header.split('\t');
    return lines.filter((l) => l.trim() !== '').map((l) => Object.fromEntries(names.map((n, i) => [n, l.split('\t')[i] ?? ''])));
  }

  /** A link the bot itself made (so it sees it whole), as tg-get would: createChatInviteLink. */
  async botLink(name: string): Promise<string> {
    const response = await fetch(`${this.emu.apiRoot}/bot${this.emu.token}/createChatInviteLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: GROUP, name, creates_join_request: true }),
    });
    const body = (await response.json()) as { ok: boolean; result: { invite_link: string } };
    if (!body.ok) throw new Error(`createChatInviteLink failed: ${JSON.stringify(body)}`);
    return body.result.invite_link;
  }

  /** Calls any Bot API method as the bot, outside tg-handler (test set-up). */
  async api(method: string, params: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(`${this.emu.apiRoot}/bot${this.emu.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await response.json()) as { ok: boolean; result: unknown };
    if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body)}`);
    return body.result;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { BOT_TOKEN: this.emu.token, CHAT_ID: String(GROUP), TELEGRAM_API_ROOT: this.emu.apiRoot, TZ: 'UTC', ...extra };
  }

  /** Every file under the folder, for the "token never written" check. */
  allFileText(): string {
    const texts: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else texts.push(readFileSync(full, 'utf8'));
      }
    };
    walk(this.dir);
    return texts.join('\n');
  }

  async close(): Promise<void> {
    await this.emu.stop();
    this.remove();
  }
}

/** tg-handler running in this process through `main`. */
export class InProcess {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly done: Promise<number>;
  readonly ready: Promise<void>;
  private readonly controller = new AbortController();

  constructor(world: Testbed, argv: string[] = [], deps: HandlerDeps = {}, env: Record<string, string> = world.env()) {
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve) => (markReady = resolve));
    const io = { cwd: world.dir, out: (l: string) => this.out.push(l), err: (l: string) => this.err.push(l) };
    this.done = main(argv, env, io, { signal: this.controller.signal, onReady: markReady, ...deps });
    // A start-up failure never calls onReady: let `ready` settle then too.
    void this.done.then(markReady, markReady);
  }

  /** Stops it as SIGTERM would; resolves with the exit code. */
  stop(): Promise<number> {
    this.controller.abort();
    return this.done;
  }

  get output(): string {
    return [...this.out, ...this.err].join('\n');
  }
}

/** Starts tg-handler in-process and waits until it is polling. */
export async function startHandler(world: Testbed, argv: string[] = [], deps: HandlerDeps = {}): Promise<InProcess> {
  const run = new InProcess(world, ['--data-dir', world.path('data'), ...argv], deps);
  await run.ready;
  return run;
}

/** The built bin as a child process. */
export class Child {
  readonly process: ChildProcess;
  out = '';
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private watchers: Array<() => void> = [];

  constructor(world: Testbed, argv: string[], env: Record<string, string> = world.env()) {
    this.process = spawn(process.execPath, [BIN, '--data-dir', world.path('data'), ...argv], {
      cwd: world.dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk: Buffer) => this.took(() => (this.out += chunk.toString('utf8'))));
    this.process.stderr?.on('data', (chunk: Buffer) => this.took(() => (this.err += chunk.toString('utf8'))));
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Kills it (SIGKILL) if it still runs, and waits for its end: for a test's clean-up after a failure. */
  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves once stdout+stderr match `pattern` `count` times; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, count = 1, timeoutMs = 10_000): Promise<void> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const matched = (): boolean => (`${this.out}\n${this.err}`.match(global)?.length ?? 0) >= count;
    if (matched()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count}x ${pattern} within ${timeoutMs} ms; output:\n${this.out}\n${this.err}`)), timeoutMs);
      const check = (): void => {
        if (!matched()) return;
        clearTimeout(timer);
        this.watchers = this.watchers.filter((w) => w !== check);
        resolve();
      };
      this.watchers.push(check);
    });
  }

  private took(append: () => void): void {
    append();
    for (const watcher of [...this.watchers]) watcher();
  }
}

/**
 * A pass-through between tg-handler and the emulator that can act after Telegram has carried a call
 * out and before the bot hears the answer: the exact moment a crash loses the answer.
 */
export class ApiTap {
  private readonly hooks = new Map<string, () => Promise<void>>();
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(private readonly server: http.Server, readonly apiRoot: string) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(target: string): Promise<ApiTap> {
    let tap: ApiTap | undefined;
    const server = http.createServer((req, res) => void tap?.relay(target, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    tap = new ApiTap(server, `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    return tap;
  }

  /** Runs `action` once, when the emulator has answered the next call of `method`, before relaying the answer. */
  beforeAnswer(method: string, action: () => Promise<void>): void {
    this.hooks.set(method, action);
  }

  private async relay(target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = (req.url ?? '').split('/').pop() ?? '';
    try {
      const answer = await fetch(`${target}${req.url ?? ''}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = Buffer.from(await answer.arrayBuffer());
      const hook = this.hooks.get(method);
      if (hook !== undefined) {
        this.hooks.delete(method);
        await hook();
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
    } catch {
      res.destroy();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
