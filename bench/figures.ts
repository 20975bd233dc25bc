/** The table of figures from the measurements: each with its goal from issue 6. Pure. */
import type { IdleFigures } from './get-idle.js';
import type { LinksFigures } from './get-links.js';
import type { HandlerFigures } from './handler-throughput.js';
import type { StartupRun } from './handler-startup.js';
import type { BaselineFigures } from './legacy-baseline.js';
import type { QrFigures } from './qr-rate.js';
import type { ReportFigures } from './get-report.js';
import { atLeast, atMost, fmt, info, type Figure } from './report.js';
import { median } from './stats.js';

/** Everything measured in one bench run. */
export interface Results {
  handler: HandlerFigures[];
  /** tg-handler start-up over a big join log, with the bare bot's (bench/handler-startup.ts). */
  startup?: StartupRun[];
  baseline: BaselineFigures[];
  idle: IdleFigures | null;
  links: LinksFigures | null;
  qr: QrFigures | null;
  /** `tg-get report` over a big join log (absent when not measured). */
  report?: ReportFigures | null;
  errors: string[];
}

/** The table sizes the figures are labelled with. */
export interface TableSizes {
  smallLog: number;
  bigLog: number;
}

/** tg-handler at one log size over its runs. */
export interface HandlerSummary {
  existingRows: number;
  registryLinks: number;
  joins: number;
  runs: number;
  /** The median rate, and the slowest and fastest run: the spread says how much the machine's load moved it. */
  joinsPerSecond: number;
  slowest: number;
  fastest: number;
  peakRssKiB: number | null;
  startupPeakRssKiB: number | null;
  startupMs: number;
}

/** Several runs of one size: the median rate and start-up, the highest peaks. */
export function summarizeHandler(runs: readonly HandlerFigures[]): HandlerSummary | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;
  const peak = (values: (number | null)[]): number | null => (values.some((v) => v === null) ? null : Math.max(...(values as number[])));
  return {
    existingRows: first.existingRows,
    registryLinks: first.registryLinks,
    joins: first.joins,
    runs: runs.length,
    joinsPerSecond: median(runs.map((r) => r.joinsPerSecond)),
    slowest: Math.min(...runs.map((r) => r.joinsPerSecond)),
    fastest: Math.max(...runs.map((r) => r.joinsPerSecond)),
    peakRssKiB: peak(runs.map((r) => r.peakRssKiB)),
    startupPeakRssKiB: peak(runs.map((r) => r.startupPeakRssKiB)),
    startupMs: median(runs.map((r) => r.startupMs)),
  };
}

