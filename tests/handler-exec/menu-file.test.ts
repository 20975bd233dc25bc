import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../src/shared/errors.js';
import type { z } from 'zod';
import { checkText, DEFAULT_MENU, greetingFor, loadMenu, quickMenu, type Menu } from '../../src/handler-exec/menu-file.js';
import { menuSchema, parseMenu } from '../../src/handler-exec/menu-schema.js';
import { CALLBACK, parseCallback, screen } from '../../src/handler-exec/chat-menu.js';
import { REPO_ROOT, TempFolder } from '../support/tmp.js';

const problems = (text: string): string[] => {
  try {
    parseMenu(text, 'data/menu.json');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseMenu', () => {
  test('an empty object gives every default', () => {
    expect(parseMenu('{}', 'data/menu.json')).toEqual(DEFAULT_MENU);
    expect(DEFAULT_MENU.file.name).toBe('key_bb.txt');
  });

  test('the shipped data/menu.json is valid and says what the defaults say', async () => {
    const shipped = await readFile(path.join(REPO_ROOT, 'data', 'menu.json'), 'utf8');
    expect(parseMenu(shipped, 'data/menu.json')).toEqual(DEFAULT_MENU);
  });

  test('a partial file overrides only what it names', () => {
    const menu = parseMenu('{"buttons": {"terms": "Rules"}, "terms": {"stay": "Welcome aboard"}}', 'data/menu.json');
    expect(menu.buttons.terms).toBe('Rules');
    expect(menu.buttons.file).toBe(DEFAULT_MENU.buttons.file);
    expect(menu.terms.stay).toBe('Welcome aboard');
    expect(menu.terms.text).toBe(DEFAULT_MENU.terms.text);
  });

  test('errors name the file and the JSON path', () => {
    expect(problems('{"buttons": {"terms": 5, "extra": "x"}, "greting": "typo"}')).toEqual([
      'data/menu.json: buttons.terms: must be a button label in double quotes',
      'data/menu.json: buttons: unknown key "extra"; check the spelling (known keys are in the default data/menu.json)',
      'data/menu.json: (top level): unknown key "greting"; check the spelling (known keys are in the default data/menu.json)',
    ]);
    expect(problems('{"greeting": "  "}')).toEqual(['data/menu.json: greeting: is empty; write the text to show']);
    expect(problems(`{"stale": "${'x'.repeat(201)}"}`)[0]).toMatch(/^data\/menu.json: stale: is longer than 200 characters/);
    expect(problems('[]')).toEqual(['data/menu.json: (top level): must be a JSON object { ... }']);
  });

  test('broken JSON says so', () => {
    expect(problems('{"greeting": "hi",}')[0]).toMatch(/^data\/menu.json: is not valid JSON \(.+\); check quotes and commas/);
  });

  test('a file outside the data folder is refused: .. and absolute paths', () => {
    expect(problems('{"file": {"name": "../.env"}}')).toEqual([
      'data/menu.json: file.name: "../.env" points outside the data folder (".."); only files inside it can be sent: copy the file there and give its name',
    ]);
    expect(problems('{"file": {"name": "docs/../../x"}}')[0]).toMatch(/file.name: .* points outside the data folder/);
    expect(problems('{"file": {"name": "/etc/passwd"}}')[0]).toMatch(/^data\/menu.json: file.name: "\/etc\/passwd" is an absolute path/);
    expect(problems('{"file": {"name": ""}}')[0]).toMatch(/file.name: is empty/);
  });
});

describe('loadMenu', () => {
  let tmp: TempFolder;
  let dir: string;
  beforeEach(async () => {
    dir = (tmp = new TempFolder('tg-menu-')).dir;
  });
  afterEach(() => tmp.remove());

  test('a missing file gives the defaults', async () => {
    expect(await loadMenu(path.join(dir, 'menu.json'), 'data/menu.json')).toEqual(DEFAULT_MENU);
  });

  test('a file with a BOM is read', async () => {
    await writeFile(path.join(dir, 'menu.json'), '\uFEFF{"stale": "Old button"}');
    expect((await loadMenu(path.join(dir, 'menu.json'), 'data/menu.json')).stale).toBe('Old button');
  });

  test('a broken file throws a ConfigError', async () => {
    await writeFile(path.join(dir, 'menu.json'), '{');
    await expect(loadMenu(path.join(dir, 'menu.json'), 'data/menu.json')).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('screens and callback data', () => {
  test('greeting fills the first name', () => {
    expect(greetingFor({ ...DEFAULT_MENU, greeting: 'Hi {first_name}, {first_name}!' }, 'Anna')).toBe('Hi Anna, Anna!');
  });

  test('every callback data is at most 64 bytes and parses back', () => {
    for (const [action, data] of Object.entries(CALLBACK)) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCallback(data)).toBe(action);
    }
    expect(parseCallback('v0:terms')).toBeUndefined();
    expect(parseCallback(undefined)).toBeUndefined();
  });

  test('the menu offers terms and the file; terms offer stay, leave and back', () => {
    const data = (view: ReturnType<typeof screen>) => view.keyboard.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : ''));
    expect(data(screen(DEFAULT_MENU, 'menu', 'Anna'))).toEqual([CALLBACK.terms, CALLBACK.file]);
    expect(data(screen(DEFAULT_MENU, 'terms', 'Anna'))).toEqual([CALLBACK.stay, CALLBACK.leave, CALLBACK.menu]);
    expect(data(screen(DEFAULT_MENU, 'stay', 'Anna'))).toEqual([CALLBACK.menu]);
    expect(screen(DEFAULT_MENU, 'leave', 'Anna').text).toBe(DEFAULT_MENU.terms.leave);
  });
});

