/**
 * The built tg-handler warns about a registry time a daylight-saving change skips or repeats
 * (#11.8), naming its cell and the moment it was taken as, and still uses the row.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { anna, Child, GROUP, INVITE_HEADER, inviteLine, Testbed } from './helpers.js';

let world: Testbed;
let child: Child | undefined;

beforeEach(async () => {
  world = await Testbed.create();
});

afterEach(async () => {
  await child?.kill();
  await world.close();
});

test('a dt_expire in the autumn overlap is warned about once at start, and the row still approves', async () => {
  const link = await world.botLink('anna-2027');
  world.write('data/invite_data.txt', `${INVITE_HEADER}\n${inviteLine('anna-2027', link, '2027-10-31 02:30')}\n`);
  child = new Child(world, [], world.env({ TZ: 'Europe/Berlin' }));
  await child.waitFor(/started as @tracker_test_bot/);
  expect(child.err).toMatch(
    /warning: data\/invite_data\.txt:2:\d+ \(dt_expire\): "2027-10-31 02:30" happens twice in Europe\/Berlin \(the clocks go back\); taken as the first, 2027-10-31 02:30:00 \(UTC\+02:00\), not the second/,
  );
  world.emu.requestJoin({ chatId: GROUP, user: anna, inviteLink: link });
  await child.waitFor(/-> approved/);
  child.process.kill('SIGTERM');
  expect((await child.exited).code).toBe(0);
  expect(child.err.match(/happens twice/g)).toHaveLength(1);
});
