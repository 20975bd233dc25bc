/**
 * tg-get: the one-shot job cron runs every minute. With no sub-command it makes the missing invite
 * links, draws their QR codes and sends the posts that are due; `links`, `qr` and `posts` do one part,
 * `report` tells who came through which link, `members` checks who is still in. This module is the command line: commander reads it
 * into one typed Invocation, commands.ts runs it, and `main` turns the outcome into the exit code.
 */
import { Command, CommanderError } from 'commander';
import { addCommonOptions, packageVersion, processIo, type Io } from '../shared/cli/cli.js';
import { EXIT_ADMIN, EXIT_HELP, EXIT_OK, reportFailure, runCode } from '../shared/cli/exit.js';
import { guardCrashes } from '../shared/cli/crash.js';
import { redact } from '../shared/cli/log.js';
import type { Env } from '../shared/config/load.js';
import { membersCommand, pendingCommand, reportCommand, stepsCommand, type MainDeps, type Secrets } from './commands.js';
import { DEFAULT_MAX_LATE, type GetOptions, type MembersCliOptions, type PendingCliOptions, type ReportCliOptions } from './step-options.js';
import { ALL_STEPS, type Step } from './steps.js';
import { didYouMean } from './suggest.js';

export type { MainDeps } from './commands.js';

/** What the command line asks for. */
export type Invocation =
  | { command: 'steps'; steps: readonly Step[]; options: GetOptions }
  | { command: 'report'; options: ReportCliOptions }
  /** `tg-get pending` lists; with an action, settles USER_ID's request. */
  | { command: 'pending'; action?: 'approve' | 'decline'; userId?: string; options: PendingCliOptions }
  | { command: 'members'; options: MembersCliOptions }
  /** --help, --version, or a usage error commander has printed. */
  | { command: 'exit'; code: number };

function buildProgram(io: Io, chosen: (invocation: Invocation) => void): Command {
  const program = new Command('tg-get')
    .description('Makes invite links and their QR codes, and sends the scheduled posts, each exactly once. Run it from cron every minute.')
    .version(packageVersion())
    .exitOverride()
    // commander quotes what it did not understand: a token passed as an argument must not come back.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(redact(s.trimEnd())) })
    .showHelpAfterError('(run tg-get --help for the options)')
    // A sub-command's --help lists the options that work there too (--dry-run, --data-dir, ...).
    .configureHelp({ showGlobalOptions: true })
    // With an action of its own, commander adds `help [command]` only when asked.
    .helpCommand(true)
    .addHelpText('after', `\n${EXIT_HELP}`);
  const steps = (list: readonly Step[], options: GetOptions) => chosen({ command: 'steps', steps: list, options });
  addCommonOptions(program)
    .option('-n, --dry-run', 'print what would be done; call no Telegram method and change no file')
    .option('--expire-days <n>', 'new links expire after N days (a row\'s own dt_expire wins)')
    .option('--max-late <duration>', 'mark posts overdue by more than this (e.g. 30m, 2h, 1d) missed instead of sending them; "off" sends them however late', DEFAULT_MAX_LATE)
    .option('--sends-per-minute <n>', 'most messages sent to the group in any rolling minute (Telegram allows about 20)', '20');
  program.action(() => {
    // The program's own action takes every word commander does not know as a command: name it so.
    const [word] = program.args;
    if (word !== undefined) program.error(`error: unknown command '${word}'${didYouMean(word, program.commands.map((c) => c.name()))}`, { code: 'commander.unknownCommand', exitCode: EXIT_ADMIN });
    return steps(ALL_STEPS, program.opts<GetOptions>());
  });
  program
    .command('links')
    .description('make the missing invite links and their QR codes; change or revoke the links whose rows ask for it (dt_expire, link_status)')
    .action(() => steps(['links', 'qr'], program.opts<GetOptions>()));
  program
    .command('qr')
    .description('draw the missing or outdated QR codes only: LINKS/<id>.png, and LINKS/<id>.svg with the id printed under the code (needs no token)')
    .option('--sheet <file>', 'also write one HTML page of every code with its id under it, ready to print')
    .action((options: Pick<GetOptions, 'sheet'>) => steps(['qr'], { ...program.opts<GetOptions>(), ...options }));
  program
    .command('posts')
    .description('send the posts that are due')
    .option('--retry-uncertain', 'send again the posts marked uncertain (a send that got no answer)')
    .action((options: Pick<GetOptions, 'retryUncertain'>) => steps(['posts'], { ...program.opts<GetOptions>(), ...options }));
  program
    .command('members')
    .description('ask Telegram whether the people the join log holds as members are still in: record those gone (left, removed) and those back (joined); with --dry-run only show it. Run it daily from cron')
    .option('--checks-per-second <n>', 'getChatMember calls per second at most (Telegram allows a bot about 30 calls a second)', '20')
    .action((options: Pick<MembersCliOptions, 'checksPerSecond'>) => chosen({ command: 'members', options: { ...program.opts<GetOptions>(), ...options } }));
  program
    .command('report')
    .description('who came through which link: a table here, an HTML page with charts (default ./report.html beside LINKS/), and CSV on request (needs no token)')
    .option('--csv <file>', 'also write the table as CSV to this file (one line per registry row: requests, joins, leaves, members now, retention)')
    .option('--html <file>', 'write the HTML page here instead')
    .option('--daily-csv <file>', 'also write joins and leaves per day and link as CSV to this file (date, id, joins, leaves)')
    .option('--since <date>', 'count only events from this date or time on (in TZ; members now are always now)')
    .option('--until <date>', 'count only events before this date or time (a date alone is its midnight: --until 2026-02-01 ends with January)')
    .option('--chat <id>', 'only this group, when the registry serves several: registry rows whose chat_id (else CHAT_ID) and join-log rows whose chat_id (else CHAT_ID) is it')
    .action((options: Pick<ReportCliOptions, 'csv' | 'html' | 'dailyCsv' | 'since' | 'until' | 'chat'>) => chosen({ command: 'report', options: { ...program.opts<GetOptions>(), ...options } }));
  const pending = program
    .command('pending')
    .description('the join requests the join log holds as pending (chat, user, link, since when, why); approve or decline one from here')
    .action(() => chosen({ command: 'pending', options: program.opts<GetOptions>() }));
  for (const action of ['approve', 'decline'] as const) {
    pending
      .command(`${action} <USER_ID>`)
      .description(`${action} USER_ID's pending request in Telegram and record it in the join log (decided_by cli)`)
      .option('--chat <id>', 'the group of the request, when the user has pending requests in more than one')
      .action((userId: string, options: { chat?: string }) => chosen({ command: 'pending', action, userId, options: { ...program.opts<GetOptions>(), ...options } }));
  }
  // After the sub-commands, which keep refusing extra words: the program's own are unknown commands.
  return program.allowExcessArguments(true);
}

