/**
 * A Telegram refusal is recognised by its shape, so that code reporting failures never has to load
 * telegraf. Checked against telegraf's own class, and against look-alikes it must not take for one.
 */
import { describe, expect, it } from '@jest/globals';
import { TelegramError } from 'telegraf';
import { classify, fatalHint, isRefusal, isTelegramError, NetworkError, refusedMethod } from '../../../src/shared/telegram/errors.js';

const refusal = (code: number, description: string, method?: string, parameters?: { retry_after?: number }) =>
  new TelegramError({ error_code: code, description, ...(parameters ? { parameters } : {}) }, method ? { method, payload: {} } : {});

describe('isTelegramError', () => {
  it("takes telegraf's TelegramError, with its method", () => {
    const error = refusal(400, 'Bad Request: chat not found', 'sendMessage');
    expect(isTelegramError(error)).toBe(true);
    expect(isTelegramError(refusal(500, 'Internal Server Error'))).toBe(true);
    expect(refusedMethod(error)).toBe('sendMessage');
    expect(refusedMethod(refusal(500, 'x'))).toBeUndefined();
  });

  it('refuses look-alikes: a system error, a network error, a plain object, an error without description', () => {
    const system = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isTelegramError(system)).toBe(false);
    expect(isTelegramError(new NetworkError('getMe', false, system))).toBe(false);
    expect(isTelegramError({ name: 'TelegramError', code: 400, description: 'x' })).toBe(false);
    const named = Object.assign(new Error('x'), { name: 'TelegramError', code: 400 });
    expect(isTelegramError(named)).toBe(false);
    expect(isTelegramError(Object.assign(named, { description: 'Bad Request' }))).toBe(true);
    expect(isTelegramError(Object.assign(new Error('x'), { code: 400, description: 'Bad Request' }))).toBe(false);
    expect(isTelegramError(undefined)).toBe(false);
  });
});

describe('what a refusal means', () => {
  it('classifies a 429 with its retry_after, and a 400 by its description', () => {
    expect(classify(refusal(429, 'Too Many Requests: retry after 3', 'sendMessage', { retry_after: 3 }))).toEqual({ kind: 'refused', code: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3 });
    expect(isRefusal(refusal(400, 'Bad Request: USER_ALREADY_PARTICIPANT'), 'USER_ALREADY_PARTICIPANT')).toBe(true);
    expect(isRefusal(new Error('USER_ALREADY_PARTICIPANT'), 'USER_ALREADY_PARTICIPANT')).toBe(false);
  });

  it('gives a hint for the refusals that stop a program, and only for those', () => {
    expect(fatalHint(refusal(401, 'Unauthorized', 'getMe'))).toMatch(/401 Unauthorized\): check BOT_TOKEN/);
    expect(fatalHint(refusal(409, 'Conflict: terminated by other getUpdates request', 'getUpdates'))).toMatch(/409 Conflict/);
    expect(fatalHint(refusal(404, 'Not Found', 'getMe'))).toMatch(/check TELEGRAM_API_ROOT/);
    expect(fatalHint(refusal(404, 'Not Found', 'sendMessage'))).toBeUndefined();
    expect(fatalHint(refusal(400, 'Bad Request: chat not found', 'sendMessage'))).toBeUndefined();
  });
});
