/** The optional `parameters` of a Bot API error answer. */
export interface ErrorParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

/** An error a Bot API method answers with; thrown by method handlers, turned into `{ok:false}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ErrorParameters,
  ) {
    super(description);
  }
}

/** 400 `Bad Request: <what>`. */
export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

/** 403 `Forbidden: <what>`. */
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

/** 429 with `retry_after`, worded as Telegram words it. */
export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

/** The JSON body Telegram answers for an error. */
export function errorBody(error: ApiError): Record<string, unknown> {
  return {
    ok: false,
    error_code: error.code,
    description: error.description,
    ...(error.parameters === undefined ? {} : { parameters: error.parameters }),
  };
}