/** Reads the command line: resolves with the first command's typed options, or how to exit. */
export function parseCommandLine(argv: readonly string[], io: Io): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const program = buildProgram(io, resolve);
    program.parseAsync([...argv], { from: 'user' }).then(
      () => resolve({ command: 'exit', code: EXIT_OK }),
      (error: unknown) => {
        if (error instanceof CommanderError) resolve({ command: 'exit', code: error.exitCode === 0 ? EXIT_OK : EXIT_ADMIN });
        else reject(error);
      },
    );
  });
}

/**
 * Runs tg-get with `argv` (the arguments after the program name) and `env`. Returns the exit code
 * (README, "Exit codes"): 0 every row done, 1 a row failed, 2 an admin must fix something, 70 a bug.
 * Prints through `deps.io`.
 */
export async function main(argv: readonly string[], env: Env, deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processIo();
  const known: Secrets = { secrets: [] };
  try {
    const invocation = await parseCommandLine(argv, io);
    switch (invocation.command) {
      case 'exit':
        return invocation.code;
      case 'report':
        return await reportCommand(invocation.options, env, io, deps);
      case 'pending':
        return await pendingCommand(invocation, env, io, deps, known);
      case 'members':
        return runCode(await membersCommand(invocation.options, env, io, deps, known));
      case 'steps':
        return runCode(await stepsCommand(invocation.steps, invocation.options, argv, env, io, deps, known));
    }
  } catch (error) {
    return reportFailure(error, io, known.secrets);
  }
}

/** The bin's entry: runs main on this process, and turns SIGINT/SIGTERM into a stop after the current row. */
export async function run(): Promise<void> {
  guardCrashes();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    process.stderr.write(`${signal}: finishing the current row, then stopping (send it again to stop at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    process.exitCode = await main(process.argv.slice(2), process.env, { signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
