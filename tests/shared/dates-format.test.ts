import { describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { calendarDay, formatDateTime, formatIsoWithOffset, parseDateTime } from '../../src/shared/dates.js';

dayjs.extend(utc);
dayjs.extend(timezone);

// Zones with half- and quarter-hour offsets, a 30-minute DST shift, one west of UTC, one at +14.
const ZONES = ['Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/Sao_Paulo', 'Pacific/Kiritimati', 'UTC'];

describe('formatDateTime', () => {
  it('agrees with dayjs .tz().format() through a year, every 97 minutes and 13 seconds, in several zones; so do calendarDay and formatIsoWithOffset', () => {
    // Every point is compared; the differences are gathered so that one expect reports them all
    // (37,800 separate expects cost about a third of the time). One dayjs .tz() per point serves the
    // three functions (it is most of this test's time).
    const differences: string[][] = [];
    let compared = 0;
    for (const zone of ZONES) {
      for (let at = Date.UTC(2025, 0, 1); at < Date.UTC(2026, 0, 1); at += 97 * 60_000 + 13_000) {
        const date = new Date(at);
        const t = dayjs(date).tz(zone);
        const ours = [formatDateTime(date, zone), calendarDay(date, zone), formatIsoWithOffset(date, zone)];
        const theirs = [t.format('YYYY-MM-DD HH:mm:ss'), t.format('YYYY-MM-DD'), t.format()];
        compared++;
        if (ours.some((text, i) => text !== theirs[i])) differences.push([zone, date.toISOString(), ...ours, ...theirs]);
      }
    }
    expect(compared).toBeGreaterThan(40_000);
    expect(differences).toEqual([]);
  });

  it('agrees with dayjs on each side of the 2025 summer-time changes in Berlin', () => {
    for (const edge of [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1)]) {
      for (let at = edge - 2000; at <= edge + 2000; at += 500) {
        expect(formatDateTime(new Date(at), 'Europe/Berlin')).toBe(dayjs(at).tz('Europe/Berlin').format('YYYY-MM-DD HH:mm:ss'));
      }
    }
  });

  it('drops milliseconds, as the written format has none', () => {
    expect(formatDateTime(new Date('2025-01-03T16:28:05.999Z'), 'UTC')).toBe('2025-01-03 16:28:05');
  });

  it('reads back what it writes', () => {
    for (const zone of ZONES) {
      const date = new Date('2025-07-03T15:28:09Z');
      expect(parseDateTime(formatDateTime(date, zone), zone)?.toISOString()).toBe(date.toISOString());
    }
  });
});
