import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isValidZone } from '../../src/shared/zone.js';
import { REPO_ROOT } from '../support/tmp.js';

/** What an Intl formatter says of a zone name: the answer isValidZone gave before it had a list. */
function formatterTakes(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

describe('isValidZone', () => {
  it('takes every name the runtime lists, as a formatter does', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.length).toBeGreaterThan(300);
    expect(listed.filter((zone) => !formatterTakes(zone))).toEqual([]);
    expect(listed.every((zone) => isValidZone(zone))).toBe(true);
  });

  it('answers as a formatter for names the list leaves out: aliases, other spellings, newer names, junk', () => {
    const names = ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT+5', 'Asia/Calcutta', 'Asia/Kolkata', 'Europe/Kyiv', 'Europe/Kiev', 'europe/berlin', 'US/Eastern', 'EST5EDT',
      'Not/AZone', 'Mars/Olympus', '', ' Europe/Berlin', 'Europe/Berlin ', '+01:00', 'Europe', ':Europe/Berlin', '/etc/localtime'];
    expect(names.map((zone) => [zone, isValidZone(zone)])).toEqual(names.map((zone) => [zone, formatterTakes(zone)]));
    expect(isValidZone('Europe/Kyiv')).toBe(true);
    expect(isValidZone('Not/AZone')).toBe(false);
  });
});

/**
 * Runs `script` (ESM, may use `dates` and `zone`, the built modules) in a real process with TZ=`tz`
 * (jest's sandbox does not change the process's zone) and returns what it printed as JSON.
 * With `noFormatter`, making an Intl.DateTimeFormat in that process throws.
 */
function inProcess(tz: string, script: string, noFormatter: boolean): Promise<unknown> {
  const dist = (...parts: string[]) => JSON.stringify(path.join(REPO_ROOT, 'dist', 'shared', ...parts));
  const guard = noFormatter ? `Intl.DateTimeFormat = function () { throw new Error('a formatter was made'); };` : '';
  const full = `${guard}\nconst dates = await import(${dist('dates.js')});\n${script}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', full], { env: { PATH: process.env.PATH ?? '', TZ: tz }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe('zone offsets from the process zone (TZ) and through Intl', () => {
  // Zones with the usual hour of summer time, half an hour of it (Lord Howe), a negative half-hour
  // offset (St John's), a 45-minute one (Chatham), a southern summer (Santiago) and none (Kolkata).
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'America/Santiago', 'Asia/Kolkata'];

  // For the zone `Z`: every 97 minutes through 2025 and 2026 and each minute of the two days around
  // every change of offset, written as a data cell (formatDateTime, formatDateTimeCell), its offset
  // (formatOffset), its day (dayNumber); and each quarter hour of those days read back as a wall
  // clock time, with how it fits (a gap, an overlap).
  const script = `
    const Z = process.env.ZONE_UNDER_TEST;
    const moments = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 97 * 60000) moments.push(t);
    const changes = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 900000) {
      if (dates.formatOffset(new Date(t), Z) !== dates.formatOffset(new Date(t + 900000), Z)) changes.push(t);
      if (changes.length > 8) break; // two years have at most four: more is a wrong offset, kept short
    }
    for (const change of changes) for (let t = change - 86400000; t <= change + 86400000; t += 60000) moments.push(t);
    const out = { changes: changes.length, cells: [], walls: [] };
    for (const t of moments) {
      const d = new Date(t);
      out.cells.push([t, dates.formatDateTime(d, Z), dates.formatDateTimeCell(d, Z), dates.formatOffset(d, Z), dates.dayNumber(d, Z), dates.formatIsoWithOffset(d, Z)]);
    }
    for (const change of changes) {
      for (let t = change - 86400000; t <= change + 86400000; t += 900000) {
        const text = new Date(t).toISOString().slice(0, 16).replace('T', ' ');
        const read = dates.parseDateTimeFit(text, Z);
        out.walls.push([text, read.date.getTime(), read.fit.kind, read.fit.later?.getTime() ?? null]);
      }
    }
    process.stdout.write(JSON.stringify(out));`;

  it.each(zones)('%s: the same cells, offsets, days and wall-clock reads both ways', async (zone) => {
    const withZone = `process.env.ZONE_UNDER_TEST = ${JSON.stringify(zone)};\n${script}`;
    // The process zone's way runs with every formatter forbidden: it must not need one.
    const [fromTz, throughIntl] = await Promise.all([inProcess(zone, withZone, true), inProcess('UTC', withZone, false)]);
    const own = fromTz as { changes: number; cells: unknown[]; walls: Array<[string, number, string, number | null]> };
    expect(own.cells.length).toBeGreaterThan(10_000);
    if (zone !== 'Asia/Kolkata') {
      expect(own.changes).toBeGreaterThanOrEqual(4);
      expect(own.walls.some(([, , fit]) => fit === 'gap')).toBe(true);
      expect(own.walls.some(([, , fit]) => fit === 'overlap')).toBe(true);
    }
    expect(fromTz).toEqual(throughIntl);
  });

  it('uses Intl for another zone than the process zone, and the Date fields only for TZ itself', async () => {
    const script = `
      let made = 0;
      const Real = Intl.DateTimeFormat;
      Intl.DateTimeFormat = function (...args) { made++; return new Real(...args); };
      const before = dates.formatDateTime(new Date(Date.UTC(2026, 6, 1, 12)), 'Europe/Berlin');
      const own = made;
      const other = dates.formatDateTime(new Date(Date.UTC(2026, 6, 1, 12)), 'America/New_York');
      process.stdout.write(JSON.stringify([before, own, other, made]));`;
    expect(await inProcess('Europe/Berlin', script, false)).toEqual(['2026-07-01 14:00:00', 0, '2026-07-01 08:00:00', 1]);
    // TZ given as a zone file (":/etc/localtime"): not a name, so Berlin's offsets come through Intl.
    expect(await inProcess(':/etc/localtime', script, false)).toEqual(['2026-07-01 14:00:00', 1, '2026-07-01 08:00:00', 2]);
  });
});
