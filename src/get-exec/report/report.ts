/**
 * `tg-get report`: reads the registry and the join log, prints the attribution table, and writes the
 * HTML page (always) and the CSV (with --csv). Needs neither the token nor the group: it reads files
 * only. The decisions live in aggregate.ts and the format-*.ts files; this is their I/O.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_FAILED, EXIT_OK } from '../../shared/cli/exit.js';
import type { Config } from '../../shared/config/schema.js';
import { ExitError, type DataFileError } from '../../shared/errors.js';
import type { DataFileWarning } from '../../shared/files/data-file.js';
import type { Logger } from '../../shared/cli/log.js';
import { INVITE_FILE, RESPONSE_FILE } from '../../shared/files/names.js';
import { readRegistry } from '../../shared/registry/registry.js';
import { readJoinLog } from './join-rows.js';
import { displayPath, writeAtomic, writePieces } from '../../shared/files/store.js';
import { ReportAccumulator, type RegistryRow, type Report } from './aggregate.js';
import { dailyCsvPieces, formatCsv } from './format-csv.js';
import { htmlPieces } from './format-html.js';
import { plural, tableLines } from './format-table.js';

/** The HTML page's default name. */
export const REPORT_FILE = 'report.html';

export interface ReportOptions {
  /** Write the CSV here too. */
  csv?: string;
  /** Write the HTML page here instead of next to the links folder. */
  html?: string;
  /** When the report is made: its header, and how far the joins-per-day chart runs. */
  now: Date;
  /** Folder relative --csv and --html paths start from; default the process's working directory. */
  cwd?: string;
  /** Write joins and leaves per day and link here (--daily-csv). */
  dailyCsv?: string;
  /** Count events from this moment on (--since); members now are always now. */
  since?: Date;
  /** Count events before this moment (--until). */
  until?: Date;
  /** Only this group (--chat): registry rows whose chat_id (else CHAT_ID) and join-log rows whose chat_id (else CHAT_ID) is it. */
  chat?: string;
}

/** Where the page goes by default: beside the links folder (./report.html with the default LINKS). */
export function defaultHtmlPath(config: Pick<Config, 'linksDir'>): string {
  return path.join(path.dirname(config.linksDir), REPORT_FILE);
}

/** An error of the code making an output, not of writing it. */
class PieceError {
  constructor(readonly error: unknown) {}
}

/** The pieces, with an error of the code making one turned into a PieceError (a bug, see writeOutput). */
function* guarded(pieces: Iterable<Buffer>): Generator<Buffer> {
  const next = pieces[Symbol.iterator]();
  for (;;) {
    let piece: IteratorResult<Buffer>;
    try {
      piece = next.next();
    } catch (error) {
      // Making the text failed, not writing it: a bug, not a folder to fix.
      throw new PieceError(error);
    }
    if (piece.done === true) return;
    yield piece.value;
  }
}

function* utf8(pieces: Iterable<string>): Generator<Buffer> {
  for (const piece of pieces) yield Buffer.from(piece, 'utf8');
}

async function writeOutput(file: string, text: string | Buffer | Iterable<Buffer>, what: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof text === 'string' || Buffer.isBuffer(text)) await writeAtomic(file, text);
    else await writePieces(file, guarded(text));
  } catch (error) {
    if (error instanceof PieceError) throw error.error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ExitError(EXIT_FAILED, `cannot write the ${what} to ${displayPath(file)} (${code}); choose another path or check the folder's permissions`, { cause: error });
  }
}

/**
 * The registry's rows the report counts (those of `chat`), with their lines; the rows as read (their
 * cells and text, about 10 MB for 10,000 rows) are not kept while the join log is read.
 */
async function registryRows(file: string, zone: string, chat: string | undefined, defaultChat: string): Promise<{ registry: RegistryRow[]; problems: DataFileError[]; warnings: DataFileWarning[] }> {
  const invites = await readRegistry(file, zone);
  const registry = invites.entries
    .filter((e) => chat === undefined || (e.value.chat_id.trim() || defaultChat) === chat)
    .map((e) => ({ ...e.value, line: e.row.line }));
  return { registry, problems: invites.problems, warnings: invites.warnings };
}

/**
 * Reads the registry, then the join log row by row into the report: memory grows with links and days,
 * never with the log's length. Every row that cannot be used is logged as a warning with its place.
 */
