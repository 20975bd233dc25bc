/**
 * `tg-get report` over a big join log: terminal table, HTML page, CSV and daily CSV all written. Two yardsticks
 * run in the same rounds, alternating with it: `node -e 0` (Node's start-up) and a plain line count of
 * the same join log through an fs read stream (reading the file at all). The figures are ratios to
 * them, so a slower or busier machine moves all alike. With `before`, another checkout's tg-get (e.g.
 * the code before a change) runs in the same rounds too.
 */
import { open, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { binPath, childEnv, runNode, type Finished } from './child.js';
import { fakeLinks, GROUP, inviteId, MONTHS_AGO, registryText, RESPONSE_HEADER } from './data.js';
import { median } from './stats.js';

export interface ReportScenario {
  logRows: number;
  registryLinks: number;
  /** Timed rounds (after one untimed warm-up round). */
  runs: number;
  /** Another checkout's root (its bin/tg-get) to measure in the same rounds, as "before". */
  before?: string;
  /** Rounds for `before` (it may take minutes a run); default `runs`. */
  beforeRuns?: number;
}

/** One program over the rounds: median wall time, highest peak RSS. */
export interface Measured {
  wallMs: number;
  runsMs: number[];
  peakRssKiB: number | null;
}

export interface ReportFigures extends Omit<ReportScenario, 'before'> {
  logBytes: number;
  report: Measured;
  before: Measured | null;
  nodeE0: Measured;
  lineCount: Measured;
  rssMethod: string;
  /** The report's summary line (stderr), e.g. "report: 1000000 joins through 10000 of 10000 links". */
  summaryLine: string;
  problems: string[];
}

/** Counts line feeds through a read stream: the least any reader of the file must do. */
const LINE_COUNT = `let n=0;require('node:fs').createReadStream(process.argv[1]).on('data',(b)=>{for(let i=b.indexOf(10);i!==-1;i=b.indexOf(10,i+1))n++}).on('end',()=>console.log(n))`;

const ROWS_PER_PIECE = 20_000;

const USER_BASE = 1_000_000_000;

/**
 * Rows `from` to `to` of the report's join log: what tg-handler writes with chat_member updates and
 * the review queue, one row every 37 s from 1 January 2025 through the links in turn. Of every 20
 * rows: 12 approvals, 2 joins by other paths, 2 leaves (of the person approved five rows before),
 * 2 held requests and 2 decisions on them (the pending row earlier, the approve row with the same
 * request date after). About 950,000 distinct people per million rows: the ledger's worst case.
 */
export function reportRows(from: number, to: number, links: readonly string[]): string {
  let out = '';
  const { startS, stepS } = MONTHS_AGO;
  for (let i = from; i < to; i++) {
    const k = i % Math.max(1, links.length);
    const at = startS + i * stepS;
    const when = new Date(at * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const phase = i % 10;
    let user = USER_BASE + i;
    let status = 'approve';
    let requestAt = at;
    let link = links[k] ?? '';
    if (phase === 9) {
      user = USER_BASE + i - 5;
      status = 'left';
      link = '';
    } else if (phase === 7) status = 'joined';
    else if (phase === 2) status = 'pending';
    else if (phase === 3) {
      user = USER_BASE + i - 1;
      requestAt = at - stepS;
    }
    const idLink = phase === 9 ? inviteId((i - 5) % Math.max(1, links.length)) : inviteId(k);
    out += `${idLink}\t${user}\tFirst${i}\tLast${i}\t${when}\t${status}\tuser_${user}\t${link}\t${GROUP}\t${requestAt}\t\t\n`;
  }
  return out;
}

/** Writes the join log in pieces, so making it holds one piece at a time. */
async function writeLog(file: string, rows: number, links: readonly string[]): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.write(`${RESPONSE_HEADER}\n`);
    for (let from = 0; from < rows; from += ROWS_PER_PIECE) await handle.write(reportRows(from, Math.min(rows, from + ROWS_PER_PIECE), links));
  } finally {
    await handle.close();
  }
}

const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

