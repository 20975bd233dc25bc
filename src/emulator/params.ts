import { badRequest, type ApiError } from './errors.js';

/** A chat reference as a method gets it: a numeric id or an `@username`. */
export type ChatRef = number | `@${string}`;

/**
 * Reads method parameters the way the Bot API does: values may arrive as JSON types or as strings
 * (query string, urlencoded and multipart bodies), so numbers, booleans and JSON-serialized
 * objects are coerced from strings.
 */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== '';
  }

  /** A string parameter; numbers and booleans are turned into their text. */
  str(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** An integer parameter; text that is not a number reads as 0, as the Bot API reads it. */
  int(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }

  /** A boolean parameter: `true`, `"true"` and `"1"` are true, anything else false. */
  bool(name: string): boolean {
    const value = this.raw[name];
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'string') return value.toLowerCase() === 'true' || value === '1';
    return false;
  }

  /** A JSON parameter, given as an object or as its serialization; `onBad` when unparsable. */
  json(name: string, onBad: () => ApiError): unknown {
    const value = this.raw[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw onBad();
    }
  }

  /** `chat_id`: a number, a numeric string or `@username`. */
  chatId(name = 'chat_id'): ChatRef {
    const value = this.str(name)?.trim();
    if (value === undefined || value === '') throw badRequest(`${name} is empty`);
    if (/^-?\d+$/.test(value)) return Number(value);
    if (value.startsWith('@') && value.length > 1) return value as `@${string}`;
    throw badRequest('chat not found');
  }

  /** A required user id (`user_id`). */
  userId(name = 'user_id'): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(`${name} is empty`);
    if (value <= 0) throw badRequest('USER_ID_INVALID');
    return value;
  }
}