export function figures(results: Results, sizes: TableSizes): Figure[] {
  const out: Figure[] = [];
  const service = results.handler.filter((h) => h.asService && !h.recent && h.bare !== true);
  const bySize = (rows: number): HandlerSummary | undefined => summarizeHandler(service.filter((h) => h.existingRows === rows));
  const [small, big] = [bySize(sizes.smallLog), bySize(sizes.bigLog)];
  for (const h of [small, big]) {
    if (h === undefined) continue;
    const rows = `${fmt.count(h.existingRows)} rows in log`;
    const rate = atLeast(`tg-handler joins/s, ${rows} (${fmt.count(h.joins)} requests, ${fmt.count(h.registryLinks)} links; median of ${h.runs})`, h.joinsPerSecond, 2000, fmt.rate);
    out.push(h.runs > 1 ? { ...rate, value: `${rate.value} (${fmt.count(h.slowest)}-${fmt.count(h.fastest)})` } : rate);
    out.push(atMost(`tg-handler peak RSS, ${rows} (highest of ${h.runs})`, h.peakRssKiB, 150 * 1024, fmt.mib));
    out.push(info(`tg-handler peak RSS by "started", ${rows}`, fmt.mib(h.startupPeakRssKiB)));
    out.push(info(`tg-handler start-up to "started", ${rows} (median)`, fmt.ms(h.startupMs)));
  }
  out.push(...yardstickFigures(results.handler, sizes));
  if (small && big) out.push(atLeast(`tg-handler rate ratio ${fmt.count(sizes.bigLog)} / ${fmt.count(sizes.smallLog)} rows`, big.joinsPerSecond / small.joinsPerSecond, 0.8, fmt.ratio));
  const once = (h: HandlerFigures) => `${fmt.mib(h.peakRssKiB)} (${fmt.mib(h.startupPeakRssKiB)} by "started"; ${fmt.rate(h.joinsPerSecond)})`;
  for (const h of results.handler.filter((r) => r.recent)) {
    out.push(info(`tg-handler peak RSS, ${fmt.count(h.existingRows)} rows in log all from the last six days (every key kept; 1 run)`, once(h)));
  }
  for (const h of results.handler.filter((r) => !r.asService)) {
    out.push(info(`tg-handler peak RSS by hand, no heap setting, ${fmt.count(h.existingRows)} rows in log (1 run)`, once(h)));
  }
  out.push(...startupFigures(results.startup ?? []));
  for (const b of results.baseline) {
    out.push(info(`baseline: rewrite whole log per join${b.fsync ? ' + fsync' : ', no fsync'}, ${fmt.count(b.existingRows)} rows (NOT tg-handler)`, fmt.rate(b.joinsPerSecond)));
  }
  const idle = results.idle;
  if (idle) {
    const what = `${fmt.count(idle.registryRows)} links + ${fmt.count(idle.scheduleRows)} posts`;
    out.push(info(`tg-get idle, nothing changed since the last run, median of ${idle.runs} (${what})`, fmt.ms(idle.tgGetMs)));
    out.push(info(`node -e 0 wall time, median of ${idle.runs}`, fmt.ms(idle.nodeMs)));
    out.push(atMost('tg-get idle / node -e 0', idle.ratio, 3, fmt.ratio));
    out.push(info('tg-get idle peak RSS', fmt.mib(idle.peakRssKiB)));
    out.push(info(`tg-get idle after the schedule was saved unchanged (every row checked), median of ${idle.runs}`, `${fmt.ms(idle.fullMs)} (${fmt.ratio(idle.fullMs / idle.nodeMs)})`));
    out.push(info('tg-get idle peak RSS, every row checked', fmt.mib(idle.fullPeakRssKiB)));
    if (idle.editMs !== undefined) {
      out.push(atMost(`tg-get right after one schedule row was edited / node -e 0 (${what}; ${fmt.ms(idle.editMs)}, median of ${idle.runs})`, idle.editMs / idle.nodeMs, 5, fmt.ratio));
      out.push(info('tg-get after an edit, peak RSS', fmt.mib(idle.editPeakRssKiB ?? null)));
    }
    out.push(info('node -e 0 peak RSS', fmt.mib(idle.nodePeakRssKiB)));
  }
  const links = results.links;
  if (links) {
    out.push(atMost(`tg-get making ${fmt.count(links.links)} links + QR codes, wall time (median of ${links.runs})`, links.wallMs, 15_000, fmt.seconds));
    out.push(atMost(`tg-get making ${fmt.count(links.links)} links + QR codes, peak RSS`, links.peakRssKiB, 200 * 1024, fmt.mib));
  }
  const qr = results.qr;
  if (qr) {
    out.push(info(`QR codes/s, drawing only (renderQrPng, ${fmt.count(qr.codes)} codes)`, fmt.rate(qr.renderPerSecond)));
    out.push(info(`QR codes/s, QR step with atomic file writes (writeQrCodes)`, fmt.rate(qr.stepPerSecond)));
  }
  if (results.report) out.push(...reportFigures(results.report));
  return out;
}

/**
 * tg-handler against the yardstick (issue 15): a bare telegraf bot that only approves, run in the same
 * rounds. Each round's tg-handler run is divided by that round's yardstick run (they ran next to each
 * other, under the same load), and the median of those ratios is the figure.
 */
export function yardstickFigures(handler: readonly HandlerFigures[], sizes: TableSizes): Figure[] {
  const bare = handler.filter((h) => h.bare === true);
  const out: Figure[] = [];
  if (bare.length === 0) return out;
  const rss = (h: HandlerFigures) => h.peakRssKiB;
  out.push(info(`yardstick: bare telegraf bot that only approves, ${fmt.count(bare[0]!.joins)} requests (median of ${bare.length})`, `${fmt.rate(median(bare.map((b) => b.joinsPerSecond)))}, peak RSS ${fmt.mib(median(bare.map((b) => rss(b) ?? Number.NaN)))}`));
  for (const rows of [sizes.smallLog, sizes.bigLog]) {
    const ours = handler.filter((h) => h.asService && !h.recent && h.bare !== true && h.existingRows === rows);
    const pairs = ours.slice(0, bare.length).map((h, i) => [h, bare[i]!] as const);
    if (pairs.length === 0) continue;
    const label = `${fmt.count(rows)} rows in log; median of ${pairs.length} rounds`;
    out.push(atLeast(`tg-handler rate / yardstick's, ${label}`, median(pairs.map(([h, b]) => h.joinsPerSecond / b.joinsPerSecond)), 0.9, fmt.ratio));
    const rssPairs = pairs.filter(([h, b]) => rss(h) !== null && rss(b) !== null);
    out.push(atMost(`tg-handler peak RSS / yardstick's, ${label}`, rssPairs.length === 0 ? null : median(rssPairs.map(([h, b]) => rss(h)! / rss(b)!)), 1.15, fmt.ratio));
  }
  return out;
}

/**
 * tg-handler's start-up over a big log (issue 15): the restart ready <= 1 s and <= 150 MB, the
 * legacy first start within 150 MB; every case also as a ratio to the bare bot of the same round.
 */
