import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { INVITE_COLUMNS, inviteSchema, inviteSpec } from '../../../src/shared/registry/registry.js';
import { RESPONSE_APPENDED, RESPONSE_COLUMNS, responseSchema, responseSpec } from '../../../src/shared/join-log/schema.js';
import { REPO_ROOT } from '../../support/tmp.js';

describe('the data files\' column lists, written out so that naming them loads no zod', () => {
  it('are the keys of the schemas\' shapes, in order', () => {
    expect([...RESPONSE_COLUMNS, ...RESPONSE_APPENDED]).toEqual(Object.keys(responseSchema('UTC').shape));
    expect([...INVITE_COLUMNS, 'max_members', 'link_status']).toEqual(Object.keys(inviteSchema('UTC').shape));
  });

  it('make a spec whose schema is made once, when first asked for', () => {
    const spec = inviteSpec('Europe/Berlin');
    expect(spec.schema).toBe(spec.schema);
    expect(spec.schema.safeParse({ id: 'a', id_adress: '', link_path: '', chat_id: '', id_link: '', link: '', dt_create: '2025-01-01 10:00', dt_expire: '' }).success).toBe(true);
    const log = responseSpec('UTC');
    expect(log.schema).toBe(log.schema);
  });

  it('load no zod until a schema is asked for (a real process: jest loads modules of its own)', async () => {
    const dist = (...parts: string[]) => JSON.stringify(path.join(REPO_ROOT, 'dist', 'shared', ...parts));
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/zod/')).length > 0;
      const registry = await import(${dist('registry', 'registry.js')});
      const log = await import(${dist('join-log', 'schema.js')});
      const specs = [registry.inviteSpec('UTC'), log.responseSpec('UTC')];
      const before = [loaded(), specs.map((spec) => spec.columns.length)];
      specs[0].schema;
      process.stdout.write(JSON.stringify([before, loaded()]));`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}`))));
    });
    expect(JSON.parse(out)).toEqual([[false, [8, 6]], true]);
  });
});
