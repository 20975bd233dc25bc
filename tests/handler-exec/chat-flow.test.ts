/**
 * The button chat end to end: /start and every button, through main with the real telegraf client.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { RecordedCall } from '../../src/emulator/index.js';
import { DEFAULT_MENU } from '../../src/handler-exec/menu-file.js';
import { anna, GROUP, InProcess, startHandler, Testbed } from './helpers.js';
import { REPO_ROOT } from '../support/tmp.js';

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
  run = undefined;
});

afterEach(async () => {
  if (run !== undefined) expect(await run.stop()).toBe(0);
  await world.close();
});

type Button = { text: string; callback_data: string };
const buttons = (markup: unknown): Button[] => ((markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat();

/** The one message the bot shows Anna (edited in place). */
function screen(): { text: string; buttons: Button[]; message_id: number } {
  const messages = world.emu.messages(anna.id).filter((m) => m.kind === 'text');
  const last = messages[messages.length - 1];
  if (last === undefined) throw new Error('the bot sent Anna nothing');
  return { text: last.text ?? '', buttons: buttons(last.reply_markup), message_id: last.message_id };
}

/** Presses the button labelled `label` on the current screen and waits for the answer. */
async function press(label: string): Promise<RecordedCall> {
  const current = screen();
  const button = current.buttons.find((b) => b.text === label);
  if (button === undefined) throw new Error(`no button "${label}" on: ${JSON.stringify(current)}`);
  const mark = world.emu.calls.length;
  world.emu.pressButton(anna, current.message_id, button.callback_data);
  await world.emu.waitForIdle();
  return world.emu.waitForCall('answerCallbackQuery', (c) => c.seq > mark);
}

async function start(): Promise<void> {
  world.emu.sendPrivateText(anna, '/start');
  await world.emu.waitForIdle();
}

describe('the button chat', () => {
  test('/start greets by first name with the menu', async () => {
    run = await startHandler(world);
    await start();
    const first = screen();
    expect(first.text).toBe('Hello, Anna! Welcome to the group bot. Choose below.');
    expect(first.buttons.map((b) => b.text)).toEqual(['Terms', 'Get the file']);
    for (const b of first.buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  });

  test('terms -> stay -> back -> terms -> leave: every screen shown in place, every press answered', async () => {
    run = await startHandler(world);
    await start();
    const id = screen().message_id;

    expect((await press('Terms')).status).toBe(200);
    expect(screen()).toMatchObject({ message_id: id, text: DEFAULT_MENU.terms.text });
    expect(screen().buttons.map((b) => b.text)).toEqual(['Stay', 'Leave', '« Back']);

    await press('Stay');
    expect(screen()).toMatchObject({ message_id: id, text: DEFAULT_MENU.terms.stay });

    await press('« Back');
    expect(screen()).toMatchObject({ message_id: id, text: 'Hello, Anna! Welcome to the group bot. Choose below.' });

    await press('Terms');
    await press('Leave');
    expect(screen()).toMatchObject({ message_id: id, text: DEFAULT_MENU.terms.leave });

    expect(world.emu.callsTo('answerCallbackQuery').map((c) => c.status)).toEqual([200, 200, 200, 200, 200]);
    expect(world.emu.callCount('editMessageText')).toBe(5);
    expect(world.emu.messages(anna.id)).toHaveLength(1);
  });

  test('get the file: the document the emulator received is data/key_bb.txt, byte for byte', async () => {
    run = await startHandler(world);
    await start();
    const answer = await press('Get the file');
    expect(answer.params['text']).toBe('Here is the file.');
    const documents = world.emu.messages(anna.id).filter((m) => m.kind === 'document');
    expect(documents).toHaveLength(1);
    expect(documents[0]?.file?.filename).toBe('key_bb.txt');
    expect(documents[0]?.file?.bytes.equals(readFileSync(path.join(REPO_ROOT, 'data', 'key_bb.txt')))).toBe(true);
    expect(run.out.join('\n')).toMatch(/chat: sent key_bb.txt to user 4201/);
  });

  test('a button of an older menu version gets a polite answer, not an exception', async () => {
    run = await startHandler(world);
    await start();
    // A message an older tg-handler sent, with callback data this version does not know.
    const old = (await world.api('sendMessage', {
      chat_id: anna.id,
      text: 'Old menu',
      reply_markup: { inline_keyboard: [[{ text: 'Rules', callback_data: 'menu-v0:rules' }]] },
    })) as { message_id: number };
    const mark = world.emu.calls.length;
    world.emu.pressButton(anna, old.message_id, 'menu-v0:rules');
    await world.emu.waitForIdle();
    const answer = await world.emu.waitForCall('answerCallbackQuery', (c) => c.seq > mark);
    expect(answer.status).toBe(200);
    expect(answer.params['text']).toBe('This button is out of date; send /start for a fresh menu.');
    expect(run.err.join('\n')).not.toMatch(/error/);
  });

  test('/start in a group is ignored', async () => {
    run = await startHandler(world);
    world.emu.queueUpdate({
      message: {
        message_id: 77,
        from: { id: anna.id, is_bot: false, first_name: 'Anna' },
        chat: { id: GROUP, type: 'supergroup', title: 'The Club' },
        date: 1772366000,
        text: '/start',
        entities: [{ offset: 0, length: 6, type: 'bot_command' }],
      },
    });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('sendMessage')).toBe(0);
  });

  test('wording comes from data/menu.json', async () => {
    world.write('data/menu.json', JSON.stringify({ greeting: 'Hi {first_name}!', buttons: { terms: 'Rules' } }));
    run = await startHandler(world);
    await start();
    expect(screen()).toMatchObject({ text: 'Hi Anna!' });
    expect(screen().buttons.map((b) => b.text)).toEqual(['Rules', 'Get the file']);
  });
});

describe('only files inside the data folder are ever sent', () => {
  test('a menu.json naming ../ or an absolute path stops the start with exit 2 naming file and key', async () => {
    for (const name of ['../.env', '/etc/passwd']) {
      world.write('data/menu.json', JSON.stringify({ file: { name } }));
      const failed = new InProcess(world, ['--data-dir', world.path('data')]);
      expect(await failed.done).toBe(2);
      expect(failed.err.join('\n')).toMatch(/^error: data\/menu.json: file.name: .*(points outside the data folder|is an absolute path)/);
    }
    expect(world.emu.calls).toEqual([]);
  });

  test('a symlink in the data folder pointing outside is refused when pressed', async () => {
    world.write('secret.env', 'BOT_TOKEN=do-not-send');
    symlinkSync(world.path('secret.env'), world.path('data', 'evil.txt'));
    world.write('data/menu.json', JSON.stringify({ file: { name: 'evil.txt' } }));
    run = await startHandler(world);
    await start();
    const answer = await press('Get the file');
    expect(answer.params['text']).toBe(DEFAULT_MENU.file.unavailable);
    expect(world.emu.callCount('sendDocument')).toBe(0);
    expect(run.err.join('\n')).toMatch(/cannot send evil.txt to user 4201: .*leads outside the data folder/);
  });

  test('a broken menu.json is exit 2 with the JSON problem', async () => {
    world.write('data/menu.json', '{"greeting": ');
    const failed = new InProcess(world, ['--data-dir', world.path('data')]);
    expect(await failed.done).toBe(2);
    expect(failed.err.join('\n')).toMatch(/^error: data\/menu.json: is not valid JSON/);
  });
});
