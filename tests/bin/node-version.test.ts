import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/tmp.js';

interface Ran { code: number; stdout: string; stderr: string }

/** Runs a bin on this Node, but with process.versions saying `version`: what an older Node would report. */
function runAs(version: string, bin: string, args: string[]): Promise<Ran> {
  const script = [
    `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(version)} } });`,
    `process.argv = [process.argv[0], ${JSON.stringify(path.join(REPO_ROOT, 'bin', bin))}, ...${JSON.stringify(args)}];`,
    `await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'bin', bin)).href)});`,
  ].join('\n');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('the bins on a Node older than the project needs', () => {
  it('the check needs what package.json "engines" says', () => {
    const engines = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20.12');
    expect(readFileSync(path.join(REPO_ROOT, 'bin', 'node-version.js'), 'utf8')).toContain('var NEEDED = [20, 12];');
  });

  for (const bin of ['tg-get', 'tg-handler']) {
    for (const old of ['20.11.1', '18.19.0', '16.20.2']) {
      it(`${bin} on Node ${old}: one line naming the version needed, exit 2, no stack trace`, async () => {
        const ran = await runAs(old, bin, ['--version']);
        expect(ran).toEqual({ code: 2, stdout: '', stderr: `tg-invite-tracker needs Node.js 20.12 or newer; this is Node.js ${old}\n` });
      });
    }
  }

  for (const ok of ['20.12.0', '21.0.0', '22.1.0']) {
    it(`tg-get on Node ${ok} starts as usual`, async () => {
      const ran = await runAs(ok, 'tg-get', ['--version']);
      const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect(ran).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    });
  }
});
