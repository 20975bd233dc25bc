import http from 'node:http';
import type { Socket } from 'node:net';
import { parseBody, type ParsedBody } from './body.js';
import type { CallLog } from './call-log.js';
import type { MethodContext } from './context.js';
import { errorAnswer, invoke, type Answer } from './dispatch.js';
import { ApiError } from './errors.js';
import { describeFault, type FaultQueue } from './faults.js';
import { METHODS, canonicalMethod } from './methods/index.js';
import type { RecordedFile } from './types.js';

/** What the HTTP front needs from the emulator. */
export interface ServerDeps {
  token: string;
  calls: CallLog;
  faults: FaultQueue;
  now: () => number;
  log: ((line: string) => void) | undefined;
  /** The context a method runs in. */
  context: (files: RecordedFile[], signal: AbortSignal) => MethodContext;
}

const NOT_FOUND = new ApiError(404, 'Not Found');
const UNAUTHORIZED = new ApiError(401, 'Unauthorized');

/**
 * The HTTP side of the emulator: `/bot<token>/<method>` routing, GET and POST bodies, faults,
 * recording, and closing every socket on stop.
 */
export class ApiServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: ServerDeps) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // Long keep-alive, so a client never reuses a socket the server is closing; stop() ends them.
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens; resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Stops listening and destroys every socket, pending long polls included. */
  close(): Promise<void> {
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = this.deps.now();
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const onStop = (): void => gone.abort();
    this.stopping.signal.addEventListener('abort', onStop);
    res.on('close', () => this.stopping.signal.removeEventListener('abort', onStop));

    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const route = /^\/bot([^/]*)\/(?:test\/)?([^/]*)\/?$/.exec(url.pathname);
    const asked = route?.[2] ?? url.pathname;
    const method = canonicalMethod(asked);
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return;

    const call = { method: method ?? asked, params: {} as Record<string, unknown>, files: [] as RecordedFile[], at };
    const answer = (outcome: Answer, fault?: string): void => {
      this.deps.calls.record({ ...call, status: outcome.status, response: outcome.body, ...(fault === undefined ? {} : { fault }) });
      this.logLine(call.method, outcome.status, fault);
      if (res.destroyed) return;
      res.writeHead(outcome.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(outcome.body));
    };

    if (route === null) return answer(errorAnswer(NOT_FOUND));
    if (route[1] !== this.deps.token) return answer(errorAnswer(UNAUTHORIZED));
    if (method === undefined) return answer(errorAnswer(NOT_FOUND));
    const handler = METHODS[method];
    if (handler === undefined) return answer(errorAnswer(NOT_FOUND));

    let parsed: ParsedBody;
    try {
      parsed = await parseBody(req.headers['content-type'], body);
    } catch (error) {
      return answer(errorAnswer(error instanceof ApiError ? error : new ApiError(400, 'Bad Request: invalid request body')));
    }
    const params: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...parsed.params };
    // telegraf repeats the method name as a multipart field; Telegram ignores it.
    if (typeof params['method'] === 'string') delete params['method'];
    call.params = params;
    call.files = parsed.files;

    const fault = this.deps.faults.take(method);
    const faultName = fault === undefined ? undefined : describeFault(fault);
    if (fault?.kind === 'error') {
      const parameters = {
        ...(fault.retryAfter === undefined ? {} : { retry_after: fault.retryAfter }),
        ...(fault.migrateToChatId === undefined ? {} : { migrate_to_chat_id: fault.migrateToChatId }),
      };
      const error = new ApiError(fault.code, fault.description, Object.keys(parameters).length === 0 ? undefined : parameters);
      return answer(errorAnswer(error), faultName);
    }
    if (fault?.kind === 'drop-before') return this.drop(req, call, undefined, faultName);
    if (fault?.kind === 'delay') {
      await sleep(fault.ms, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
    }

    const outcome = await invoke(handler, this.deps.context(parsed.files, gone.signal), params);
    if (outcome === undefined || (res.destroyed && fault?.kind !== 'drop-after')) {
      this.deps.calls.record({ ...call, status: 0, response: outcome?.body, ...(faultName === undefined ? {} : { fault: faultName }) });
      this.logLine(call.method, 0, faultName ?? 'client gone');
      return;
    }
    if (fault?.kind === 'drop-after') return this.drop(req, call, outcome, faultName);
    answer(outcome, faultName);
  }

  private drop(
    req: http.IncomingMessage,
    call: { method: string; params: Record<string, unknown>; files: RecordedFile[]; at: number },
    outcome: Answer | undefined,
    fault: string | undefined,
  ): void {
    this.deps.calls.record({ ...call, status: 0, response: outcome?.body, ...(fault === undefined ? {} : { fault }) });
    this.logLine(call.method, 0, fault);
    req.socket.destroy();
  }

  private logLine(method: string, status: number, note: string | undefined): void {
    this.deps.log?.(`${method} ${status === 0 ? 'no answer' : status}${note === undefined ? '' : ` (${note})`}`);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
