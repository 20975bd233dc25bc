import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/tmp.js';

const DATA_FILES = ['invite_data.txt', 'text_schedule.txt', 'responde_data.txt', 'key_bb.txt', 'menu.json'];

/** The shipped data/ and the examples the demo copies: it must change neither. */
async function snapshot(): Promise<string[]> {
  const folders = [path.join(REPO_ROOT, 'data'), path.join(REPO_ROOT, 'examples', 'data')];
  return Promise.all(folders.flatMap((dir) => DATA_FILES.map((f) => readFile(path.join(dir, f), 'utf8'))));
}

describe('npm run demo (the built dist/demo/run.js)', () => {
  it('plays the whole story on a copy of examples/ and leaves data/ and examples/ untouched', async () => {
    const before = await snapshot();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'demo', 'run.js')], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('What happened') });
    expect(output).toContain('3 links made, 3 QR codes written, 2 posts sent, 0 rows failed');
    expect(output).toMatch(/user 5001 \(@anna_k\) via "anna-2026" -> approved/);
    expect(output).toMatch(/user 5002 \(@free_crypto_bot\) via "boris-2026" \(a bot\) -> declined/);
    expect(output).toMatch(/user 5003 \(@sam_somebody\) via "flyer" -> left pending for an admin/);
    expect(output).toMatch(/the bot sends the document key_bb\.txt \(\d+ bytes\)/);
    expect(output).toMatch(/member: user 5003 \(@sam_somebody\) joined \(via "flyer"\) -> recorded "joined"/);
    expect(output).toMatch(/member: user 5001 \(@anna_k\) left \(joined via "anna-2026"\) -> recorded "left"/);
    expect(output).toMatch(/members: recorded left: user 5003 \(@sam_somebody\) in -?\d+, joined via "flyer"/);
    expect(output).toMatch(/anna-2026 \| 5001 \| Anna \| Kowalska \| [\d-]+ [\d:]+ \| left \|/);
    expect(output).toMatch(/anna-2026 \| 5001 \| Anna \| Kowalska \| [\d-]+ [\d:]+ \| approve \|/);
    expect(output).toMatch(/report: +\/.*report\.html/);
    // The report counts members, not just requests: Anna came in through her link and left.
    expect(output).toMatch(/^\s+id\s+id_adress\s+link\s+approved\s+declined\s+pending\s+joined\s+left\s+removed\s+members\s+kept 7d\s+kept 30d/m);
    expect(output).toMatch(/^\s+anna-2026\s+anna@example\.org\s+https:\S+\s+1\s+0\s+0\s+0\s+1\s+0\s+0\s/m);
    expect(output).toMatch(/report: 1 join through 1 of 3 links, 0 members now/);
    expect(await snapshot()).toEqual(before);
    const sandbox = /Everything ran in (\S+) /.exec(output)?.[1];
    expect(sandbox).toMatch(/tg-invite-tracker-demo-/);
    await rm(sandbox!, { recursive: true, force: true });
  }, 60_000);
});
