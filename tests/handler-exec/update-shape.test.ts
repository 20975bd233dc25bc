import { describe, expect, it } from '@jest/globals';
import { quickShapeOk, shapeProblem } from '../../src/handler-exec/update-shape.js';
import { UPDATE_SHAPES } from '../../src/handler-exec/update-shapes.js';

const user = { id: 42, is_bot: false, first_name: 'Anna', last_name: 'A', username: 'anna' };
const chat = { id: -100123, type: 'supergroup', title: 'Club' };
const GOOD: Record<string, Record<string, unknown>> = {
  chat_join_request: { chat, from: user, date: 1767430800, user_chat_id: 42, invite_link: { invite_link: 'https://t.me/+A', name: 'a', creator: user }, bio: 'x' },
  message: { message_id: 7, chat, from: user, text: 'hi', date: 1 },
  callback_query: { id: '99', from: user, data: 'menu', message: { message_id: 7, chat, date: 1 }, chat_instance: 'x' },
};

/** What a field can be instead: missing, null, and values of every other JSON type, fractions and integers past 2^53 among them. */
const REPLACEMENTS: unknown[] = [undefined, null, '', 'text', 0, -0, 1, 1.5, -7, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), true, false, [], [1], {}, { id: 1 }];

/** Every variant of `value` with one field (at any depth, the paths of the good value plus the known optional ones) replaced. */
function* variants(value: Record<string, unknown>, extra: string[][]): Generator<unknown> {
  const paths: string[][] = [...extra];
  const walk = (v: Record<string, unknown>, at: string[]) => {
    for (const [key, inner] of Object.entries(v)) {
      paths.push([...at, key]);
      if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) walk(inner as Record<string, unknown>, [...at, key]);
    }
  };
  walk(value, []);
  for (const path of paths) {
    for (const replacement of REPLACEMENTS) {
      const copy = structuredClone(value);
      let here: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) {
        if (typeof here[key] !== 'object' || here[key] === null) here[key] = {};
        here = here[key] as Record<string, unknown>;
      }
      if (replacement === undefined) delete here[path.at(-1)!];
      else here[path.at(-1)!] = replacement;
      yield copy;
    }
  }
  for (const whole of REPLACEMENTS) yield whole;
}

describe('quickShapeOk', () => {
  it('accepts exactly what the zod shape accepts, for every field of every update type replaced by every kind of JSON value', () => {
    let accepted = 0;
    let rejected = 0;
    for (const [type, good] of Object.entries(GOOD)) {
      const extra = [['invite_link'], ['from'], ['message'], ['user_chat_id'], ['text'], ['data'], ['from', 'last_name'], ['from', 'username']];
      for (const value of variants(good, extra)) {
        const zod = UPDATE_SHAPES[type]!.safeParse(value).success;
        expect([type, JSON.stringify(value), quickShapeOk(type, value)]).toEqual([type, JSON.stringify(value), zod]);
        if (zod) accepted++;
        else rejected++;
      }
    }
    // The variants do test something: many of both.
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(200);
  });

  it('never accepts what zod rejects, even for values JSON cannot give; a type without a shape is left to shapeProblem', async () => {
    const odd = [NaN, Infinity, new Date(), Object.create(null), new (class Chat { id = 1; type = 'x'; })(), Object.assign(Object.create(null), chat), Object.assign(new Date(), user)];
    for (const [type, good] of Object.entries(GOOD)) {
      for (const value of odd) {
        for (const key of Object.keys(good)) {
          const candidate = { ...good, [key]: value };
          if (quickShapeOk(type, candidate)) expect(UPDATE_SHAPES[type]!.safeParse(candidate).success).toBe(true);
        }
      }
    }
    expect(quickShapeOk('chat_member', {})).toBe(false);
    expect(await shapeProblem({ update_id: 1, chat_member: {} }, ['chat_member'])).toBeUndefined();
  });

  it('leaves the wording of a problem to zod, with the path of the field', async () => {
    expect(await shapeProblem({ update_id: 1, chat_join_request: { ...GOOD.chat_join_request, from: { ...user, id: 1.5 } } }, ['chat_join_request'])).toMatch(/^chat_join_request\.from\.id: /);
    expect(await shapeProblem({ update_id: 1, message: GOOD.message }, ['message'])).toBeUndefined();
  });
});
