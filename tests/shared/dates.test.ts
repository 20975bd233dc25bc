import { describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import { formatDateTime, formatDateTimeCell, isValidZone, parseDateTime, parseDateTimeFit, parseDuration } from '../../src/shared/dates.js';

describe('parseDateTime', () => {
  it.each([
    ['2025.01.03 17:28', 'Europe/Berlin', '2025-01-03T16:28:00.000Z'],
    ['2025-07-03 17:28', 'Europe/Berlin', '2025-07-03T15:28:00.000Z'],
    ['2025-07-03 17:28:09', 'UTC', '2025-07-03T17:28:09.000Z'],
    ['2025-07-03T17:28:09+03:00', 'UTC', '2025-07-03T14:28:09.000Z'],
    ['2025-07-03T17:28:09Z', 'Asia/Tokyo', '2025-07-03T17:28:09.000Z'],
    ['2025-07-03T17:28', 'Asia/Tokyo', '2025-07-03T08:28:00.000Z'],
    ['2024-02-29', 'UTC', '2024-02-29T00:00:00.000Z'],
  ])('reads %s in %s', (text, zone, iso) => {
    expect(parseDateTime(text, zone)?.toISOString()).toBe(iso);
  });

  it.each(['2025.02.30 10:00', '2025-02-29 10:00', '31.02.2025', '2025-13-01 10:00', '2025-01-01 24:00', 'tomorrow', '2025-02-30T10:00:00Z', ''])(
    'refuses %j instead of rolling it over',
    (text) => {
      expect(parseDateTime(text, 'UTC')).toBeNull();
    },
  );

  it('takes the ISO form\'s date exactly when dayjs\'s strict YYYY-MM-DD read did (the check it replaced)', () => {
    dayjs.extend(customParseFormat);
    const texts: string[] = [];
    for (const year of ['0000', '0001', '0099', '0100', '0104', '0999', '1000', '1582', '1900', '2000', '2024', '2025', '2100', '9999']) {
      for (let month = 0; month <= 13; month++) for (let day = 0; day <= 32; day++) texts.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    }
    const ours = texts.map((date) => [date, parseDateTime(`${date}T12:00:00+01:00`, 'UTC') !== null]);
    const before = texts.map((date) => [date, dayjs(date, 'YYYY-MM-DD', true).isValid() && !Number.isNaN(new Date(`${date}T12:00:00+01:00`).getTime())]);
    expect(ours.filter(([, ok]) => ok).length).toBeGreaterThan(3000);
    expect(ours).toEqual(before);
  });
});

describe('formatDateTime', () => {
  it('writes wall-clock time in the zone', () => {
    expect(formatDateTime(new Date('2025-01-03T16:28:05Z'), 'Europe/Berlin')).toBe('2025-01-03 17:28:05');
    expect(formatDateTime(new Date('2025-01-03T16:28:05Z'), 'UTC')).toBe('2025-01-03 16:28:05');
  });
});

describe('isValidZone / parseDuration', () => {
  it('knows zones', () => {
    expect(isValidZone('America/New_York')).toBe(true);
    expect(isValidZone('Not/AZone')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });

  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    ['30', 1_800_000],
    ['soon', null],
    ['-1h', null],
  ])('parses %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('parseDateTime across zones and DST', () => {
  it('agrees with dayjs.tz on wall-clock times through a year in several zones', async () => {
    const { default: dayjs } = await import('dayjs');
    const { default: utc } = await import('dayjs/plugin/utc.js');
    const { default: timezone } = await import('dayjs/plugin/timezone.js');
    dayjs.extend(utc);
    dayjs.extend(timezone);
    for (const zone of ['Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC']) {
      for (let day = 0; day < 365; day += 3) {
        const wall = new Date(Date.UTC(2025, 0, 1 + day, (day * 7) % 24, (day * 13) % 60));
        const text = wall.toISOString().slice(0, 16).replace('T', ' ');
        const expected = (dayjs as unknown as { tz: (s: string, z: string) => { toDate(): Date } }).tz(text, zone).toDate();
        expect([zone, text, parseDateTime(text, zone)?.toISOString()]).toEqual([zone, text, expected.toISOString()]);
      }
    }
  });

  it('takes a time in the autumn overlap as the earlier moment, and one in the spring gap as after it', () => {
    expect(parseDateTime('2025-10-26 02:30', 'Europe/Berlin')?.toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(parseDateTime('2025-03-30 02:30', 'Europe/Berlin')?.toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });

  it('refuses a dotted date with an ISO T', () => {
    expect(parseDateTime('2025.01.03T10:00', 'UTC')).toBeNull();
  });
});

describe('times a daylight-saving change skips or repeats (#11.8)', () => {
  it('says a time in the spring gap does not exist, and takes it as the moment after the gap', () => {
    const read = parseDateTimeFit('2026-03-29 02:30', 'Europe/Berlin');
    expect(read?.fit).toEqual({ kind: 'gap' });
    expect(read?.date.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(formatDateTime(read!.date, 'Europe/Berlin')).toBe('2026-03-29 03:30:00');
  });

  it('says a time in the repeated autumn hour is ambiguous, takes the earlier moment and names the later', () => {
    const read = parseDateTimeFit('2026-10-25 02:30', 'Europe/Berlin');
    expect(read?.date.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(read?.fit).toEqual({ kind: 'overlap', later: new Date('2026-10-25T01:30:00.000Z') });
  });

  it.each([
    ['2026-03-29 01:59', 'Europe/Berlin'],
    ['2026-03-29 03:00', 'Europe/Berlin'],
    ['2026-10-25 01:59', 'Europe/Berlin'],
    ['2026-10-25 03:00', 'Europe/Berlin'],
    ['2026-10-04 02:45', 'Australia/Lord_Howe'],
    ['2026-10-25T02:30:00+01:00', 'Europe/Berlin'],
    ['2026-07-01 12:00', 'UTC'],
  ])('finds nothing to say about %s in %s', (text, zone) => {
    expect(parseDateTimeFit(text, zone)?.fit).toEqual({ kind: 'exact' });
  });

  it('finds the half-hour gap and overlap of Lord Howe Island', () => {
    expect(parseDateTimeFit('2026-10-04 02:10', 'Australia/Lord_Howe')?.fit).toEqual({ kind: 'gap' });
    expect(parseDateTimeFit('2026-04-05 01:40', 'Australia/Lord_Howe')?.fit.kind).toBe('overlap');
  });

  it('writes a time of the repeated hour with its offset, so that both moments read back exactly and without a warning', () => {
    for (const iso of ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z']) {
      const written = formatDateTimeCell(new Date(iso), 'Europe/Berlin');
      expect(written).toMatch(/^2026-10-25T02:30:00\+0[12]:00$/);
      expect(parseDateTimeFit(written, 'Europe/Berlin')).toEqual({ date: new Date(iso), fit: { kind: 'exact' } });
    }
    expect(formatDateTimeCell(new Date('2026-10-25T02:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25 03:30:00');
  });
});

describe('parseDateTime remembering the last quarter hour', () => {
  const fresh = (text: string, zone: string) => {
    // A cell of another zone and year first, so the memory of the last quarter cannot answer.
    parseDateTime('2001-01-01 00:00', 'Asia/Kolkata');
    return parseDateTime(text, zone)?.toISOString();
  };
  it('gives every cell of a quarter, in a row, what it gives the cell on its own, around gaps and overlaps', () => {
    const cells: [string, string][] = [];
    for (const [zone, day] of [['Europe/Berlin', '2025-03-30'], ['Europe/Berlin', '2025-10-26'], ['America/New_York', '2025-03-09'], ['Australia/Lord_Howe', '2025-04-06'], ['Asia/Kathmandu', '2025-06-01']] as const) {
      for (const hour of ['00', '01', '02', '03']) for (const minute of ['00', '14', '15', '29', '30', '44', '45', '59']) cells.push([zone, `${day} ${hour}:${minute}`]);
    }
    const inRow = cells.map(([zone, text]) => parseDateTime(text, zone)?.toISOString());
    expect(inRow).toEqual(cells.map(([zone, text]) => fresh(text, zone)));
    expect(inRow.every((iso) => iso !== undefined)).toBe(true);
    // The same wall time in another zone right after: the memory is per zone.
    expect(parseDateTime('2025-06-01 12:00', 'Europe/Berlin')?.toISOString()).toBe('2025-06-01T10:00:00.000Z');
    expect(parseDateTime('2025-06-01 12:05', 'UTC')?.toISOString()).toBe('2025-06-01T12:05:00.000Z');
  });
});
