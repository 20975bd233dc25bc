import { describe, expect, it } from '@jest/globals';
import { card, decodePress, encodePress, outcomeLine, type CardFacts } from '../../src/handler-exec/review-card.js';
import { mayDecide } from '../../src/handler-exec/review-queue.js';

const facts: CardFacts = {
  chat: { id: -1001234567890, title: 'The Club' },
  user: { id: 4201, first_name: 'Anna', last_name: 'Berg', username: 'anna' },
  invite: { id: 'anna-2026', id_adress: 'anna@example.org' },
  link: { url: 'https://t.me/+AbC', name: 'anna-2026' },
  reason: 'link-used',
  date: 1772366000,
};

describe('callback data', () => {
  it('round-trips the decision, chat, user and request date', () => {
    const press = { action: 'decline' as const, chatId: -1001234567890, userId: 4201, date: 1772366000 };
    expect(encodePress(press)).toBe('rq1:d:-1001234567890:4201:1772366000');
    expect(decodePress(encodePress(press))).toEqual(press);
    expect(decodePress(encodePress({ ...press, action: 'approve' }))?.action).toBe('approve');
  });

  it('stays within 64 bytes for the largest ids Telegram uses', () => {
    const data = encodePress({ action: 'approve', chatId: -1009999999999999, userId: 9_007_199_254_740_991, date: 99_999_999_999 });
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodePress(data)?.userId).toBe(9_007_199_254_740_991);
  });

  it('leaves other buttons\' data alone', () => {
    for (const data of [undefined, 'm1:menu', 'rq1:x:1:2:3', 'rq1:a:1:2', 'rq1:a:-1:2:3:4', 'rq1:a:1:99999999999999999999:3']) expect(decodePress(data)).toBeUndefined();
  });
});

describe('the card', () => {
  it('names the person, the registry row, the reason and the time; its buttons say Approve and Decline', () => {
    const view = card(facts, 'Europe/Berlin');
    expect(view.text).toBe(
      [
        'Join request to The Club (-1001234567890)',
        'Who: Anna Berg (@anna), id 4201',
        'Link: registry row "anna-2026" (anna@example.org)',
        'Held: the link has already brought in its allowed number of people (max_members): was a personal link shared?',
        'Asked: 2026-03-01 12:53:20',
      ].join('\n'),
    );
    expect(view.keyboard.inline_keyboard[0]!.map((b) => b.text)).toEqual(['✅ Approve', '❌ Decline']);
  });

  it('says "not in the registry" with the link\'s name, or "none"', () => {
    expect(card({ ...facts, invite: undefined, reason: 'unknown-link' }, 'UTC').text).toContain('Link: not in the registry: "anna-2026" https://t.me/+AbC\nHeld: the link is not in the registry');
    expect(card({ ...facts, invite: undefined, link: undefined, reason: 'no-link', user: { id: 7, first_name: 'Dan' } }, 'UTC').text).toContain('Who: Dan, id 7\nLink: none\n');
  });

  it('ends with the outcome, who and when', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    expect(outcomeLine('approved', { id: 1900, first_name: 'Mo', username: 'mod' }, at, 'UTC')).toBe('✅ Approved by Mo (@mod), id 1900 at 2026-03-01 12:00:00');
    expect(outcomeLine('already-gone', { id: 1900, first_name: 'Mo' }, at, 'UTC')).toMatch(/^ℹ️ Already settled elsewhere .* seen by Mo, id 1900 at/);
  });
});

describe('who may decide', () => {
  it('is the creator or an administrator of the request\'s group', () => {
    expect(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked'].filter(mayDecide)).toEqual(['creator', 'administrator']);
  });
});
