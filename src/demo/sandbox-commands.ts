/**
 * The sandbox's commands: what a person types to play Telegram's side (people joining, pressing,
 * leaving; an admin acting in the app) while the real tg-get and tg-handler run against it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OTHER_ADMIN, describeCall, type BotApiEmulator, type EmulatorUser } from '../emulator/index.js';
import { INVITE_FILE } from '../shared/files/names.js';
import { parseTable } from '../shared/files/tsv.js';

interface Command {
  usage: string;
  help: string;
  run: (args: string[]) => string | Promise<string>;
}

/** Splits a command line into words; "double quotes" keep spaces. */
export function splitWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** The people of the sandbox, by the names typed: a number is a user id, a word a person. */
class People {
  private readonly byName = new Map<string, EmulatorUser>();
  private nextId = 7001;

  get(name: string): EmulatorUser {
    const key = name.toLowerCase();
    if (key === 'admin') return OTHER_ADMIN;
    let user = this.byName.get(key);
    if (user === undefined) {
      const numeric = /^\d+$/.test(key);
      user = numeric
        ? { id: Number(key), first_name: `User ${key}` }
        : { id: this.nextId++, first_name: name.charAt(0).toUpperCase() + name.slice(1), ...(/^[a-z][a-z0-9_]{4,31}$/.test(key) ? { username: key } : {}) };
      this.byName.set(key, user);
    }
    return user;
  }
}

const isEmptyPoll = (method: string, response: unknown): boolean =>
  method === 'getUpdates' && Array.isArray((response as { result?: unknown } | undefined)?.result) && (response as { result: unknown[] }).result.length === 0;
const who = (user: EmulatorUser): string => `${user.first_name} (${user.id})`;
const ids = (list: number[]): string => (list.length === 0 ? 'no update' : `update ${list.join(', ')}`);

/** The sandbox's command table, bound to one emulator, chat and working folder. */
export class SandboxCommands {
  private readonly people = new People();
  private callsShown = 0;
  readonly commands: Record<string, Command>;

  constructor(
    private readonly emu: BotApiEmulator,
    private readonly chatId: number,
    private readonly dataDir: string,
  ) {
    const user = (name: string | undefined): EmulatorUser => {
      if (name === undefined || name === '') throw new Error('name the user (a name like anna, or a numeric id)');
      return this.people.get(name);
    };
    this.commands = {
      join: { usage: 'join USER LINK_ID', help: 'USER asks to join (or joins, for a link without requests) through the registry row LINK_ID, a URL, or - for none', run: ([u, l]) => this.join(user(u), l) },
      start: { usage: 'start USER', help: 'USER sends /start to the bot', run: ([u]) => `update ${emu.sendPrivateText(user(u), '/start')}: /start from ${who(user(u))}` },
      say: { usage: 'say USER "TEXT"', help: 'USER writes TEXT to the bot', run: ([u, ...t]) => `update ${emu.sendPrivateText(user(u), t.join(' '))}: message from ${who(user(u))}` },
      press: { usage: 'press USER "BUTTON TEXT"', help: "USER presses that button of the bot's newest message showing it (admin: the admin chat)", run: ([u, ...t]) => this.press(user(u), t.join(' ')) },
      leave: { usage: 'leave USER', help: 'USER leaves the group', run: ([u]) => `${ids(emu.leave(chatId, user(u).id))}: ${who(user(u))} left` },
      'approve-as-admin': { usage: 'approve-as-admin USER', help: "an admin approves USER's pending request in the Telegram app", run: ([u]) => `${ids(emu.adminApproves(chatId, user(u).id))}: approved by the admin` },
      'decline-as-admin': { usage: 'decline-as-admin USER', help: "an admin declines USER's pending request in the app (Telegram sends nothing)", run: ([u]) => (emu.adminDeclines(chatId, user(u).id), 'declined by the admin (no update)') },
      add: { usage: 'add USER', help: 'an admin adds USER to the group', run: ([u]) => `${ids(emu.adminAdds(chatId, user(u)))}: ${who(user(u))} added by the admin` },
      remove: { usage: 'remove USER', help: 'an admin removes USER', run: ([u]) => `${ids(emu.adminRemoves(chatId, user(u).id))}: ${who(user(u))} removed` },
      ban: { usage: 'ban USER', help: 'an admin bans USER', run: ([u]) => `${ids(emu.adminBans(chatId, user(u).id))}: ${who(user(u))} banned` },
      drop: { usage: 'drop USER', help: 'USER is gone and Telegram sends nothing (for tg-get members)', run: ([u]) => (emu.dropMemberSilently(chatId, user(u).id), `${who(user(u))} gone, no update`) },
      block: { usage: 'block USER', help: 'USER blocks the bot', run: ([u]) => `update ${emu.blockBot(user(u))}: ${who(user(u))} blocked the bot` },
      'admin-link': { usage: 'admin-link NAME [open]', help: 'an admin makes a link in the app (open: without join requests)', run: ([n, o]) => emu.addForeignLink(chatId, { ...(n === undefined ? {} : { name: n }), createsJoinRequest: o !== 'open' }) },
      messages: { usage: 'messages USER', help: 'what the bot has sent to USER (admin: the admin chat)', run: ([u]) => this.messages(user(u)) },
      pending: { usage: 'pending', help: 'the join requests waiting in the group', run: () => this.pending() },
      calls: { usage: 'calls [all]', help: 'the Bot API calls made since the last "calls" (all: every one)', run: ([a]) => this.calls(a === 'all') },
    };
  }

