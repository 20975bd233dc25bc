/**
 * tg-handler's start (issue #14): Telegram is reached before any file is rewritten, a host name that
 * does not exist is a setting to fix (2), not an outage (1), an empty registry is said once, --help
 * names the folder flags it only accepts, and a revoked registry row is unknown to it.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { BotApiEmulator } from '../../src/emulator/index.js';
import { anna, Child, GROUP, INVITE_HEADER, inviteLine, InProcess, LEGACY_RESPONSE_HEADER, startHandler, Testbed } from './helpers.js';

let world: Testbed;
let run: InProcess | undefined;

beforeEach(async () => {
  world = await Testbed.create();
});
afterEach(async () => {
  if (run !== undefined) await run.stop();
  run = undefined;
  await world.close();
});

/** A join log whose header lacks our columns: a start that gets that far rewrites it. */
const LEGACY_LOG = `${LEGACY_RESPONSE_HEADER}\r\nold\t77\tOld\t\t2025-01-01 10:00:00\tapprove\r\n`;

describe('a start that cannot go on changes no file', () => {
  test('Telegram refusing connections: exit 1 after the retries, the join log and the registry byte for byte as they were', async () => {
    world.write('data/responde_data.txt', LEGACY_LOG);
    world.write('data/invite_data.txt', `${INVITE_HEADER}\n`);
    const closed = await BotApiEmulator.start();
    const deadRoot = closed.apiRoot;
    await closed.stop();
    // In this process with a 10 ms first back-off: the test is about the exit code and the files.
    const refused = new InProcess(world, ['--data-dir', world.path('data')], { retry: { backoffMs: 10 } }, world.env({ TELEGRAM_API_ROOT: deadRoot }));
    expect(await refused.done).toBe(1);
    expect(refused.err.join('\n')).toMatch(/error: getMe: could not reach Telegram: .*ECONNREFUSED/);
    expect(world.read('data/responde_data.txt')).toBe(LEGACY_LOG);
    expect(world.read('data/invite_data.txt')).toBe(`${INVITE_HEADER}\n`);
  }, 30_000);

  test('a TELEGRAM_API_ROOT whose host does not exist: exit 2 (systemd does not restart), one error line, the join log as it was', async () => {
    world.write('data/responde_data.txt', LEGACY_LOG);
    const child = new Child(world, [], world.env({ TELEGRAM_API_ROOT: 'http://api.telegram.invalid' }));
    expect((await child.exited).code).toBe(2);
    const errors = child.err.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([expect.stringMatching(/ENOTFOUND api\.telegram\.invalid: that host name does not exist; check TELEGRAM_API_ROOT for a typo/)]);
    expect(world.read('data/responde_data.txt')).toBe(LEGACY_LOG);
  }, 30_000);

  test('once Telegram answers, the join log\'s header gets our columns as before', async () => {
    world.write('data/responde_data.txt', LEGACY_LOG);
    run = await startHandler(world);
    expect(world.read('data/responde_data.txt')).not.toBe(LEGACY_LOG);
    expect(world.read('data/responde_data.txt').split('\r\n')[0]).toMatch(new RegExp(`^${LEGACY_RESPONSE_HEADER}\\ttg_username`));
  });
});

describe('what tg-handler says', () => {
  test('an empty registry, in one line', async () => {
    world.write('data/invite_data.txt', `${INVITE_HEADER}\n`);
    run = await startHandler(world);
    const lines = run.err.filter((l) => l.includes('has no invite links yet'));
    expect(lines).toEqual([expect.stringMatching(/warning: .*invite_data\.txt has no invite links yet: run tg-get to make them; until then every join request is left to an admin$/)]);
  });

  test('--help: --assets-dir and --links-dir are accepted but unused', async () => {
    const help = new InProcess(world, ['--help']);
    expect(await help.done).toBe(0);
    const text = help.out.join('\n').replace(/\s+/g, ' ');
    expect(text).toMatch(/--assets-dir <dir> folder of the pictures for posts \(accepted, so tg-get's settings serve here too; tg-handler does not use it\)/);
    expect(text).toMatch(/--links-dir <dir> folder the QR code PNGs are written to \(accepted, so tg-get's settings serve here too; tg-handler does not use it\)/);
  });

  test('a request through the link of a revoked row is unknown: left to an admin, not approved', async () => {
    const link = await world.botLink('anna-2026');
    world.write('data/invite_data.txt', `${INVITE_HEADER}\tlink_status\n${inviteLine('anna-2026', link)}\trevoked\n`);
    run = await startHandler(world);
    world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
    await world.emu.waitForIdle();
    expect(world.emu.callCount('approveChatJoinRequest')).toBe(0);
    expect(world.responses()).toEqual([expect.objectContaining({ id_tg: String(anna.id), tg_responde_status: 'pending' })]);
    expect(run.err.join('\n')).toMatch(/is not in the registry/);
  });
});
