/**
 * tg-get with nothing to do, as cron runs it every minute: every registry link made and its QR code
 * drawn, no post due. Its wall time is compared with `node -e 0` measured in the same run, so the
 * ratio says what tg-get costs beyond starting Node at all. Two cases: nothing changed since the run
 * before (what almost every cron run sees), and the schedule saved again without a change, so the run
 * reads and checks every row and QR code before finding nothing to do. And a third (issue 15): one
 * row of the schedule edited (a future post's text), so the run has a change to find and nothing to send.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotApiEmulator } from '../src/emulator/index.js';
import { binPath, childEnv, runNode, type Finished } from './child.js';
import { GROUP, registryText, scheduleText } from './data.js';
import { createBotLinks } from './links.js';
import { median } from './stats.js';

export interface IdleScenario {
  registryRows: number;
  scheduleRows: number;
  /** Timed runs of each command (after one warm-up run each). */
  runs: number;
}

export interface IdleFigures extends IdleScenario {
  /** `tg-get qr` drawing every QR code once, as set-up. */
  setupQrMs: number;
  /** Median of the runs with nothing changed since the run before (cron's every-minute case). */
  tgGetMs: number;
  /** Median of the runs right after the schedule was saved again unchanged: every row looked at. */
  fullMs: number;
  /** Median of the runs right after one schedule row was edited (a future post's text): issue 15's "after an edit". */
  editMs?: number;
  editRunsMs?: number[];
  editPeakRssKiB?: number | null;
  nodeMs: number;
  ratio: number;
  tgGetRunsMs: number[];
  fullRunsMs: number[];
  nodeRunsMs: number[];
  peakRssKiB: number | null;
  fullPeakRssKiB: number | null;
  nodePeakRssKiB: number | null;
  rssMethod: string;
  /** Bot API calls the idle runs made (expected: none; the client is made only when needed). */
  apiCalls: number;
  summaryLine: string;
  problems: string[];
}

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

export async function measureIdle(scenario: IdleScenario, say: (line: string) => void): Promise<IdleFigures> {
  const emu = await BotApiEmulator.start();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-idle-'));
  const problems: string[] = [];
  try {
    emu.addChat({ id: GROUP, type: 'supergroup', title: 'Bench group' });
    const links = await createBotLinks(emu, GROUP, scenario.registryRows);
    const data = path.join(dir, 'data');
    await mkdir(data);
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(data, 'invite_data.txt'), registryText(links));
    await writeFile(path.join(data, 'text_schedule.txt'), scheduleText(scenario.scheduleRows));
    const env = childEnv({ token: emu.token, apiRoot: emu.apiRoot, chatId: GROUP });
    const common = ['--data-dir', data, '--links-dir', path.join(dir, 'LINKS'), '--assets-dir', path.join(dir, 'assets')];

    say(`  drawing ${scenario.registryRows} QR codes with "tg-get qr" (set-up)`);
    const setup = await runNode([binPath('tg-get'), 'qr', ...common], { env, cwd: dir });
    if (setup.code !== 0) throw new Error(`set-up "tg-get qr" exited ${setup.code}: ${setup.stderr.slice(-2000)}`);
    // --verbose for the summary line (a run with nothing to do prints it only then); untimed.
    const check = await runNode([binPath('tg-get'), ...common, '--verbose'], { env, cwd: dir });
    const summaryLine = lastLine(check.stdout);
    if (check.code !== 0) problems.push(`idle tg-get exited ${check.code}: ${lastLine(check.stderr)}`);
    if (!/0 links made, 0 QR codes written, 0 posts sent, 0 rows failed/.test(summaryLine)) problems.push(`idle run was not idle: "${summaryLine}"`);

    const callsBefore = emu.calls.length;
    const tgGetRunsMs: number[] = [];
    const fullRunsMs: number[] = [];
    const editRunsMs: number[] = [];
    const nodeRunsMs: number[] = [];
    const schedule = path.join(data, 'text_schedule.txt');
    // An admin saving the schedule without changing a post: the next run must look at everything again.
    const touchSchedule = (i: number) => utimes(schedule, new Date(), new Date(Date.now() - 1000 * (i + 2)));
    // An admin editing one row: the last (future, unposted) post's text changes, back and forth.
    const original = scheduleText(scenario.scheduleRows);
    const edited = `${original.slice(0, -2)} (edited)\r\n`;
    let editions = 0;
    const editSchedule = () => writeFile(schedule, ++editions % 2 === 1 ? edited : original);
    // One untimed round first, then alternate, so drift in the machine's load hits all alike.
    for (let i = -1; i < scenario.runs; i++) {
      const bare: Finished = await runNode(['-e', '0'], { env: childEnv(null), cwd: dir });
      const idle: Finished = await runNode([binPath('tg-get'), ...common], { env, cwd: dir });
      await touchSchedule(i);
      const full: Finished = await runNode([binPath('tg-get'), ...common], { env, cwd: dir });
      await editSchedule();
      const edit: Finished = await runNode([binPath('tg-get'), ...common], { env, cwd: dir });
      for (const run of [idle, full, edit]) if (run.code !== 0) problems.push(`timed tg-get run exited ${run.code}: ${lastLine(run.stderr)}`);
      if (i < 0) continue;
      nodeRunsMs.push(bare.wallMs);
      tgGetRunsMs.push(idle.wallMs);
      fullRunsMs.push(full.wallMs);
      editRunsMs.push(edit.wallMs);
    }
    const withRss = await runNode([binPath('tg-get'), ...common], { env, cwd: dir, rss: true });
    await touchSchedule(scenario.runs);
    const fullRss = await runNode([binPath('tg-get'), ...common], { env, cwd: dir, rss: true });
    await editSchedule();
    const editRss = await runNode([binPath('tg-get'), ...common], { env, cwd: dir, rss: true });
    const nodeRss = await runNode(['-e', '0'], { env: childEnv(null), cwd: dir, rss: true });
    const apiCalls = emu.calls.length - callsBefore;
    if (apiCalls !== 0) problems.push(`idle runs made ${apiCalls} Bot API call(s)`);
    const tgGetMs = median(tgGetRunsMs);
    const nodeMs = median(nodeRunsMs);
    return {
      ...scenario,
      setupQrMs: setup.wallMs,
      tgGetMs,
      fullMs: median(fullRunsMs),
      editMs: median(editRunsMs),
      editRunsMs,
      editPeakRssKiB: editRss.peakRssKiB,
      nodeMs,
      ratio: tgGetMs / nodeMs,
      tgGetRunsMs,
      fullRunsMs,
      nodeRunsMs,
      peakRssKiB: withRss.peakRssKiB,
      fullPeakRssKiB: fullRss.peakRssKiB,
      nodePeakRssKiB: nodeRss.peakRssKiB,
      rssMethod: withRss.rssMethod,
      apiCalls,
      summaryLine,
      problems,
    };
  } finally {
    await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
