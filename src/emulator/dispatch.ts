import { ApiError, errorBody } from './errors.js';
import { Ok, type MethodContext, type MethodHandler } from './context.js';
import { ClientGone } from './methods/index.js';
import { Params } from './params.js';

/** An HTTP answer: status and JSON body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The answer for a failed request, as Telegram words it. */
export function errorAnswer(error: ApiError): Answer {
  return { status: error.code, body: errorBody(error) };
}

/**
 * Runs one method and shapes its answer as the Bot API does. Returns undefined when the method
 * ended because the client left (a long poll): nobody is to be answered.
 */
export async function invoke(handler: MethodHandler, ctx: MethodContext, params: Record<string, unknown>): Promise<Answer | undefined> {
  try {
    const value = await handler(ctx, new Params(params));
    const ok = value instanceof Ok ? value : new Ok(value);
    return {
      status: 200,
      body: { ok: true, result: ok.result, ...(ok.description === undefined ? {} : { description: ok.description }) },
    };
  } catch (error) {
    if (error instanceof ApiError) return errorAnswer(error);
    if (error instanceof ClientGone) return undefined;
    // A bug in the emulator: say so loudly rather than answer something Telegram would not.
    const text = error instanceof Error ? error.message : String(error);
    return errorAnswer(new ApiError(500, `Internal Server Error: emulator bug: ${text}`));
  }
}
