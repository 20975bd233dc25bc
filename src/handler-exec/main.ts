/**
 * tg-handler: the long-running bot. It approves join requests that come through links of the
 * registry, writes who came through which link to the join log, and runs the button chat. main
 * wires configuration, files, handlers, bot.catch, signals and launch; the decisions live in the
 * modules it imports.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Update } from 'telegraf/types';
import { addCommonOptions, loggerFor, processIo, packageVersion, secretsOf, type Io } from '../shared/cli/cli.js';
import { EXIT_ADMIN, EXIT_HELP, EXIT_OK, isBug, reportFailure, verdictOf } from '../shared/cli/exit.js';
import { guardCrashes } from '../shared/cli/crash.js';
import { loadConfig } from '../shared/config/load.js';
import { pathsOf } from '../shared/config/paths.js';
import { parseReviewOptions, type CommonOptions, type ReviewCliOptions } from '../shared/config/schema.js';
import type { WebhookCliOptions } from '../shared/config/webhook.js';
import { BugError, ConfigError, messageOf } from '../shared/errors.js';
import type { Logger } from '../shared/cli/log.js';
import { DEFAULT_RETRY, createBot, type RetryPolicy } from '../shared/telegram/client.js';
import { displayPath } from '../shared/files/store.js';
import { chatMemberHandlers, skipOwnApprovals } from './chat-member.js';
import { chatMenu } from './chat-menu.js';
import { InFlight, describeUpdate } from './in-flight.js';
import { joinRequestHandler, joinRequestHandlers, type UnknownLinkPolicy } from './join-requests.js';
import { takeJoinRequests } from './join-lane.js';
import { MENU_FILE_NAME, loadMenu } from './menu-file.js';
import { RegistryWatch } from './registry-watch.js';
import { ResponseLog } from '../shared/join-log/append.js';
import { MembershipLog } from '../shared/join-log/membership-log.js';
import { LedgerFile } from '../shared/join-log/ledger-file.js';
import { LedgerCache } from '../shared/join-log/ledger-cache.js';
import { ReviewQueue } from './review-queue.js';
import { NODE_TIMERS, RequesterCheck, type Timers } from './requester-check.js';
import { eachLogRow, PendingFold, type LogRow } from '../shared/join-log/pending.js';
import { LinkUsage, limitOf, UsageFold } from './link-usage.js';
import { ALLOWED_UPDATES, runBot } from './run-bot.js';
import { skipTextlessMessages, updateGuard } from './update-shape.js';
import { LogGate, type HoldBackoff } from './log-gate.js';
import { acquireInstanceLock, type InstanceLock } from './single-instance.js';

/** What tests (and only tests) put in place of the outside world. */
export interface HandlerDeps {
  /** The clock for decisions (expiry) and the times written to the join log. */
  now?: () => Date;
  /** Aborting it stops the bot as SIGTERM does; when given, no process signal handler is installed. */
  signal?: AbortSignal;
  /** Called once the bot is connected and about to receive updates. */
  onReady?: () => void;
  /** Overrides of the Telegram retry policy (e.g. a sleep that records instead of waiting). */
  retry?: Partial<RetryPolicy>;
  /** How long a stop waits for updates in progress; default 4.5 s. */
  stopTimeoutMs?: number;
  /** The timers of --check-requester's waits; default Node's. */
  timers?: Timers;
  /** The back-off while the join log cannot be written (a full disk); default 1 s doubling to 30 s. */
  holdBackoff?: HoldBackoff;
}

interface HandlerOptions extends CommonOptions, WebhookCliOptions, ReviewCliOptions {
  unknownLinks: UnknownLinkPolicy;
}

