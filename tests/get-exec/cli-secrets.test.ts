/**
 * The bot token never reaches tg-get's output or any file it writes, in any form (#11.11): as typed,
 * URL-encoded, or its secret half alone; on a run that works, and on runs that fail.
 */
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { closedPort, everyFile, leaks, tokenForms } from '../support/secrets.js';
import { blankRegistry, runTgGet, SCHEDULE_HEADER, startEmulator, Workspace, type CliResult } from './helpers.js';

let emu: BotApiEmulator;
let ws: Workspace;

beforeEach(async () => {
  emu = await startEmulator();
});

afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

it('appears in no output and no file, whatever the run met: Telegram errors quoting it, a token in CHAT_ID or TZ, an API root holding it, a token as an argument', async () => {
  const { typed, encoded, half } = tokenForms(emu.token);
  ws = new Workspace({ invites: blankRegistry(4), schedule: `${SCHEDULE_HEADER}\n2026-01-05 10:00\tHello\t\n2026-01-05 11:00\tAgain\t\n` });
  // Error texts that quote the request, as proxies and some servers do: each form once.
  for (const form of [typed, encoded, half]) {
    emu.failNext('createChatInviteLink', { kind: 'error', code: 400, description: `Bad Request: refused https://api.telegram.org/bot${form}/createChatInviteLink (token ${form})` });
  }
  emu.failNext('sendMessage', { kind: 'error', code: 400, description: `Bad Request: see ${encoded.toLowerCase()} and ${half}` });
  const runs: Array<[string, CliResult]> = [];
  // The posts are dated in the past: --max-late off sends them however late (the default would mark them missed).
  const run = async (name: string, args: string[], env: Record<string, string> = {}) => {
    const result = await runTgGet(args[0] === 'report' ? args : [...args, '--max-late', 'off'], { cwd: ws.dir, emu, env });
    runs.push([name, result]);
    return result;
  };

  expect((await run('full run', [])).code).toBe(1);
  expect((await run('report', ['report'])).code).toBe(0);
  expect(emu.callCount('createChatInviteLink')).toBe(4);
  expect(emu.callCount('sendMessage')).toBe(2);
  expect((await run('second run: the failed rows again', [])).code).toBe(0);
  expect((await run('third run: nothing to do, noted in the state file', [])).code).toBe(0);
  expect(ws.read('data/.tg-get-state.json')).toMatch(/settings/);

  const chatIsToken = await run('token in CHAT_ID', ['posts'], { CHAT_ID: typed });
  expect(chatIsToken.code).toBe(2);
  expect(chatIsToken.stderr).toMatch(/CHAT_ID: the value \(not shown: it looks like a bot token\) must be the group id/);
  expect((await run('secret half in CHAT_ID', ['posts'], { CHAT_ID: half })).stderr).toMatch(/CHAT_ID: the value \(not shown: it holds the bot token or a part of it\)/);
  expect((await run('encoded token in TZ', ['posts'], { TZ: encoded })).code).toBe(2);
  expect((await run('token as an argument', [typed])).code).toBe(2);

  ws.write('data/invite_data.txt', blankRegistry(2, 'again'));
  const unreachable = `http://127.0.0.1:${await closedPort()}/bot${encoded}/`;
  expect((await run('API root holding the encoded token, unreachable', ['links'], { TELEGRAM_API_ROOT: unreachable })).code).toBe(1);
  expect(runs.at(-1)![1].stderr).toMatch(/could not reach Telegram/);

  for (const [name, result] of runs) {
    expect([name, 'stdout', leaks(result.stdout, emu.token)]).toEqual([name, 'stdout', []]);
    expect([name, 'stderr', leaks(result.stderr, emu.token)]).toEqual([name, 'stderr', []]);
  }
  const files = everyFile(ws.dir);
  expect([...files.keys()]).toEqual(expect.arrayContaining(['data/invite_data.txt', 'data/text_schedule.txt', 'report.html', 'LINKS/row-4.png', 'data/.tg-get-state.json']));
  for (const [file, text] of files) expect([file, leaks(text, emu.token)]).toEqual([file, []]);
}, 90_000);
