import { describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { calendarDay, dayFromNumber, dayNumber, formatIsoWithOffset } from '../../src/shared/dates.js';

dayjs.extend(utc);
dayjs.extend(timezone);


describe('calendarDay and formatIsoWithOffset', () => {
  // Their agreement with dayjs .tz() through a year in several zones is checked in
  // dates-format.test.ts, in the same pass as formatDateTime's.

  it('change day and offset exactly at midnight and at the summer-time changes in Berlin', () => {
    const zone = 'Europe/Berlin';
    expect(calendarDay(new Date('2025-03-29T22:59:59Z'), zone)).toBe('2025-03-29');
    expect(calendarDay(new Date('2025-03-29T23:00:00Z'), zone)).toBe('2025-03-30');
    expect(formatIsoWithOffset(new Date('2025-03-30T00:59:59Z'), zone)).toBe('2025-03-30T01:59:59+01:00');
    expect(formatIsoWithOffset(new Date('2025-03-30T01:00:00Z'), zone)).toBe('2025-03-30T03:00:00+02:00');
    expect(formatIsoWithOffset(new Date('2025-10-26T00:59:59Z'), zone)).toBe('2025-10-26T02:59:59+02:00');
    expect(formatIsoWithOffset(new Date('2025-10-26T01:00:00Z'), zone)).toBe('2025-10-26T02:00:00+01:00');
    expect(calendarDay(new Date('2025-10-26T22:59:59Z'), zone)).toBe('2025-10-26');
    expect(calendarDay(new Date('2025-10-26T23:00:00Z'), zone)).toBe('2025-10-27');
  });

  it('write negative and fractional offsets with their sign and minutes, and a zero offset as Z (as dayjs does)', () => {
    expect(formatIsoWithOffset(new Date('2025-01-15T12:00:00Z'), 'America/St_Johns')).toBe('2025-01-15T08:30:00-03:30');
    expect(formatIsoWithOffset(new Date('2025-01-15T12:00:00Z'), 'Asia/Kathmandu')).toBe('2025-01-15T17:45:00+05:45');
    expect(formatIsoWithOffset(new Date('2025-01-15T12:00:00Z'), 'UTC')).toBe('2025-01-15T12:00:00Z');
    expect(formatIsoWithOffset(new Date('2025-01-15T12:00:00Z'), 'Europe/London')).toBe('2025-01-15T12:00:00Z');
    expect(formatIsoWithOffset(new Date('2025-07-15T12:00:00Z'), 'Europe/London')).toBe('2025-07-15T13:00:00+01:00');
  });

  it('say so for an invalid date', () => {
    expect(calendarDay(new Date(Number.NaN), 'UTC')).toBe('Invalid Date');
    expect(calendarDay(new Date(Number.NaN), 'Europe/Berlin')).toBe('Invalid Date');
    expect(dayNumber(new Date(Number.NaN), 'Asia/Kathmandu')).toBeNaN();
    expect(formatIsoWithOffset(new Date(Number.NaN), 'Europe/Berlin')).toBe('Invalid Date');
  });
});

describe('dayNumber and dayFromNumber', () => {
  it('count whole days from 1970-01-01 in the zone, before and after it', () => {
    expect(dayNumber(new Date('1970-01-01T00:00:00Z'), 'UTC')).toBe(0);
    expect(dayNumber(new Date('1969-12-31T23:59:59Z'), 'UTC')).toBe(-1);
    expect(dayNumber(new Date('1969-12-31T23:30:00Z'), 'Europe/Berlin')).toBe(0);
    expect(dayFromNumber(-1)).toBe('1969-12-31');
    expect(dayFromNumber(0)).toBe('1970-01-01');
    expect(dayFromNumber(dayNumber(new Date('2024-02-29T12:00:00Z'), 'UTC'))).toBe('2024-02-29');
  });

  it('step through every calendar day of a leap year one by one', () => {
    const first = dayNumber(new Date('2024-01-01T12:00:00Z'), 'UTC');
    const days = Array.from({ length: 366 }, (_, i) => dayFromNumber(first + i));
    const expected = Array.from({ length: 366 }, (_, i) => dayjs.utc('2024-01-01').add(i, 'day').format('YYYY-MM-DD'));
    expect(days).toEqual(expected);
  });
});
