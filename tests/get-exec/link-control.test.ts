/**
 * The registry controls the links it has (issue #14): the built tg-get against the emulator. An edited
 * dt_expire changes the link's expiry in Telegram, link_status `revoked` revokes it and removes its QR
 * files, a dry run shows both, and a link the bot did not make is a row error, nothing else.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BotApiEmulator } from '../../src/emulator/index.js';
import { indexRegistry } from '../../src/shared/registry/registry.js';
import { blankRegistry, GROUP, INVITE_HEADER, runTgGet, startEmulator, Workspace } from './helpers.js';

const REGISTRY = 'data/invite_data.txt';

let emu: BotApiEmulator;
let ws: Workspace;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  await emu.stop();
  ws?.remove();
});

const linkOf = (url: string) => emu.inviteLinks(GROUP).find((l) => l.invite_link === url)!;

/** Rewrites the registry: a link_status column at the end, and the cells `edit` changes. */
function editRegistry(edit: (row: Record<string, string>) => void): void {
  const rows = ws.records(REGISTRY);
  const columns = [...INVITE_HEADER.split('\t'), 'link_status'];
  const lines = rows.map((row) => {
    edit(row);
    return columns.map((c) => row[c] ?? '').join('\t');
  });
  writeFileSync(ws.path(REGISTRY), `${[columns.join('\t'), ...lines].join('\n')}\n`);
}

describe('tg-get links: the registry controls the links it has', () => {
  it('changes an edited expiry and revokes a revoked row, shown first by --dry-run; then has nothing more to do', async () => {
    ws = new Workspace({ invites: blankRegistry(3) });
    expect((await runTgGet(['links'], { cwd: ws.dir, emu })).code).toBe(0);
    const [one, two, three] = ws.records(REGISTRY).map((r) => r.link!);
    expect(linkOf(one!).expire_date).toBeUndefined();
    expect(existsSync(ws.path('LINKS/row-2.svg'))).toBe(true);

    editRegistry((row) => {
      if (row.id === 'row-1') row.dt_expire = '2031-03-01 12:00';
      if (row.id === 'row-2') row.link_status = 'revoked';
    });
    const before = ws.read(REGISTRY);

    const dry = await runTgGet(['links', '--dry-run'], { cwd: ws.dir, emu });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would change its link's expiry from never to 2031-03-01 12:00:00 for data\/invite_data\.txt:2 "row-1"/);
    expect(dry.stdout).toMatch(/would revoke its link for data\/invite_data\.txt:3 "row-2"/);
    expect(dry.stdout).toMatch(/would remove LINKS\/row-2\.png and LINKS\/row-2\.svg: .* is revoked/);
    expect(dry.stdout).toMatch(/dry run: 0 links to make, 1 link to change, 1 link to revoke, 0 QR codes to write, 0 posts to send, 0 rows failed/);
    expect(emu.callCount('editChatInviteLink') + emu.callCount('revokeChatInviteLink')).toBe(0);
    expect(existsSync(ws.path('LINKS/row-2.png'))).toBe(true);

    const real = await runTgGet(['links'], { cwd: ws.dir, emu });
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/0 links made, 1 link changed, 1 link revoked, 0 QR codes written, 0 posts sent, 0 rows failed/);
    const edited = linkOf(one!);
    expect(edited.expire_date).toBe(Date.UTC(2031, 2, 1, 12) / 1000);
    // editChatInviteLink replaces every setting: the name and the join request are kept.
    expect(edited).toMatchObject({ name: 'row-1', creates_join_request: true, is_revoked: false });
    expect(linkOf(two!).is_revoked).toBe(true);
    expect(linkOf(three!).is_revoked).toBe(false);
    expect(existsSync(ws.path('LINKS/row-2.png'))).toBe(false);
    expect(existsSync(ws.path('LINKS/row-2.svg'))).toBe(false);
    expect(existsSync(ws.path('LINKS/row-1.png'))).toBe(true);
    expect(ws.read(REGISTRY)).toBe(before);

    // tg-handler (and its index) no longer knows the revoked row's link; the others still are.
    const { index } = await indexRegistry(ws.path(REGISTRY), REGISTRY, 'UTC');
    expect(index.find(two, 'row-2')).toBeUndefined();
    expect(index.find(one, 'row-1')?.id).toBe('row-1');

    const again = await runTgGet(['links', '--verbose'], { cwd: ws.dir, emu });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 links made, 0 QR codes written, 0 posts sent, 0 rows failed/);
    expect(emu.callCount('editChatInviteLink')).toBe(1);
    expect(emu.callCount('revokeChatInviteLink')).toBe(1);
    expect(emu.callCount('createChatInviteLink')).toBe(3);
  });

  it('removes an expiry when the cell is cleared, and makes no new link for a revoked row without one', async () => {
    ws = new Workspace({ invites: `${INVITE_HEADER}\tlink_status\nkept\tk@x\tLINKS\t\t\t\t\t2031-01-01 10:00\t\ngone\tg@x\tLINKS\t\t\t\t\t\trevoked\n` });
    expect((await runTgGet(['links'], { cwd: ws.dir, emu })).code).toBe(0);
    expect(emu.callsTo('createChatInviteLink').map((c) => c.params.name)).toEqual(['kept']);
    const [kept] = ws.records(REGISTRY);
    expect(linkOf(kept!.link!).expire_date).toBe(Date.UTC(2031, 0, 1, 10) / 1000);
    writeFileSync(ws.path(REGISTRY), ws.read(REGISTRY).replace('2031-01-01 10:00', ''));
    const result = await runTgGet(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/link now expires never/);
    expect(linkOf(kept!.link!).expire_date).toBeUndefined();
    expect(emu.callsTo('editChatInviteLink')[0]!.params).toMatchObject({ expire_date: 0, name: 'kept', creates_join_request: true });
  });

  it('takes a link just made, with --expire-days, as having the expiry written into its row: no edit follows', async () => {
    ws = new Workspace({ invites: blankRegistry(1) });
    expect((await runTgGet(['links', '--expire-days', '30'], { cwd: ws.dir, emu })).code).toBe(0);
    const again = await runTgGet(['links', '--expire-days', '30', '--verbose'], { cwd: ws.dir, emu });
    expect(again.stdout).toMatch(/0 links made, 0 QR codes written/);
    expect(emu.callCount('editChatInviteLink')).toBe(0);
  });

  it('a link the bot did not make cannot be edited: that row fails, the others go on', async () => {
    const foreign = emu.addForeignLink(GROUP, { name: 'flyer' });
    ws = new Workspace({ invites: `${INVITE_HEADER}\nflyer\tf@x\tLINKS\t\tflyer\t${foreign}\t\t\nmine\tm@x\tLINKS\n` });
    expect((await runTgGet(['links'], { cwd: ws.dir, emu })).code).toBe(0);
    editRegistry((row) => {
      row.dt_expire = '2031-05-01 08:00';
    });
    const result = await runTgGet(['links'], { cwd: ws.dir, emu });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: data\/invite_data\.txt:2 "flyer": could not change its link's expiry from never to 2031-05-01 08:00:00: Telegram refused editChatInviteLink \(400: Bad Request: CHAT_ADMIN_REQUIRED\)/);
    expect(result.stdout).toMatch(/1 link changed, .* 1 row failed/);
    const mine = ws.records(REGISTRY)[1]!.link!;
    expect(linkOf(mine).expire_date).toBe(Date.UTC(2031, 4, 1, 8) / 1000);
    expect(linkOf(foreign).expire_date).toBeUndefined();
  });
});