  /** The help text: one line per command. */
  help(): string {
    const lines = Object.values(this.commands).map((c) => `  ${c.usage.padEnd(26)} ${c.help}`);
    return ['Commands (USER is a name like anna, a numeric id, or admin):', ...lines, `  ${'help'.padEnd(26)} this list`, `  ${'quit'.padEnd(26)} stop the sandbox`].join('\n');
  }

  /** Runs one command line; returns what to print. Throws with a readable message on a mistake. */
  async run(line: string): Promise<string> {
    const [name, ...args] = splitWords(line);
    if (name === undefined) return '';
    if (name === 'help') return this.help();
    const command = this.commands[name.toLowerCase()];
    if (command === undefined) throw new Error(`unknown command "${name}"; type help`);
    return command.run(args);
  }

  private async join(user: EmulatorUser, linkId: string | undefined): Promise<string> {
    if (linkId === undefined) throw new Error('usage: join USER LINK_ID (a registry row id, a link URL, or -)');
    if (linkId === '-') return `update ${this.emu.requestJoin({ chatId: this.chatId, user, inviteLink: null })}: chat_join_request from ${who(user)} without a link`;
    const url = /^https?:\/\//.test(linkId) ? linkId : await this.registryLink(linkId);
    const link = this.emu.inviteLinks(this.chatId).find((l) => l.invite_link === url);
    if (link === undefined) throw new Error(`${url} is not a link of the group`);
    if (!link.creates_join_request) return `${ids(this.emu.joinByLink({ chatId: this.chatId, user, inviteLink: url }))}: ${who(user)} joined through ${url}`;
    return `update ${this.emu.requestJoin({ chatId: this.chatId, user, inviteLink: url })}: chat_join_request from ${who(user)} through ${linkId === url ? url : `${linkId} (${url})`}`;
  }

  private async registryLink(rowId: string): Promise<string> {
    const text = await readFile(path.join(this.dataDir, INVITE_FILE), 'utf8');
    const table = parseTable(text, INVITE_FILE);
    const idColumn = table.header.cells.indexOf('id');
    const linkColumn = table.header.cells.indexOf('link');
    const row = table.rows.find((r) => !r.blank && r.cells[idColumn] === rowId);
    if (row === undefined) throw new Error(`no row with id ${rowId} in data/${INVITE_FILE}`);
    const link = row.cells[linkColumn] ?? '';
    if (link === '') throw new Error(`row ${rowId} has no link yet: run tg-get first`);
    return link;
  }

  private press(user: EmulatorUser, text: string): string {
    if (text === '') throw new Error('usage: press USER "BUTTON TEXT"');
    for (const chatId of [user.id, this.chatId]) {
      const button = this.emu.findButton(chatId, text);
      if (button === undefined) continue;
      const id = this.emu.pressButtonIn(chatId, user, button.messageId, button.data);
      return `update ${id}: ${who(user)} pressed "${button.text}" (callback_data ${JSON.stringify(button.data)})`;
    }
    throw new Error(`the bot has sent ${who(user)} no message with a button "${text}"`);
  }

  private messages(user: EmulatorUser): string {
    const sent = this.emu.messages(user.id);
    if (sent.length === 0) return `the bot has sent ${who(user)} nothing`;
    return sent
      .map((m) => {
        const rows = (m.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? [];
        const buttons = rows.flat().map((b) => `[${b.text}]`).join(' ');
        return `#${m.message_id} ${m.kind}: ${m.text ?? m.caption ?? m.file?.filename ?? ''}${buttons === '' ? '' : ` ${buttons}`}`;
      })
      .join('\n');
  }

  private pending(): string {
    const list = this.emu.pendingJoinRequests(this.chatId);
    if (list.length === 0) return 'no join request is waiting';
    return list.map((r) => `${r.userId} since ${new Date(r.date * 1000).toISOString()} ${r.inviteLink ?? '(no link)'}`).join('\n');
  }

  private calls(all: boolean): string {
    // Long polls that brought nothing are noise here; "calls all" shows them too.
    const calls = this.emu.calls.slice(all ? 0 : this.callsShown).filter((c) => all || !isEmptyPoll(c.method, c.response));
    this.callsShown = this.emu.calls.length;
    return calls.length === 0 ? 'no new calls' : calls.map((c) => describeCall(c)).join('\n');
  }
}
