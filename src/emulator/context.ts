import type { ApiError } from './errors.js';
import type { Params } from './params.js';
import type { GroupSendLimiter } from './rate-limit.js';
import type { World } from './state.js';
import type { EmulatorUser, RecordedFile } from './types.js';
import type { UpdateQueue } from './updates.js';
import type { WebhookConfig } from './webhook.js';

/** A successful answer with Telegram's optional top-level `description` ("Webhook was set"). */
export class Ok {
  constructor(
    readonly result: unknown,
    readonly description?: string,
  ) {}
}

/** At most one getUpdates waits at a time; a newer call (or setWebhook) ends the older one. */
export class LongPollGate {
  private current: ((error: ApiError) => void) | undefined;

  /** Ends the waiting getUpdates, if any, with `error`. */
  terminate(error: ApiError): void {
    const end = this.current;
    this.current = undefined;
    end?.(error);
  }

  /** Registers a waiting getUpdates; returns the function that unregisters it. */
  enter(end: (error: ApiError) => void): () => void {
    this.current = end;
    return () => {
      if (this.current === end) this.current = undefined;
    };
  }
}

/** What a method handler may use. */
export interface MethodContext {
  readonly world: World;
  readonly updates: UpdateQueue;
  readonly webhook: WebhookConfig;
  readonly polls: LongPollGate;
  readonly botUser: EmulatorUser;
  readonly limiter: GroupSendLimiter | undefined;
  /** Clock in ms. */
  now(): number;
  /** Uploads of this call. */
  readonly files: RecordedFile[];
  /** Aborted when the client hangs up or the emulator stops. */
  readonly signal: AbortSignal;
}

/** One Bot API method: returns the result (or an {@link Ok}), throws an ApiError to refuse. */
export type MethodHandler = (ctx: MethodContext, params: Params) => unknown;

/** Unix seconds of the context's clock. */
export const unixNow = (ctx: { now(): number }): number => Math.floor(ctx.now() / 1000);
