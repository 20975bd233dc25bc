/**
 * `npm run bench`: speed and memory of tg-handler and tg-get against the Bot API emulator on
 * 127.0.0.1, on generated data in temp folders. Prints a table of figures with their goals and writes
 * them to bench/results/latest.json. A benchmark, not a test: a missed goal is printed, never an
 * exit code (1 only when a part could not be measured at all, 2 for a wrong option). Options: --quick (small sizes, for trying the bench itself), --only handler,path,members,baseline,
 * startup,idle,links,qr,report (a comma list), --joins N (join requests per tg-handler run), --runs N (tg-handler
 * rounds), --bins DIR (measure the bin/ and dist/ of another checkout), --before DIR (also run
 * that checkout's `tg-get report` in the report's rounds, as "before"; --before-runs N of them), --profile (node
 * --cpu-prof on every tg-get / tg-handler run, into bench/results/profiles/), --handler-flags "FLAGS" (tg-handler's node
 * flags instead of its unit's, to try heap settings; the yardstick keeps the unit's), --idle-rows N (registry and
 * schedule rows of the idle and after-an-edit tg-get runs; issue 15's goal is for 100,000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { REPO_ROOT, hasGnuTime, profileChildrenInto, serviceNodeFlags, setBinRoot } from './child.js';
import { figures, type Results } from './figures.js';
import { measureIdle } from './get-idle.js';
import { measureLinks } from './get-links.js';
import { measureReport } from './get-report.js';
import { measureHandler, type HandlerScenario } from './handler-throughput.js';
import { measureHandlerPath } from './handler-path.js';
import { describeMembers, measureMembers } from './handler-members.js';
import { measureStartup } from './handler-startup.js';
import { measureBaseline } from './legacy-baseline.js';
import { describeMachine } from './machine.js';
import { measureQr } from './qr-rate.js';
import { fmt, formatMarkdown, formatTable } from './report.js';

const PARTS = ['handler', 'path', 'members', 'startup', 'baseline', 'idle', 'links', 'qr', 'report'] as const;
type Part = (typeof PARTS)[number];

interface Sizes {
  registryLinks: number;
  /**
   * tg-handler rounds (each: both log sizes and the yardstick); the medians are reported. Nine: on a
   * shared two-core machine one round's rate ratio to the yardstick spread from 0.70 to 1.26, and a
   * median of five moved by about 0.05 from one bench to the next, as much as issue 15's margin.
   */
  handlerRuns: number;
  /** Rounds of the in-process join-request path against the approve-only loop (bench/handler-path.ts). */
  pathRounds: number;
  smallLog: number;
  bigLog: number;
  joins: number;
  idleRows: number;
  idleRuns: number;
  links: number;
  linkRuns: number;
  qrCodes: number;
  reportRows: number;
  reportRuns: number;
  startupRows: number;
  startupRuns: number;
}

const FULL: Sizes = { registryLinks: 10_000, handlerRuns: 9, pathRounds: 7, smallLog: 1_000, bigLog: 100_000, joins: 10_000, idleRows: 10_000, idleRuns: 7, links: 1_000, linkRuns: 3, qrCodes: 1_000, reportRows: 1_000_000, reportRuns: 3, startupRows: 1_000_000, startupRuns: 3 };
const QUICK: Sizes = { registryLinks: 1_000, handlerRuns: 1, pathRounds: 1, smallLog: 1_000, bigLog: 10_000, joins: 1_000, idleRows: 1_000, idleRuns: 3, links: 100, linkRuns: 1, qrCodes: 100, reportRows: 100_000, reportRuns: 1, startupRows: 100_000, startupRuns: 1 };

const USAGE = `npm run bench -- [options]
  --quick              small sizes, for trying the bench itself
  --only PARTS         a comma list of: ${PARTS.join(', ')}
  --joins N            join requests per tg-handler run (default 10,000)
  --runs N             tg-handler rounds (each: 1,000 rows, 100,000 rows, the bare-bot yardstick)
  --handler-flags "F"  tg-handler's node flags instead of its unit's (the yardstick keeps the unit's)
  --idle-rows N        registry and schedule rows of the idle and after-an-edit tg-get runs
  --bins DIR           measure the bin/ and dist/ of another checkout
  --before DIR         also run DIR's tg-get report in the report's rounds (--before-runs N of them)
  --profile            node --cpu-prof on every tg-get / tg-handler run, into bench/results/profiles/
`;

