import { describe, expect, it } from '@jest/globals';
import { TelegramError } from 'telegraf';
import { outageOf } from '../../src/get-exec/failures.js';
import { summary } from '../../src/get-exec/steps.js';
import { NetworkError } from '../../src/shared/telegram/errors.js';

const NOW = new Date('2026-01-05T10:00:00Z');
const refusal = (code: number, description: string, retryAfter?: number) =>
  new TelegramError({ error_code: code, description, ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }) }, { method: 'sendMessage', payload: {} });

describe('outageOf (#11.12)', () => {
  it('a request that never left, or that failed again after every retry, means Telegram cannot be used now', () => {
    expect(outageOf(new NetworkError('sendMessage', false, new Error('ECONNREFUSED'), 4), NOW)).toEqual({ what: 'Telegram could not be reached', retryAt: null });
    expect(outageOf(new NetworkError('createChatInviteLink', true, new Error('reset'), 4), NOW)).toEqual({ what: 'Telegram did not answer', retryAt: null });
  });

  it('one lost answer is only its row\'s bad luck', () => {
    expect(outageOf(new NetworkError('sendMessage', true, new Error('reset')), NOW)).toBeNull();
  });

  it('a 429 the client would not wait out gives the time to try again; 5xx after the retries stops too; other refusals do not', () => {
    expect(outageOf(refusal(429, 'Too Many Requests: retry after 3600', 3600), NOW)).toEqual({ what: 'Telegram asks to wait 3600 s (429 Too Many Requests)', retryAt: new Date('2026-01-05T11:00:00Z') });
    expect(outageOf(refusal(502, 'Bad Gateway'), NOW)?.what).toBe('Telegram is failing (502)');
    expect(outageOf(refusal(400, 'Bad Request: chat not found'), NOW)).toBeNull();
    expect(outageOf(new Error('other'), NOW)).toBeNull();
  });

  it('the summary line says the run stopped calling Telegram, and why', () => {
    const tally = { linksMade: 0, linksChanged: 0, linksRevoked: 0, qrWritten: 2, postsSent: 0, rowsFailed: 1 };
    expect(summary(tally, false, false, { what: 'Telegram could not be reached', retryAt: null })).toBe(
      '0 links made, 2 QR codes written, 0 posts sent, 1 row failed (stopped calling Telegram: Telegram could not be reached)',
    );
    expect(summary(tally, false, true)).toBe('0 links made, 2 QR codes written, 0 posts sent, 1 row failed (stopped early by a signal)');
  });
});
