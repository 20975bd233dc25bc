/**
 * `npm run demo`: the whole job on the sample data, with no token and no network. A local Bot API
 * emulator stands in for Telegram; the real tg-get and tg-handler run against it on a copy of examples/.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmulatorUser } from '../emulator/index.js';
import { INVITE_FILE, RESPONSE_FILE } from '../shared/files/names.js';
import { parseTable } from '../shared/files/tsv.js';
import { DEMO_CHAT_ID, openSandbox, runBin, startBin, waitForLine, type Sandbox } from './sandbox.js';

const ZONE = 'UTC';
const out = (line = '') => process.stdout.write(`${line}\n`);
const indent = (line: string) => out(`    ${line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, '')}`);

const ANNA: EmulatorUser = { id: 5001, first_name: 'Anna', last_name: 'Kowalska', username: 'anna_k' };
const SPAM_BOT: EmulatorUser = { id: 5002, is_bot: true, first_name: 'FreeCrypto', username: 'free_crypto_bot' };
const STRANGER: EmulatorUser = { id: 5003, first_name: 'Sam', username: 'sam_somebody' };

function heading(text: string): void {
  out();
  out(`== ${text}`);
}

/** The registry's links by row id, read from the sandbox's invite_data.txt. */
async function registryLinks(sandbox: Sandbox): Promise<Map<string, string>> {
  const table = parseTable(await readFile(path.join(sandbox.dataDir, INVITE_FILE), 'utf8'), INVITE_FILE);
  const id = table.header.cells.indexOf('id');
  const link = table.header.cells.indexOf('link');
  return new Map(table.rows.filter((r) => !r.blank).map((r) => [r.cells[id] ?? '', r.cells[link] ?? '']));
}