function summarize(runs: Finished[]): Measured {
  const peaks = runs.map((r) => r.peakRssKiB);
  return { wallMs: median(runs.map((r) => r.wallMs)), runsMs: runs.map((r) => r.wallMs), peakRssKiB: peaks.some((p) => p === null) ? null : Math.max(...(peaks as number[])) };
}

export async function measureReport(scenario: ReportScenario, say: (line: string) => void): Promise<ReportFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-report-'));
  const problems: string[] = [];
  try {
    const data = path.join(dir, 'data');
    await mkdir(data);
    const links = fakeLinks(scenario.registryLinks);
    const log = path.join(data, 'responde_data.txt');
    const made = performance.now();
    await writeFile(path.join(data, 'invite_data.txt'), registryText(links));
    await writeLog(log, scenario.logRows, links);
    const logBytes = (await stat(log)).size;
    say(`  join log: ${scenario.logRows} rows, ${(logBytes / 1e6).toFixed(1)} MB, made in ${Math.round(performance.now() - made)} ms`);

    const env = childEnv(null);
    const args = (root: string | undefined): string[] => [
      root === undefined ? binPath('tg-get') : path.join(root, 'bin', 'tg-get'),
      'report',
      '--data-dir', data,
      '--links-dir', path.join(dir, 'LINKS'),
      '--html', path.join(dir, 'report.html'),
      '--csv', path.join(dir, 'report.csv'),
      ...(root === undefined ? ['--daily-csv', path.join(dir, 'daily.csv')] : []),
    ];
    const runs = { report: [] as Finished[], before: [] as Finished[], nodeE0: [] as Finished[], lineCount: [] as Finished[] };
    let summaryLine = '';
    const check = (run: Finished, what: string): void => {
      if (run.code !== 0) problems.push(`${what} exited ${run.code ?? run.signal}: ${lastLine(run.stderr)}`);
    };
    const beforeRuns = scenario.beforeRuns ?? scenario.runs;
    // Every run measures its peak RSS (GNU time costs nothing measurable); round 0 is a warm-up.
    for (let round = 0; round <= scenario.runs; round++) {
      const bare = await runNode(['-e', '0'], { env, cwd: dir, rss: true });
      const count = await runNode(['-e', LINE_COUNT, log], { env, cwd: dir, rss: true });
      if (count.stdout.trim() !== String(scenario.logRows + 1)) problems.push(`line count said ${count.stdout.trim()}, expected ${scenario.logRows + 1}`);
      const report = await runNode(args(undefined), { env, cwd: dir, rss: true });
      check(report, 'tg-get report');
      summaryLine = [...report.stdout.split('\n'), ...report.stderr.split('\n')].find((l) => l.includes('report: ')) ?? '';
      say(`  round ${round}${round === 0 ? ' (warm-up)' : ''}: report ${Math.round(report.wallMs)} ms, ${report.peakRssKiB ?? '?'} KiB; node -e 0 ${Math.round(bare.wallMs)} ms; line count ${Math.round(count.wallMs)} ms`);
      let before: Finished | undefined;
      if (scenario.before !== undefined && round >= 1 && round <= beforeRuns) {
        before = await runNode(args(scenario.before), { env, cwd: dir, rss: true, timeoutMs: 900_000 });
        check(before, 'tg-get report (before)');
        say(`  round ${round}: before ${Math.round(before.wallMs)} ms, ${before.peakRssKiB ?? '?'} KiB`);
      }
      if (round === 0) continue;
      runs.report.push(report);
      runs.nodeE0.push(bare);
      runs.lineCount.push(count);
      if (before) runs.before.push(before);
    }
    if (!summaryLine.includes('report: ')) problems.push(`no summary line from tg-get report: "${summaryLine}"`);
    return {
      logRows: scenario.logRows,
      registryLinks: scenario.registryLinks,
      runs: scenario.runs,
      beforeRuns: runs.before.length,
      logBytes,
      report: summarize(runs.report),
      before: runs.before.length > 0 ? summarize(runs.before) : null,
      nodeE0: summarize(runs.nodeE0),
      lineCount: summarize(runs.lineCount),
      rssMethod: runs.report[0]?.rssMethod ?? 'none',
      summaryLine,
      problems,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
