import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flushLines, writeLine } from '../../../src/shared/cli/line-out.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dist = (file: string) => JSON.stringify(path.join(REPO_ROOT, 'dist', 'shared', 'cli', file));

/** A stream that records each write it gets. */
const recorder = (name: string, log: string[]) => ({ write: (text: string) => void log.push(`${name}:${text}`) });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `script` (an ES module) in a node of its own with stderr joined to stdout: what a journal or a terminal would get, in order. */
function run(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `"${process.execPath}" --input-type=module -e "$SCRIPT" 2>&1`], { env: { PATH: process.env.PATH ?? '', SCRIPT: script }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('writeLine', () => {
  it('writes the lines of one turn of the event loop with one write, at the end of the turn, in order', async () => {
    const writes: string[] = [];
    const out = recorder('out', writes);
    writeLine(out, 'one');
    writeLine(out, 'two');
    writeLine(out, 'three');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['out:one\ntwo\nthree\n']);
  });

  it('keeps the order across two streams: a line for the other one writes out what waits first', async () => {
    const writes: string[] = [];
    const out = recorder('out', writes);
    const err = recorder('err', writes);
    writeLine(out, 'a');
    writeLine(out, 'b');
    writeLine(err, 'c');
    writeLine(out, 'd');
    expect(writes).toEqual(['out:a\nb\n', 'err:c\n']);
    await nextTurn();
    expect(writes).toEqual(['out:a\nb\n', 'err:c\n', 'out:d\n']);
  });

  it('writes what waits at once when flushLines is called, and nothing twice', async () => {
    const writes: string[] = [];
    const out = recorder('out', writes);
    writeLine(out, 'x');
    flushLines();
    expect(writes).toEqual(['out:x\n']);
    await nextTurn();
    expect(writes).toEqual(['out:x\n']);
  });

  it('loses no line when the process exits in the same turn (process.exit), across both streams', async () => {
    const { code, output } = await run(`
      const { writeLine } = await import(${dist('line-out.js')});
      writeLine(process.stdout, 'first');
      writeLine(process.stderr, 'second');
      writeLine(process.stdout, 'third');
      process.exit(3);`);
    expect(code).toBe(3);
    expect(output).toBe('first\nsecond\nthird\n');
  });

  it('loses no line of a long report printed in one go', async () => {
    const { code, output } = await run(`
      const { writeLine } = await import(${dist('line-out.js')});
      for (let i = 0; i < 50000; i++) writeLine(process.stdout, 'line ' + i);`);
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines).toHaveLength(50_001);
    expect(lines[0]).toBe('line 0');
    expect(lines[49_999]).toBe('line 49999');
  });

  it('writes the lines of the turn an uncaught exception ends before the crash report', async () => {
    const { code, output } = await run(`
      const { writeLine } = await import(${dist('line-out.js')});
      const { guardCrashes } = await import(${dist('crash.js')});
      guardCrashes({});
      writeLine(process.stdout, 'started');
      setTimeout(() => {
        writeLine(process.stdout, 'working');
        writeLine(process.stdout, 'still working');
        throw new Error('boom');
      }, 1);`);
    expect(code).toBe(70);
    const lines = output.split('\n');
    expect(lines.slice(0, 3)).toEqual(['started', 'working', 'still working']);
    expect(lines.slice(3).join('\n')).toContain('boom');
  });
});