const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs one part; a part that fails is reported and the others still run. */
async function part(results: Results, name: string, fn: () => Promise<void>): Promise<void> {
  say(`\n== ${name}`);
  try {
    await fn();
  } catch (error) {
    const message = `${name}: ${(error as Error).stack ?? String(error)}`;
    results.errors.push(message);
    say(`!! ${message}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, joins: { type: 'string' }, runs: { type: 'string' }, bins: { type: 'string' }, before: { type: 'string' }, 'before-runs': { type: 'string' }, 'handler-flags': { type: 'string' }, 'idle-rows': { type: 'string' }, help: { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const sizes: Sizes = { ...(values.quick ? QUICK : FULL) };
  const count = (option: string, text: string): number => {
    if (!/^[1-9]\d*$/.test(text)) throw new Error(`--${option}: "${text}" must be a whole number, 1 or more`);
    return Number(text);
  };
  if (values.joins !== undefined) sizes.joins = count('joins', values.joins);
  if (values.runs !== undefined) sizes.handlerRuns = count('runs', values.runs);
  if (values['idle-rows'] !== undefined) sizes.idleRows = count('idle-rows', values['idle-rows']);
  if (values.bins !== undefined) setBinRoot(values.bins);
  const beforeRuns = values['before-runs'] === undefined ? undefined : count('before-runs', values['before-runs']);
  const asked = values.only === undefined ? [...PARTS] : values.only.split(',').map((s) => s.trim());
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only: ${unknown.join(', ')} unknown; choose from ${PARTS.join(', ')}`);
  const only = new Set(asked as Part[]);
  const machine = describeMachine();
  if (values.profile) {
    const dir = path.join(REPO_ROOT, 'bench', 'results', 'profiles', machine.date.replace(/[:.]/g, '-'));
    mkdirSync(dir, { recursive: true });
    profileChildrenInto(dir);
    say(`profiling every tg-get / tg-handler run into ${path.relative(process.cwd(), dir)} (the figures include the profiler's cost)`);
  }
  say(`bench: ${machine.cores} cores (${machine.cpuModel}), ${fmt.count(machine.totalMemoryMiB)} MB, Node ${machine.node}, temp on ${machine.tmpFileSystem}, load ${machine.loadAverage.join(' ')}, peak RSS of short runs by ${hasGnuTime ? 'GNU time' : '/proc sampling'}`);
  if ((machine.loadAverage[0] ?? 0) > 0.5) say('note: the machine is busy (1-minute load above 0.5): figures will be lower than on an idle machine');

  const results: Results = { handler: [], startup: [], baseline: [], idle: null, links: null, qr: null, report: null, errors: [] };
  if (only.has('handler')) {
    const unitFlags = serviceNodeFlags('tg-handler');
    say(`tg-handler runs as deploy/tg-handler.service starts it: node ${[...unitFlags, 'bin/tg-handler'].join(' ')}`);
    const measure = (label: string, scenario: HandlerScenario) =>
      part(results, label, async () => {
        const h = await measureHandler(scenario, say);
        results.handler.push(h);
        say(`  ${fmt.rate(h.joinsPerSecond)} (${fmt.ms(h.durableMs)} to durable, ${fmt.ms(h.visibleMs)} to visible), start-up ${fmt.ms(h.startupMs)}, peak RSS ${fmt.mib(h.startupPeakRssKiB)} by "started", ${fmt.mib(h.peakRssKiB)} in all`);
        for (const p of h.problems) say(`  !! ${p}`);
      });
    const handlerFlags = values['handler-flags'] === undefined ? unitFlags : values['handler-flags'].split(/\s+/).filter((f) => f !== '');
    if (values['handler-flags'] !== undefined) say(`--handler-flags: tg-handler runs with node ${[...handlerFlags, 'bin/tg-handler'].join(' ')}; the yardstick keeps the unit's flags`);
    const base = { registryLinks: sizes.registryLinks, joins: sizes.joins, recent: false, asService: true, nodeFlags: handlerFlags };
    // The emulator runs in this process, and its own code is compiled while it serves its first
    // burst: the first run of the bench was the slowest of its kind every time (tg-handler at 1,000
    // rows, 3,375-3,837/s against 3,879-4,895/s in the later rounds). A burst first, not measured.
    say('== warm-up: the emulator serves one burst (not measured)');
    await measureHandler({ ...base, existingRows: 0, nodeFlags: unitFlags, bare: true, joins: Math.min(2_000, sizes.joins) }, () => {});
    // Sizes and the yardstick alternate, each round starting with the next of them, so a change in
    // the machine's load during the bench, or what a run leaves to the next, hits all alike.
    const kinds = [
      (run: number) => measure(`tg-handler, ${fmt.count(sizes.smallLog)} rows in the join log, run ${run}/${sizes.handlerRuns}`, { ...base, existingRows: sizes.smallLog }),
      (run: number) => measure(`tg-handler, ${fmt.count(sizes.bigLog)} rows in the join log, run ${run}/${sizes.handlerRuns}`, { ...base, existingRows: sizes.bigLog }),
      (run: number) => measure(`yardstick: a bare telegraf bot that only approves, run ${run}/${sizes.handlerRuns}`, { ...base, existingRows: 0, nodeFlags: unitFlags, bare: true }),
    ];
    for (let run = 1; run <= sizes.handlerRuns; run++) {
      for (let k = 0; k < kinds.length; k++) await kinds[(run - 1 + k) % kinds.length]!(run);
    }
    // Once each: memory's worst case (every row recent, so every request key is kept), and the
    // program started by hand, without the unit's heap setting.
    await measure(`tg-handler, ${fmt.count(sizes.bigLog)} rows in the join log, all from the last six days`, { ...base, existingRows: sizes.bigLog, recent: true });
    for (const existingRows of [sizes.smallLog, sizes.bigLog]) {
      await measure(`tg-handler by hand (node bin/tg-handler, no heap setting), ${fmt.count(existingRows)} rows in the join log`, { ...base, existingRows, asService: false, nodeFlags: [] });
    }
  }
  if (only.has('path')) {
    // What tg-handler's join-request path costs a request beyond the approve, in-process (issue 15).
    await part(results, 'tg-handler\'s join-request path, in-process', async () => {
      const p = await measureHandlerPath(sizes.pathRounds, sizes.joins);
      say(`  our join-request path: ${p.oursUs.toFixed(1)} us of CPU a request; a handler that only approves: ${p.approveOnlyUs.toFixed(1)} us; ours costs ${(p.oursUs - p.approveOnlyUs).toFixed(1)} us more (${fmt.count(p.requests)} requests a run, median of ${p.rounds} rounds)`);
    });
  }
  if (only.has('members')) {
    // The membership ledger (#12): figures printed here, beside the table.
    await part(results, `tg-handler with chat_member updates, ${fmt.count(sizes.bigLog)} members in the ledger`, async () => {
      const m = await measureMembers({ members: sizes.bigLog, registryLinks: sizes.registryLinks, joins: sizes.joins, nodeFlags: serviceNodeFlags('tg-handler') }, say);
      for (const line of describeMembers(m)) say(line);
      for (const p of m.problems) say(`  !! ${p}`);
    });
  }
  if (only.has('startup')) {
    await part(results, `tg-handler start-up over a ${fmt.count(sizes.startupRows)}-row join log`, async () => {
      const flags = serviceNodeFlags('tg-handler');
      // The cases alternate in each round, so a change in the machine's load hits all alike.
      for (let run = 1; run <= sizes.startupRuns; run++) {
        for (const kind of ['current', 'queue', 'legacy', 'bare'] as const) {
          for (const s of await measureStartup(kind, run, sizes.startupRows, sizes.registryLinks, flags)) {
            results.startup?.push(s);
            say(`  round ${run}, ${s.case}: ready in ${fmt.ms(s.readyMs)}, peak RSS ${fmt.mib(s.peakRssKiB)} (load ${os.loadavg()[0]!.toFixed(2)})${s.problems.map((p) => ` !! ${p}`).join('')}`);
          }
        }
      }
    });
  }
  if (only.has('baseline')) {
    await part(results, 'baseline: the old whole-file rewrite per join', async () => {
      for (const fsync of [true, false]) {
        for (const rows of [sizes.smallLog, sizes.bigLog]) {
          const b = await measureBaseline(rows, fsync);
          results.baseline.push(b);
          say(`  ${fmt.count(rows)} rows${fsync ? ' + fsync' : ''}: ${fmt.rate(b.joinsPerSecond)} (${b.joins} joins)`);
        }
      }
    });
  }
  if (only.has('idle')) {
    await part(results, 'tg-get idle', async () => {
      const idle = await measureIdle({ registryRows: sizes.idleRows, scheduleRows: sizes.idleRows, runs: sizes.idleRuns }, say);
      results.idle = idle;
      const list = (runs: number[]) => runs.map((n) => Math.round(n)).join(', ');
      say(`  tg-get ${fmt.ms(idle.tgGetMs)} (every row checked: ${fmt.ms(idle.fullMs)}; after an edit: ${fmt.ms(idle.editMs ?? Number.NaN)}) vs node -e 0 ${fmt.ms(idle.nodeMs)}; runs ${list(idle.tgGetRunsMs)} / ${list(idle.fullRunsMs)} / ${list(idle.editRunsMs ?? [])} / ${list(idle.nodeRunsMs)}`);
      for (const p of idle.problems) say(`  !! ${p}`);
    });
  }
  if (only.has('links')) {
    await part(results, `tg-get making ${fmt.count(sizes.links)} links`, async () => {
      const links = await measureLinks({ links: sizes.links, runs: sizes.linkRuns }, say);
      results.links = links;
      for (const p of links.problems) say(`  !! ${p}`);
    });
  }
  if (only.has('qr')) {
    await part(results, 'QR codes on their own', async () => {
      results.qr = await measureQr(sizes.qrCodes);
    });
  }

  if (only.has('report')) {
    await part(results, `tg-get report over ${fmt.count(sizes.reportRows)} join-log rows`, async () => {
      const before = values.before === undefined ? {} : { before: path.resolve(values.before), ...(beforeRuns === undefined ? {} : { beforeRuns }) };
      const report = await measureReport({ logRows: sizes.reportRows, registryLinks: sizes.registryLinks, runs: sizes.reportRuns, ...before }, say);
      results.report = report;
      for (const p of report.problems) say(`  !! ${p}`);
    });
  }

  const table = figures(results, sizes);
  const problems = [...results.handler.flatMap((h) => h.problems), ...(results.startup ?? []).flatMap((s) => s.problems), ...(results.idle?.problems ?? []), ...(results.links?.problems ?? []), ...(results.report?.problems ?? []), ...results.errors];
  process.stdout.write(`\ntg-invite-tracker benchmarks, ${machine.date}\n`);
  process.stdout.write(`machine: ${machine.cores} cores, ${fmt.count(machine.totalMemoryMiB)} MB RAM, ${machine.cpuModel}; Node ${machine.node}; ${machine.platform}; temp dir on ${machine.tmpFileSystem}; load average at start ${machine.loadAverage.join(' ')}\n\n`);
  if (values.quick) process.stdout.write('--quick: small sizes, for trying the bench; the goals are for the full sizes\n\n');
  process.stdout.write(`${formatTable(table)}\n`);
  if (problems.length > 0) process.stdout.write(`\nproblems (figures above may not mean what they say):\n${problems.map((p) => `- ${p.split('\n')[0]}`).join('\n')}\n`);

  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ machine, sizes, quick: values.quick === true, figures: table, results }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'latest.md'), `${formatMarkdown(table)}\n`);
  say(`\nfigures written to ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
  // A bench that could not measure something is broken; a slow figure is not.
  return results.errors.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  say(`bench: ${(error as Error).message}`);
  process.exitCode = 2;
}