export async function loadReport(
  config: Pick<Config, 'dataDir' | 'zone'> & Partial<Pick<Config, 'chatId'>>,
  now: Date,
  log: Logger,
  scope: Pick<ReportOptions, 'since' | 'until' | 'chat'> & { daily?: boolean } = {},
): Promise<{ report: Report; problems: number; sources: string[] }> {
  const invitesPath = path.join(config.dataDir, INVITE_FILE);
  const responsesPath = path.join(config.dataDir, RESPONSE_FILE);
  const defaultChat = config.chatId === null || config.chatId === undefined ? '' : String(config.chatId);
  const invites = await registryRows(invitesPath, config.zone, scope.chat, defaultChat);
  const acc = new ReportAccumulator(invites.registry, config.zone, { ...scope, defaultChat });
  const warnings = [...invites.warnings];
  let logProblems: DataFileError[];
  try {
    logProblems = await readJoinLog(responsesPath, displayPath(responsesPath), config.zone, { facts: (f) => acc.addFacts(f), row: (join) => acc.add(join), ownerOf: (link, idLink) => acc.ownerOf(link, idLink) }, (warning) => warnings.push(warning));
  } catch (error) {
    // No join log yet just means nobody asked to join: tg-handler creates it on its first start.
    if ((error as Error).name !== 'DataFileMissingError') throw error;
    logProblems = [];
  }
  const problems = [...invites.problems, ...logProblems];
  for (const problem of problems) log.warn(`${problem.message} (left out of the report)`);
  // Rows read all the same, e.g. a time a daylight-saving change skips: counted, but the admin should know.
  for (const warning of warnings) log.warn(`${warning.message} (counted as read)`);
  return { report: acc.finish(now), problems: problems.length, sources: [displayPath(invitesPath), displayPath(responsesPath)] };
}

/**
 * Runs the report: prints the table through `out`, writes the HTML page (default: report.html beside
 * the links folder) and the CSV when asked. Exit code 1 when a row of either file could not be read
 * (the report is then incomplete, and says so on stderr), else 0. Throws DataFileMissingError when
 * the registry is missing, DataFileError when a file is not UTF-8, ExitError when an output cannot
 * be written.
 */
export async function runReport(config: Config, options: ReportOptions, log: Logger, out: (line: string) => void): Promise<{ exitCode: number; htmlPath: string; csvPath?: string; dailyCsvPath?: string }> {
  const scope = { ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}), ...(options.chat !== undefined ? { chat: options.chat } : {}), daily: options.dailyCsv !== undefined };
  const { report, problems, sources } = await loadReport(config, options.now, log, scope);
  for (const line of tableLines(report)) out(line);

  const cwd = options.cwd ?? process.cwd();
  const htmlPath = options.html !== undefined ? path.resolve(cwd, options.html) : defaultHtmlPath(config);
  await writeOutput(htmlPath, utf8(htmlPieces(report, { now: options.now, sources, ...(scope.since ? { since: scope.since } : {}), ...(scope.until ? { until: scope.until } : {}), ...(scope.chat !== undefined ? { chat: scope.chat } : {}) })), 'HTML report');
  log.info(`wrote ${displayPath(htmlPath)}`);
  let csvPath: string | undefined;
  if (options.csv !== undefined) {
    csvPath = path.resolve(cwd, options.csv);
    await writeOutput(csvPath, formatCsv(report), 'CSV report');
    log.info(`wrote ${displayPath(csvPath)}`);
  }
  let dailyCsvPath: string | undefined;
  if (options.dailyCsv !== undefined) {
    dailyCsvPath = path.resolve(cwd, options.dailyCsv);
    await writeOutput(dailyCsvPath, dailyCsvPieces(report.daily), 'daily CSV');
    log.info(`wrote ${displayPath(dailyCsvPath)}`);
  }
  const withJoins = report.rows.length - report.noJoins.length;
  const t = report.totals;
  const members = t.joined + t.left + t.removed > 0 ? `, ${plural(t.members, 'member')} now` : '';
  log.info(`report: ${plural(report.totals.approved, 'join')} through ${withJoins} of ${plural(report.rows.length, 'link')}${members}${problems > 0 ? `; ${plural(problems, 'row')} could not be read (see the warnings above)` : ''}`);
  return { exitCode: problems > 0 ? EXIT_FAILED : EXIT_OK, htmlPath, ...(csvPath !== undefined ? { csvPath } : {}), ...(dailyCsvPath !== undefined ? { dailyCsvPath } : {}) };
}
