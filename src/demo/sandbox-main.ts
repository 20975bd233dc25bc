/**
 * `npm run sandbox`: the Bot API emulator on 127.0.0.1 with a copy of the examples, kept running so
 * that a person runs the real tg-get and tg-handler against it in another terminal and plays
 * Telegram's side by typing commands (see `help`).
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { OTHER_ADMIN } from '../emulator/index.js';
import { SandboxCommands } from './sandbox-commands.js';
import { DEMO_CHAT_ID, PACKAGE_ROOT, openSandbox } from './sandbox.js';

export interface SandboxIo {
  input: Readable;
  output: Writable;
  /** Whether a person types (a prompt is shown); a pipe gets plain lines. */
  interactive: boolean;
}

const USAGE = 'usage: npm run sandbox [-- --port N]';

function readPort(argv: string[]): number | undefined {
  const at = argv.indexOf('--port');
  if (at === -1) return undefined;
  const port = Number(argv[at + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${argv[at + 1] ?? ''}" is not a port number`);
  return port;
}

/** Runs the sandbox until `quit` or the end of the input; 0 then, 2 on a bad option. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, io: SandboxIo): Promise<number> {
  const out = (text: string) => io.output.write(`${text}\n`);
  let port: number | undefined;
  try {
    port = readPort(argv);
    const unknown = argv.find((a, i) => a !== '--port' && argv[i - 1] !== '--port');
    if (unknown !== undefined) throw new Error(`unknown option ${unknown}`);
  } catch (error) {
    out(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const sandbox = await openSandbox(env['TZ'] ?? 'UTC', { ...(port === undefined ? {} : { port }), prefix: 'tg-invite-tracker-sandbox-' });
  const emu = sandbox.emulator;
  try {
    // The admin's private chat stands for the review queue's admin chat.
    const adminChat = emu.addPrivateChat(OTHER_ADMIN);
    const bin = (name: string) => path.join(PACKAGE_ROOT, 'bin', name);
    out('tg-invite-tracker sandbox: Telegram is played by a Bot API emulator; nothing leaves this machine.');
    out(`Working folder (a copy of the examples): ${sandbox.dir}`);
    out('In another terminal:');
    out(`  cd ${sandbox.dir}`);
    out(`  export TELEGRAM_API_ROOT=${emu.apiRoot}`);
    out(`  export BOT_TOKEN=${emu.token}`);
    out(`  export CHAT_ID=${DEMO_CHAT_ID}`);
    out(`  export ADMIN_CHAT_ID=${adminChat}`);
    out(`  export TZ=${sandbox.env['TZ'] ?? 'UTC'}`);
    out(`  node ${bin('tg-get')}         # links, QR codes, posts (the samples' posts are months old: add --max-late off to send them)`);
    out(`  node ${bin('tg-handler')}     # the bot`);
    out('Type help for the commands, quit to stop.');
    const commands = new SandboxCommands(emu, DEMO_CHAT_ID, sandbox.dataDir);
    const lines = createInterface({ input: io.input, terminal: false });
    const prompt = () => io.interactive && io.output.write('sandbox> ');
    prompt();
    for await (const line of lines) {
      const text = line.trim();
      if (text === 'quit' || text === 'exit') break;
      try {
        const answer = await commands.run(text);
        if (answer !== '') out(answer);
      } catch (error) {
        out(`error: ${error instanceof Error ? error.message : String(error)}`);
      }
      prompt();
    }
    lines.close();
    out(`Sandbox stopped. Its files stay in ${sandbox.dir}`);
    return 0;
  } finally {
    await emu.stop();
  }
}

/** Entry for `npm run sandbox`. */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), process.env, {
    input: process.stdin,
    output: process.stdout,
    interactive: process.stdin.isTTY === true,
  });
  // After quit, a still-open stdin would keep the process alive.
  process.stdin.destroy();
}