/** The callback_data of the button labelled `label` in the bot's last message to `user`. */
function buttonData(sandbox: Sandbox, user: EmulatorUser, label: string): { messageId: number; data: string } {
  const messages = sandbox.emulator.messages(user.id);
  const last = messages[messages.length - 1];
  const keyboard = (last?.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  const button = keyboard.flat().find((b) => b.text === label);
  if (last === undefined || button?.callback_data === undefined) throw new Error(`the bot's menu has no "${label}" button`);
  return { messageId: last.message_id, data: button.callback_data };
}

async function story(sandbox: Sandbox): Promise<void> {
  const emu = sandbox.emulator;

  heading('1. tg-get: make an invite link and a QR code per registry row, post what is due');
  // The sample posts are dated January 2026: sent however late, which a real run (--max-late 1d) would not do.
  const get = await runBin(sandbox, 'tg-get', ['--max-late', 'off'], indent);
  if (get.code !== 0) throw new Error(`tg-get exited with ${get.code}`);

  heading('2. tg-handler starts (long polling, as under systemd)');
  const handlerLines: string[] = [];
  const handler = startBin(sandbox, 'tg-handler', [], (line) => {
    handlerLines.push(line);
    indent(line);
  });
  await waitForLine(handler, handlerLines, /started as @/);

  const links = await registryLinks(sandbox);
  const annaLink = links.get('anna-2026');
  const borisLink = links.get('boris-2026');
  if (!annaLink || !borisLink) throw new Error('tg-get did not fill in the links of anna-2026 and boris-2026');

  heading('3. Anna asks to join through her own link');
  emu.requestJoin({ chatId: DEMO_CHAT_ID, user: ANNA, inviteLink: annaLink });
  await emu.waitForIdle(10_000);

  heading("4. A bot tries Boris's link");
  emu.requestJoin({ chatId: DEMO_CHAT_ID, user: SPAM_BOT, inviteLink: borisLink });
  await emu.waitForIdle(10_000);

  heading("5. A stranger comes through another admin's link, which is not in the registry");
  emu.requestJoin({ chatId: DEMO_CHAT_ID, user: STRANGER, inviteLink: emu.addForeignLink(DEMO_CHAT_ID, { name: 'flyer' }) });
  await emu.waitForIdle(10_000);

  heading('6. Anna opens the bot\'s chat: /start, then "Get the file"');
  emu.sendPrivateText(ANNA, '/start');
  await emu.waitForIdle(10_000);
  const menu = emu.messages(ANNA.id).at(-1);
  indent(`the bot answers: "${menu?.text ?? ''}"`);
  const { messageId, data } = buttonData(sandbox, ANNA, 'Get the file');
  emu.pressButton(ANNA, messageId, data);
  await emu.waitForIdle(10_000);
  const doc = emu.messages(ANNA.id).find((m) => m.kind === 'document');
  indent(`the bot sends the document ${doc?.file?.filename ?? '(none)'} (${doc?.file?.bytes.length ?? 0} bytes)`);

  heading('7. An admin lets the stranger in from the Telegram app');
  emu.adminApproves(DEMO_CHAT_ID, STRANGER.id);
  await waitForLine(handler, handlerLines, /member: user 5003 .* -> recorded "joined"/);

  heading('8. Anna leaves the group');
  emu.leave(DEMO_CHAT_ID, ANNA.id);
  await waitForLine(handler, handlerLines, /member: user 5001 .* -> recorded "left"/);

  heading('9. The stranger leaves too, and Telegram sends no update (it can miss some): tg-get members finds out');
  emu.dropMemberSilently(DEMO_CHAT_ID, STRANGER.id);
  const members = await runBin(sandbox, 'tg-get', ['members'], indent);
  if (members.code !== 0) throw new Error(`tg-get members exited with ${members.code}`);

  heading('10. SIGTERM: tg-handler finishes what it is doing and stops');
  const stopped = new Promise<number | null>((resolve) => handler.once('exit', resolve));
  handler.kill('SIGTERM');
  const code = await stopped;
  if (code !== 0) throw new Error(`tg-handler exited with ${code}`);

  heading('11. tg-get report: who came through which link, and who is still in (members now, kept 7d/30d)');
  const report = await runBin(sandbox, 'tg-get', ['report'], indent);
  if (report.code !== 0) throw new Error(`tg-get report exited with ${report.code}`);

  await summary(sandbox, links);
}

async function summary(sandbox: Sandbox, links: Map<string, string>): Promise<void> {
  const emu = sandbox.emulator;
  heading('What happened');
  out(`  links made:      ${[...links.values()].filter((l) => l !== '').length} (data/invite_data.txt now holds them)`);
  const qr = (await readdir(path.join(sandbox.dir, 'LINKS'))).filter((f) => f.endsWith('.png'));
  out(`  QR codes:        ${qr.map((f) => `LINKS/${f}`).join(', ')}`);
  const posts = emu.messages(DEMO_CHAT_ID).filter((m) => m.kind === 'photo' || m.kind === 'text');
  out(`  posts sent:      ${posts.filter((m) => m.kind === 'photo').length} with a picture (the 2099 post waits for its time)`);
  out(`  members now:     ${[5001, 5002, 5003].filter((id) => emu.isMember(DEMO_CHAT_ID, id)).length} of the 3 who asked (the bot was refused; Anna and the stranger, let in by an admin, left)`);
  out('  data/responde_data.txt:');
  const log = await readFile(path.join(sandbox.dataDir, RESPONSE_FILE), 'utf8');
  for (const line of log.split('\n').filter((l) => l !== '')) out(`    ${line.replace(/\t/g, ' | ')}`);
  out(`  report:          ${path.join(sandbox.dir, 'report.html')} (open it in a browser: joins, members now and retention per link, members over time)`);
  out();
  out(`Everything ran in ${sandbox.dir} (a copy of examples/, which is untouched) against a Bot API emulator on ${emu.apiRoot}.`);
  out('For real use, fill in data/invite_data.txt (and data/text_schedule.txt), set BOT_TOKEN and CHAT_ID');
  out('(see the README), then run bin/tg-get and bin/tg-handler.');
}

/** Runs the demo; 0 when the story played through. */
export async function main(): Promise<number> {
  out('tg-invite-tracker demo: no token, no network. Telegram is played by a local Bot API emulator.');
  const sandbox = await openSandbox(ZONE);
  try {
    await story(sandbox);
    return 0;
  } catch (error) {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await sandbox.emulator.stop();
  }
}

/** Entry for `npm run demo`. */
export async function run(): Promise<void> {
  process.exitCode = await main();
}