export function startupFigures(runs: readonly StartupRun[]): Figure[] {
  const of = (which: StartupRun['case']) => runs.filter((r) => r.case === which);
  const [restart, bare] = [of('restart'), of('bare')];
  if (restart.length === 0) return [];
  const rows = `${fmt.count(restart[0]!.logRows)}-row join log`;
  const peak = (list: readonly StartupRun[]) => (list.some((r) => r.peakRssKiB === null) ? null : Math.max(...list.map((r) => r.peakRssKiB!)));
  /** Median over the rounds of this case's time / the bare bot's of the same round. */
  const ratio = (list: readonly StartupRun[]) => {
    const pairs = list.flatMap((r) => bare.filter((b) => b.round === r.round).map((b) => r.readyMs / b.readyMs));
    return pairs.length === 0 ? '' : `; ${fmt.ratio(median(pairs))} the bare bot`;
  };
  const out: Figure[] = [
    atMost(`tg-handler restart (after SIGTERM), ${rows}: spawn to first getUpdates (median of ${restart.length})`, median(restart.map((r) => r.readyMs)), 1000, fmt.ms),
    atMost(`tg-handler restart, ${rows}: peak RSS (highest of ${restart.length})`, peak(restart), 150 * 1024, fmt.mib),
  ];
  const described: Array<[StartupRun['case'], string]> = [
    ['restart', `tg-handler restart, ${rows}`],
    ['appended', `tg-handler restart after another program appended rows, ${rows}`],
    ['first', `tg-handler first start (no snapshot: reads it all), ${rows}`],
    ['legacy', `tg-handler first start on a legacy ${rows} (header rewrite)`],
    ['queue-restart', `tg-handler restart with ADMIN_CHAT_ID and max_members, ${rows}`],
    ['queue-appended', `tg-handler restart with ADMIN_CHAT_ID and max_members after appended rows, ${rows}`],
    ['queue-first', `tg-handler first start with ADMIN_CHAT_ID and max_members, ${rows}`],
  ];
  for (const [which, label] of described) {
    const list = of(which);
    if (list.length === 0) continue;
    out.push(info(`${label}: ready, peak RSS (median of ${list.length}; highest)`, `${fmt.ms(median(list.map((r) => r.readyMs)))}${ratio(list)}, ${fmt.mib(peak(list))}`));
  }
  const legacy = of('legacy');
  const queue = of('queue-restart');
  if (queue.length > 0) out.push(atMost(`tg-handler restart with ADMIN_CHAT_ID and max_members, ${rows}: spawn to first getUpdates (median of ${queue.length})`, median(queue.map((r) => r.readyMs)), 1000, fmt.ms));
  if (legacy.length > 0) out.push(atMost(`tg-handler first start on a legacy ${rows}: peak RSS (highest of ${legacy.length})`, peak(legacy), 150 * 1024, fmt.mib));
  if (bare.length > 0) out.push(info(`yardstick: bare telegraf bot, no files: spawn to first getUpdates, peak RSS (median of ${bare.length})`, `${fmt.ms(median(bare.map((r) => r.readyMs)))}, ${fmt.mib(median(bare.map((r) => r.peakRssKiB ?? Number.NaN)))}`));
  return out;
}

/** The report's figures: its goals (issue 15), and its ratios to the yardsticks and to `before`. */
export function reportFigures(r: ReportFigures): Figure[] {
  const size = `${fmt.count(r.logRows)} log rows + ${fmt.count(r.registryLinks)} links`;
  const out: Figure[] = [
    atMost(`tg-get report, ${size}, table + HTML + CSV + daily CSV, wall (median of ${r.runs})`, r.report.wallMs, 5000, fmt.seconds),
    atMost(`tg-get report, ${size}, peak RSS (highest of ${r.runs})`, r.report.peakRssKiB, 200 * 1024, fmt.mib),
    info('tg-get report / node -e 0, wall', fmt.ratio(r.report.wallMs / r.nodeE0.wallMs)),
    info(`tg-get report / line count of the same log (fs stream, ${fmt.seconds(r.lineCount.wallMs)}, ${fmt.mib(r.lineCount.peakRssKiB)}), wall`, fmt.ratio(r.report.wallMs / r.lineCount.wallMs)),
    info('tg-get report / line count, peak RSS', r.report.peakRssKiB === null || r.lineCount.peakRssKiB === null ? 'n/a' : fmt.ratio(r.report.peakRssKiB / r.lineCount.peakRssKiB)),
    info(`node -e 0 (median of ${r.runs})`, `${fmt.ms(r.nodeE0.wallMs)}, ${fmt.mib(r.nodeE0.peakRssKiB)}`),
  ];
  const b = r.before;
  if (b) {
    out.push(info(`tg-get report BEFORE, ${size} (median of ${r.beforeRuns ?? 1})`, `${fmt.seconds(b.wallMs)}, ${fmt.mib(b.peakRssKiB)}; ${fmt.ratio(b.wallMs / r.lineCount.wallMs)} the line count`));
    out.push(info('tg-get report before / after, wall', fmt.ratio(b.wallMs / r.report.wallMs)));
    out.push(info('tg-get report before / after, peak RSS', b.peakRssKiB === null || r.report.peakRssKiB === null ? 'n/a' : fmt.ratio(b.peakRssKiB / r.report.peakRssKiB)));
  }
  return out;
}
