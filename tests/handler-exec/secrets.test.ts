/**
 * The bot token never reaches tg-handler's output or any file it writes, in any form (#11.11): as
 * typed, URL-encoded, or its secret half alone; while it works, and when it cannot start.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { closedPort, everyFile, leaks, tokenForms } from '../support/secrets.js';
import { anna, boris, Child, GROUP, INVITE_HEADER, inviteLine, Testbed } from './helpers.js';

let world: Testbed;

beforeEach(async () => {
  world = await Testbed.create();
});

afterEach(async () => {
  await world.close();
});

test('appears in no output and no file: a refusal quoting it, a token in CHAT_ID, an API root holding it, a token as an argument', async () => {
  const token = world.emu.token;
  const { typed, encoded, half } = tokenForms(token);
  const annaLink = await world.botLink('anna-2026');
  const borisLink = await world.botLink('boris-2026');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2026', annaLink)}\n${inviteLine('boris-2026', borisLink)}\n`);
  const runs: Array<[string, Child]> = [];
  const start = (name: string, argv: string[], env: Record<string, string> = {}) => {
    const child = new Child(world, ['-v', ...argv], world.env(env));
    runs.push([name, child]);
    return child;
  };

  world.emu.failNext('approveChatJoinRequest', { kind: 'error', code: 400, description: `Bad Request: USER_ID_INVALID at /bot${encoded}/approveChatJoinRequest, ${typed}, ${half}` });
  const working = start('working', []);
  await working.waitFor(/started as @tracker_test_bot/);
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: annaLink });
  await working.waitFor(/USER_ID_INVALID/);
  world.emu.requestJoin({ chatId: GROUP, user: boris, inviteLink: borisLink });
  await working.waitFor(/-> approved/);
  working.process.kill('SIGTERM');
  expect((await working.exited).code).toBe(0);

  const chatIsToken = start('token in CHAT_ID', [], { CHAT_ID: typed });
  expect((await chatIsToken.exited).code).toBe(2);
  expect(chatIsToken.err).toMatch(/CHAT_ID: the value \(not shown: it looks like a bot token\)/);
  expect((await start('secret half in CHAT_ID', [], { CHAT_ID: half }).exited).code).toBe(2);
  const unreachable = start('API root holding the encoded token, unreachable', [], { TELEGRAM_API_ROOT: `http://127.0.0.1:${await closedPort()}/bot${encoded}/` });
  expect((await unreachable.exited).code).toBe(1);
  expect(unreachable.err).toMatch(/could not reach Telegram/);
  expect((await start('token as an argument', [typed]).exited).code).toBe(2);

  for (const [name, child] of runs) {
    expect([name, 'stdout', leaks(child.out, token)]).toEqual([name, 'stdout', []]);
    expect([name, 'stderr', leaks(child.err, token)]).toEqual([name, 'stderr', []]);
  }
  const files = everyFile(world.dir);
  expect([...files.keys()]).toEqual(expect.arrayContaining(['data/responde_data.txt', 'data/invite_data.txt']));
  for (const [file, text] of files) expect([file, leaks(text, token)]).toEqual([file, []]);
}, 60_000);

test('a crash no handler caught (thrown from a signal listener) is printed redacted and ends with the bug code 70', async () => {
  const token = world.emu.token;
  const { typed, encoded, half } = tokenForms(token);
  world.write('token.txt', `${typed}\n`);
  // Loaded before tg-handler by node itself, as a faulty dependency would be: it throws outside any of our handlers.
  world.write(
    'crash-on-usr2.mjs',
    `import { readFileSync } from 'node:fs';\n` +
      `const token = readFileSync(${JSON.stringify(world.path('token.txt'))}, 'utf8').trim();\n` +
      `process.on('SIGUSR2', () => { throw new Error('request to http://127.0.0.1/bot' + encodeURIComponent(token) + '/getUpdates failed; key ' + token.split(':')[1]); });\n`,
  );
  const { BOT_TOKEN: _notGiven, ...env } = world.env({ NODE_OPTIONS: `--import=${world.path('crash-on-usr2.mjs')}` });
  const child = new Child(world, ['--token-file', world.path('token.txt')], env);
  await child.waitFor(/started as @tracker_test_bot/);
  child.process.kill('SIGUSR2');
  expect((await child.exited).code).toBe(70);
  expect(child.err).toMatch(/error: bug: request to http:\/\/127\.0\.0\.1\/bot<redacted>\/getUpdates failed; key <redacted>/);
  expect(child.err).toMatch(/crash-on-usr2\.mjs/);
  expect(leaks(`${child.out}\n${child.err}`, token)).toEqual([]);
  expect([encoded, half].some((form) => child.err.includes(form))).toBe(false);
}, 30_000);