function program(io: Io): Command {
  const command = addCommonOptions(new Command('tg-handler'));
  // Both programs take the same folder flags, so one configuration (one .env, one unit) serves both.
  for (const option of command.options) {
    if (option.long === '--assets-dir' || option.long === '--links-dir') option.description += ' (accepted, so tg-get\'s settings serve here too; tg-handler does not use it)';
  }
  return command
    .description('Approves join requests that come through the registry\'s invite links, records who joined through which link, and runs the button chat. Runs until SIGTERM/SIGINT.')
    .version(packageVersion())
    .addOption(new Option('--unknown-links <what>', 'a join request through a link that is not in the registry (or with no link): leave it to an admin, or decline it').choices(['pending', 'decline']).default('pending'))
    .option('--max-members <n>', 'a registry link whose max_members cell is blank brings in at most N distinct people; further requests through it go to an admin (default: no limit)')
    .option('--check-requester', 'before approving a request through a registry link, ask the requester to confirm with a button; approve on their press')
    .option('--check-timeout <duration>', 'with --check-requester: no press within this time (e.g. 10m, 90s) declines the request, or sends it to ADMIN_CHAT_ID (default: 10m)')
    .option('--webhook-url <url>', 'receive updates by webhook at this public https URL (behind a reverse proxy) instead of long polling; http:// only with a self-hosted Bot API server')
    .option('--port <n>', 'local port of the webhook server (with --webhook-url)')
    .option('--host <address>', 'address the webhook server listens on (with --webhook-url): default 127.0.0.1, so only the reverse proxy on this machine reaches it; 0.0.0.0 for every interface')
    .option('--webhook-secret <secret>', 'secret token Telegram sends with every webhook post (default: WEBHOOK_SECRET, else random per start)')
    .addHelpText('after', `\n${EXIT_HELP}`)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
}

/** Resolves on SIGTERM/SIGINT (or the injected signal) with its name; `dispose` removes the handlers. */
function stopSignal(deps: HandlerDeps): { requested: Promise<string>; dispose: () => void } {
  if (deps.signal !== undefined) {
    const signal = deps.signal;
    return {
      requested: new Promise((resolve) => {
        if (signal.aborted) resolve('stop requested');
        else signal.addEventListener('abort', () => resolve('stop requested'), { once: true });
      }),
      dispose: () => {},
    };
  }
  let handlers: Array<[NodeJS.Signals, () => void]> = [];
  const requested = new Promise<string>((resolve) => {
    handlers = (['SIGTERM', 'SIGINT'] as const).map((name) => [name, () => resolve(name)]);
    // once: a second Ctrl-C gets Node's default and ends the process at once.
    for (const [name, handler] of handlers) process.once(name, handler);
  });
  return { requested, dispose: () => handlers.forEach(([name, handler]) => process.off(name, handler)) };
}

/** What is done with an update that failed, in bot.catch and in the join requests' lane. */
function updateFailed(logger: Logger): (error: unknown, update: Update) => void {
  // One failing update never stops the bot: log it and carry on with the next. A failure the exit
  // table does not name is our bug: said so, with the update's id and the stack, once. Nothing here
  // may throw: an error escaping bot.catch ends polling and the whole batch with it.
  return (error, update) => {
    try {
      const where = describeUpdate(update);
      if (!isBug(error)) {
        logger.error(`${where}: ${messageOf(error)}; the update is skipped, the bot carries on`);
        return;
      }
      const verdict = verdictOf(new BugError(error, update.update_id));
      logger.error(`${where}: bug: ${messageOf(error)}; the update is skipped, the bot carries on`);
      if (verdict.stack !== undefined) logger.error(verdict.stack);
    } catch (failure) {
      logger.error(`an update failed (${String(error)}), and so did logging it (${String(failure)}); the bot carries on`);
    }
  };
}

