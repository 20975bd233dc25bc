import { describe, expect, it } from '@jest/globals';
import { planControl } from '../../src/get-exec/link-control.js';
import { parseFile } from '../../src/shared/files/data-file.js';
import { inviteSpec } from '../../src/shared/registry/registry.js';

const now = new Date('2026-03-01T12:00:00Z');
const HEADER = 'id\tid_adress\tlink_path\tchat_id\tid_link\tlink\tdt_create\tdt_expire\tlink_status';
const unix = (iso: string) => Date.parse(iso) / 1000;

function registry(rows: string[]) {
  return parseFile([HEADER, ...rows].join('\n'), 'data/invite_data.txt', inviteSpec('UTC'));
}

const options = { defaultChat: -100123, now, zone: 'UTC', file: 'data/invite_data.txt', columnOf: () => 1 };

describe('planControl', () => {
  const file = registry([
    'new\tx\t\t\tnew\thttps://t.me/+New\t\t2026-06-01 10:00\t', // line 2: not seen before: noted
    'same\tx\t\t\tsame\thttps://t.me/+Same\t\t2026-06-01 10:00\t', // line 3: as told
    'moved\tx\t\t-100999\tmoved\thttps://t.me/+Moved\t\t2026-07-01 10:00\t', // line 4: expiry changed
    'cleared\tx\t\t\tcleared\thttps://t.me/+Cleared\t\t\t', // line 5: expiry removed
    'past\tx\t\t\tpast\thttps://t.me/+Past\t\t2026-02-01 10:00\t', // line 6: moved into the past
    'revoke\tx\t\t\trevoke\thttps://t.me/+Revoke\t\t\tRevoked', // line 7: to revoke
    'done\tx\t\t\tdone\thttps://t.me/+Done\t\t\trevoked', // line 8: revoked already
    'undone\tx\t\t\tundone\thttps://t.me/+Undone\t\t\t', // line 9: revoked, status cleared
    'blank\tx\t\t\t\t\t\t\t', // line 10: no link
  ]);
  const state = {
    'https://t.me/+Same': { expire: unix('2026-06-01T10:00:00Z'), revoked: false },
    'https://t.me/+Moved': { expire: unix('2026-06-01T10:00:00Z'), revoked: false },
    'https://t.me/+Cleared': { expire: unix('2026-06-01T10:00:00Z'), revoked: false },
    'https://t.me/+Past': { expire: unix('2026-06-01T10:00:00Z'), revoked: false },
    'https://t.me/+Done': { expire: null, revoked: true },
    'https://t.me/+Undone': { expire: null, revoked: true },
  };
  const plan = planControl(file.entries, state, options);

  it('changes what differs from what Telegram was told, in the row\'s own group, and revokes once', () => {
    expect(file.problems).toEqual([]);
    expect(plan.jobs.map((j) => [j.kind, j.entry.row.line, j.chat, j.kind === 'expire' ? [j.from, j.to] : null])).toEqual([
      ['expire', 4, -100999, [unix('2026-06-01T10:00:00Z'), unix('2026-07-01T10:00:00Z')]],
      ['expire', 5, -100123, [unix('2026-06-01T10:00:00Z'), null]],
      ['revoke', 7, -100123, null],
    ]);
  });

  it('notes a link it has not seen as its row shows it, with no call', () => {
    expect(plan.noted).toEqual({ 'https://t.me/+New': { expire: unix('2026-06-01T10:00:00Z'), revoked: false } });
  });

  it('a past expiry, or a revoked link asked back, is the row\'s problem', () => {
    expect(plan.problems.map((p) => [p.position.line, p.position.field])).toEqual([
      [6, 'dt_expire'],
      [9, 'link_status'],
    ]);
    expect(plan.problems[0]!.message).toMatch(/has passed, so Telegram would refuse it; to end the link now, write revoked in link_status/);
    expect(plan.problems[1]!.message).toMatch(/Telegram cannot bring it back: clear the link cell/);
  });

  it('link_status takes only blank or revoked', () => {
    const bad = registry(['x\tx\t\t\t\t\t\t\tpaused']);
    expect(bad.problems.map((p) => p.message)).toEqual([expect.stringMatching(/\(link_status\): "paused" is not a link status; write revoked/)]);
  });
});