describe('the check wording (--check-requester)', () => {
  test('has defaults naming the row, and its placeholders are filled in', () => {
    const [parse, defaults] = [parseMenu, DEFAULT_MENU];
    expect(checkText(defaults.check.button, 'anna-2026', 'The Club')).toBe("I'm joining through anna-2026");
    expect(checkText(defaults.check.text, 'anna-2026', 'The Club')).toMatch(/^You asked to join The Club\./);
    expect(parse('{"check": {"button": "Ja, über {row}"}}', 'menu.json').check).toMatchObject({ button: 'Ja, über {row}', passed: defaults.check.passed });
    expect(() => parse('{"check": {"button": ""}}', 'menu.json')).toThrow(/menu\.json: check\.button: is empty/);
  });
});

describe('the quick read (no zod)', () => {
  let tmp: TempFolder;
  let dir: string;
  beforeEach(async () => {
    dir = (tmp = new TempFolder('tg-menu-')).dir;
  });
  afterEach(() => tmp.remove());
  // The written-out Menu is zod's output type, both ways (a type error here otherwise).
  const fromZod = (menu: z.output<typeof menuSchema>): Menu => menu;
  const toZod = (menu: Menu): z.output<typeof menuSchema> => menu;

  const zodRead = (text: string): Menu | 'refused' => {
    try {
      return fromZod(parseMenu(text, 'data/menu.json'));
    } catch (error) {
      if (error instanceof ConfigError) return 'refused';
      throw error;
    }
  };

  test('gives what the schema gives for every file it takes, and leaves every other file to the schema', async () => {
    const shipped = await readFile(path.join(REPO_ROOT, 'data', 'menu.json'), 'utf8');
    const long = (n: number) => 'x'.repeat(n);
    const texts = [
      '{}', shipped, 'null', '[]', '"text"', '42', '{', '{"greeting": "Hi"}', '{"greeting": ""}', '{"greeting": "  "}', '{"greeting": null}', '{"greeting": 5}',
      `{"greeting": "${long(4000)}"}`, `{"greeting": "${long(4001)}"}`, '{"unknown": 1}', '{"buttons": {"terms": "Rules", "extra": "x"}}', '{"buttons": null}', '{"buttons": []}',
      '{"buttons": {}}', `{"buttons": {"back": "${long(64)}"}}`, `{"buttons": {"back": "${long(65)}"}}`, '{"buttons": {"stay": ""}}', '{"stale": ""}', `{"stale": "${long(200)}"}`, `{"failed": "${long(201)}"}`,
      '{"file": {"name": "other.pdf", "caption": ""}}', '{"file": {"name": "../etc/passwd"}}', '{"file": {"name": ""}}', '{"file": {"name": "sub/x.txt"}}', `{"file": {"caption": "${long(1024)}"}}`, `{"file": {"caption": "${long(1025)}"}}`,
      '{"check": {"button": "Ja, über {row}", "late": ""}}', '{"check": {"text": ""}}', '{"terms": {"text": "T", "stay": "S", "leave": "L"}, "greeting": "G {first_name}"}', '{"__proto__": {"x": 1}}', '{"greeting": "Hi", "greeting": ""}',
    ];
    let quick = 0;
    for (const text of texts) {
      const fast = quickMenu(text);
      const schema = zodRead(text);
      if (fast !== undefined) {
        quick++;
        expect([text, toZod(fast)]).toEqual([text, schema]);
      } else {
        // Every file the schema takes is taken quickly too: zod is loaded only to word a problem.
        expect([text, schema]).toEqual([text, 'refused']);
      }
    }
    expect(quick).toBeGreaterThan(10);
    expect(quickMenu(shipped)).toEqual(DEFAULT_MENU);
    expect(quickMenu('{}')).toEqual(parseMenu('{}', 'data/menu.json'));
  });

  test('loadMenu words a problem as the schema does', async () => {
    await writeFile(path.join(dir, 'menu.json'), '{"buttons": {"stay": ""}, "x": 1}');
    await expect(loadMenu(path.join(dir, 'menu.json'), 'data/menu.json')).rejects.toThrow(ConfigError);
    expect(await loadMenu(path.join(dir, 'menu.json'), 'data/menu.json').catch((error: ConfigError) => error.problems)).toEqual(problems('{"buttons": {"stay": ""}, "x": 1}'));
  });
});