/** Runs tg-handler; resolves with the exit code once the bot has stopped. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Io = processIo(), deps: HandlerDeps = {}): Promise<number> {
  const command = program(io);
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_ADMIN;
    throw error;
  }
  const options = command.opts<HandlerOptions>();
  let secrets: string[] = [];
  let instance: InstanceLock | undefined;
  try {
    const config = await loadConfig(env, options, { token: true, chat: false }, io.cwd);
    secrets = secretsOf(config);
    const logger = loggerFor(config, io, env);
    const paths = pathsOf(config);
    const menuFile = path.join(paths.dataDir, MENU_FILE_NAME);
    const shown = (file: string) => displayPath(file, io.cwd);
    const now = deps.now ?? (() => new Date());

    if (!existsSync(paths.dataDir)) {
      throw new ConfigError([`--data-dir: ${paths.dataDir} does not exist; run tg-handler from the folder that holds data/, or pass --data-dir`]);
    }
    // Before any file or Telegram is touched: a second tg-handler refuses, the running one goes on.
    instance = await acquireInstanceLock(paths.dataDir, config.token.split(':')[0] ?? '');
    const review = parseReviewOptions(options);
    const menu = await loadMenu(menuFile, shown(menuFile));
    const registry = new RegistryWatch({ file: paths.registry, name: shown(paths.registry), zone: config.zone, logger, now: () => now().getTime() });
    await registry.start();
    if (registry.size === 0) logger.warn(`${shown(paths.registry)} has no invite links yet: run tg-get to make them; until then every join request is ${options.unknownLinks === 'decline' ? 'declined' : 'left to an admin'}`);
    const scanLog = (onRow: (row: LogRow) => void) => eachLogRow(paths.joinLog, shown(paths.joinLog), onRow);
    // Counted and held from the same one read of the join log as the ledger (or its snapshot and what follows).
    const filedUsage = new UsageFold(new LinkUsage(scanLog, review.maxMembers), shown(paths.joinLog));
    filedUsage.usage.expect(registry.rows().filter((invite) => limitOf(invite, review.maxMembers) !== undefined));
    const filedPending = new PendingFold(shown(paths.joinLog));
    // The files are checked first, then Telegram is reached, and only then is the join log created or
    // its header brought up to date: a start that cannot reach Telegram, or is refused, changes no
    // file. launch() keeps the botInfo set here. No handler timeout: a request held while the join log
    // cannot be written must stay unconfirmed however long that lasts (every call has its own timeout).
    const bot = createBot({ token: config.token, apiRoot: config.apiRoot, log: logger, retry: { ...DEFAULT_RETRY, ...deps.retry }, handlerTimeoutMs: Infinity });
    const reachTelegram = async () => {
      bot.botInfo ??= await bot.telegram.getMe();
    };
    // One read of the join log for the keys and the ledger, or only what follows the snapshot.
    const ledgerFile = new LedgerFile(paths.joinLog, shown(paths.joinLog), config.zone, config.chatId === null ? '' : String(config.chatId));
    ledgerFile.follow(filedUsage);
    ledgerFile.follow(filedPending);
    const cache = new LedgerCache(paths.ledgerCache, paths.joinLog, Date.now, { usage: filedUsage, pending: filedPending });
    const { log, problems } = await ResponseLog.open(paths.joinLog, shown(paths.joinLog), config.zone, { now, beforeWrite: reachTelegram, ledger: ledgerFile, resume: () => cache.resume(ledgerFile) });
    logger.debug(`join log: ${cache.outcome}`);
    // A limit or URL the snapshot did not count for is counted now, with a read of its own.
    await filedUsage.usage.settle();
    // The bot's own state starts as the file's and then follows what it writes (onRecord below).
    const usage = new LinkUsage(scanLog, review.maxMembers);
    usage.restore(filedUsage.usage.state());
    const pending = config.adminChatId === undefined && !review.checkRequester ? undefined : filedPending.held.copy();
    await reachTelegram();
    for (const problem of problems) logger.warn(`${problem.message} (the row stays as it is)`);
    const members = MembershipLog.over(ledgerFile, log);
    const cacheFailed = (error: unknown) => logger.warn(`${shown(paths.ledgerCache)}: the snapshot was not written (${messageOf(error)}); the next start reads the whole join log`);
    cache.keepFresh(members, log, cacheFailed);

    log.onRecord((row) => usage.noted(row));
    if (pending !== undefined) log.onRecord((row) => pending.note(row));
    // Every row the bot writes for a decision passes the gate: nothing is decided unless it can be written.
    const gate = new LogGate(log, { dir: path.dirname(paths.joinLog), name: shown(paths.joinLog), logger, ...(deps.holdBackoff === undefined ? {} : { backoff: deps.holdBackoff }) });
    // Long polling: a flush waits (briefly) for the rows of requests still in their Telegram call,
    // one flush per batch. telegraf confirms a batch only when all of it is done, so the wait costs
    // nothing. Not with a webhook: each post is answered on its own, and would wait for the others.
    if (config.webhook === undefined) log.gatherWhile(() => gate.gather());
    const queue = config.adminChatId === undefined || pending === undefined ? undefined : new ReviewQueue({ adminChatId: config.adminChatId, log, gate, pending, logger, now, zone: config.zone });
    const check = !review.checkRequester || pending === undefined ? undefined
      : new RequesterCheck({ log, gate, pending, queue, menu, logger, now, zone: config.zone, timeoutMs: review.checkTimeoutMs, timers: deps.timers ?? NODE_TIMERS });

    const stop = stopSignal(deps);
    try {
      const inFlight = new InFlight();
      // One use() for all: telegraf nests a compose per call, and each level ran two async steps per
      // update (6 KB of garbage per join request with seven levels; BENCHMARKS.md, issue 15).
      const joinRequest = joinRequestHandler({ registry, log: gate, logger, unknownLinks: options.unknownLinks, now, zone: config.zone, queue, usage, check });
      const failed = updateFailed(logger);
      bot.use(
        inFlight.middleware(),
        updateGuard(logger, ALLOWED_UPDATES),
        joinRequestHandlers(joinRequest),
        chatMemberHandlers({ registry, members, logger, zone: config.zone }),
        ...(queue === undefined ? [] : [queue.composer()]),
        ...(check === undefined ? [] : [check.composer()]),
        chatMenu({ menu, dataDir: paths.dataDir, logger }),
      );
      skipOwnApprovals(bot, logger);
      skipTextlessMessages(bot);
      takeJoinRequests(bot, joinRequest, { inFlight, failed });
      check?.resume(() => bot.telegram);
      bot.catch((error, ctx) => failed(error, ctx.update));
      logger.debug(`registry ${shown(paths.registry)}: ${registry.size} ${registry.size === 1 ? 'link' : 'links'}; join log ${shown(paths.joinLog)} (${members.ledger.memberCount} ${members.ledger.memberCount === 1 ? 'member' : 'members'}); unknown links: ${options.unknownLinks}`);
      await runBot({ bot, logger, inFlight, webhook: config.webhook, stopRequested: stop.requested, onReady: deps.onReady, stopTimeoutMs: deps.stopTimeoutMs });
    } finally {
      stop.dispose();
      check?.stop();
      await members.close();
      // Held rows stay unwritten and their updates unconfirmed: Telegram delivers them again.
      gate.close();
      await log.close();
      cache.stop();
      await cache.save(members, log).catch(cacheFailed);
    }
    logger.info('stopped');
    return EXIT_OK;
  } catch (error) {
    // A join log the handler cannot append to is 2, so systemd does not restart in a loop (shared/cli/exit.ts).
    return reportFailure(error, io, secrets);
  } finally {
    await instance?.release();
  }
}

/** The bin's entry point. Exits when main resolves, so no leftover timer or socket keeps the process up. */
export async function run(): Promise<void> {
  guardCrashes();
  const code = await main(process.argv.slice(2), process.env);
  process.exit(code);
}
