/**
 * tg-handler's join-request path in-process: the real handler, registry, log gate and join log (in a
 * temp folder, fsynced as in the service) fed batches of 100 requests the way telegraf's polling
 * hands them over, with a Telegram stand-in that answers on the next turn of the event loop. Beside
 * it, in the same rounds, the same loop with a handler that only approves: the difference is what
 * our path costs a request beyond the approve itself, without the emulator sharing the cores
 * (issue 15, session 8: the bare bot's rate gap was this path). CPU per request, medians of rounds.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Telegram } from 'telegraf';
import type { ChatJoinRequest, Update } from 'telegraf/types';
import { createLogger } from '../src/shared/cli/log.js';
import { InFlight } from '../src/handler-exec/in-flight.js';
import { joinRequestHandler, type JoinRequestHandler } from '../src/handler-exec/join-requests.js';
import { LinkUsage, UsageFold } from '../src/handler-exec/link-usage.js';
import { LogGate } from '../src/handler-exec/log-gate.js';
import { RegistryWatch } from '../src/handler-exec/registry-watch.js';
import { ResponseLog } from '../src/shared/join-log/append.js';
import { LedgerFile } from '../src/shared/join-log/ledger-file.js';
import { MembershipLog } from '../src/shared/join-log/membership-log.js';
import { eachLogRow } from '../src/shared/join-log/pending.js';
import { fakeLinks, GROUP, MONTHS_AGO, registryText, responsesText } from './data.js';
import { median } from './stats.js';

export interface PathFigures {
  rounds: number;
  requests: number;
  /** CPU per request, our handler (median of the rounds). */
  oursUs: number;
  /** CPU per request, a handler that only approves (median of the rounds). */
  approveOnlyUs: number;
}

/** Answers an approve on the next turn, as a reply from the network would come. */
const standIn = {
  approveChatJoinRequest: () => new Promise<true>((resolve) => setImmediate(() => resolve(true))),
  declineChatJoinRequest: () => new Promise<true>((resolve) => setImmediate(() => resolve(true))),
} as unknown as Telegram;

/** A join request as telegraf hands it over: parsed from JSON, a new user each. */
function request(user: number, links: readonly string[]): ChatJoinRequest {
  const link = links[user % links.length]!;
  return JSON.parse(JSON.stringify({
    chat: { id: GROUP, title: 'Bench', type: 'supergroup' },
    from: { id: user, is_bot: false, first_name: `Guest${user}`, last_name: 'Bench', username: `guest_${user}` },
    user_chat_id: user,
    date: Math.floor(Date.now() / 1000),
    invite_link: { invite_link: link, name: 'bench', creator: { id: 1, is_bot: true, first_name: 'Bot' }, creates_join_request: true, is_primary: false, is_revoked: false },
  })) as ChatJoinRequest;
}

/** CPU microseconds per request of `handle` over `requests` requests, in batches of 100 tracked in flight. */
async function cpuPerRequest(handle: JoinRequestHandler, requests: number, links: readonly string[], firstUser: number): Promise<number> {
  const inFlight = new InFlight();
  const batches: ChatJoinRequest[][] = [];
  for (let at = 0; at < requests; at += 100) batches.push(Array.from({ length: Math.min(100, requests - at) }, (_, i) => request(firstUser + at + i, links)));
  const failed = (error: unknown) => {
    throw error;
  };
  const before = process.cpuUsage();
  for (const batch of batches) {
    await Promise.all(batch.map((r, i) => inFlight.track({ update_id: i, chat_join_request: r } as Update, () => handle(r, standIn), failed)));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

/** Our handler over a fresh join log of 1,000 rows and a registry of `linkCount` links, wired as tg-handler's main wires it. */
async function ourHandler(dir: string, links: readonly string[]): Promise<{ handle: JoinRequestHandler; close: () => Promise<void> }> {
  const registryFile = path.join(dir, 'invite_data.txt');
  const logFile = path.join(dir, 'responde_data.txt');
  await writeFile(registryFile, registryText(links));
  await writeFile(logFile, responsesText(1_000, links, MONTHS_AGO));
  // Formatted as for the journal, then dropped: the bench's output is not the journal.
  const logger = createLogger({ level: 'normal', journal: true, out: () => {}, err: () => {} });
  const now = () => new Date();
  const registry = new RegistryWatch({ file: registryFile, name: 'invite_data.txt', zone: 'UTC', logger, now: () => Date.now() });
  await registry.start();
  const scan = (onRow: Parameters<typeof eachLogRow>[2]) => eachLogRow(logFile, 'responde_data.txt', onRow);
  const ledger = new LedgerFile(logFile, 'responde_data.txt', 'UTC', String(GROUP));
  const filed = new UsageFold(new LinkUsage(scan, undefined), 'responde_data.txt');
  ledger.follow(filed);
  const { log } = await ResponseLog.open(logFile, 'responde_data.txt', 'UTC', { now, ledger });
  const usage = new LinkUsage(scan, undefined);
  usage.restore(filed.usage.state());
  const members = MembershipLog.over(ledger, log);
  log.onRecord((row) => usage.noted(row));
  const gate = new LogGate(log, { dir, name: 'responde_data.txt', logger });
  log.gatherWhile(() => gate.gather());
  const handle = joinRequestHandler({ registry, log: gate, logger, unknownLinks: 'pending', now, zone: 'UTC', usage });
  return {
    handle,
    close: async () => {
      gate.close();
      await members.close();
      await log.close();
    },
  };
}

/** `rounds` rounds, each: our handler, then the approve-only one, `requests` requests each. */
export async function measureHandlerPath(rounds: number, requests: number): Promise<PathFigures> {
  const links = fakeLinks(10_000);
  const approveOnly: JoinRequestHandler = (r, telegram) => telegram.approveChatJoinRequest(r.chat.id, r.from.id).then(() => {});
  const ours: number[] = [];
  const bare: number[] = [];
  let user = 2_000_000_000;
  for (let round = 0; round <= rounds; round++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tg-bench-path-'));
    try {
      const handler = await ourHandler(dir, links);
      const oursUs = await cpuPerRequest(handler.handle, requests, links, user);
      await handler.close();
      const bareUs = await cpuPerRequest(approveOnly, requests, links, user + requests);
      user += 2 * requests;
      // Round 0 warms the code up (both loops), and is not counted.
      if (round === 0) continue;
      ours.push(oursUs);
      bare.push(bareUs);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { rounds, requests, oursUs: median(ours), approveOnlyUs: median(bare) };
}
