import { describe, expect, it } from '@jest/globals';
import { validateRow, type FileSpec } from '../../../src/shared/files/data-file.js';
import { parseTable } from '../../../src/shared/files/tsv.js';
import { quickResponse, RESPONSE_APPENDED, RESPONSE_COLUMNS, responseSpec, type Response } from '../../../src/shared/join-log/schema.js';

const ALL = [...RESPONSE_COLUMNS, ...RESPONSE_APPENDED];

/** A row of the current layout with `changes` applied (column -> cell). */
const row = (changes: Record<string, string> = {}): string => {
  const base: Record<string, string> = { id_link: 'anna', id_tg: '42', tg_f_name: 'Anna', tg_l_name: 'A', dt_tg_responde: '2026-03-01 10:00:00', tg_responde_status: 'approve', tg_username: 'anna', link: 'https://t.me/+AAAA', chat_id: '-100123', tg_request_date: '1772355600', decided_by: '', reason: '' };
  return ALL.map((name) => changes[name] ?? base[name] ?? '').join('\t');
};

describe('quickResponse', () => {
  it('gives the schema\'s value for every row the schema takes without a word, and leaves the rest to it', () => {
    const zone = 'Europe/Berlin';
    const variants: Array<Record<string, string>> = [
      {}, { id_tg: '' }, { id_tg: ' 42' }, { id_tg: '42a' }, { id_tg: '123456789012345678901' }, { tg_responde_status: 'Approve' }, { tg_responde_status: ' approve' },
      ...['approve', 'decline', 'pending', 'missing', 'joined', 'left', 'removed', ''].map((status) => ({ tg_responde_status: status })),
      { tg_request_date: '' }, { tg_request_date: '17x' }, { tg_request_date: '1234567890123' }, { dt_tg_responde: '' }, { dt_tg_responde: '  ' }, { dt_tg_responde: 'tomorrow' },
      { dt_tg_responde: '2026-03-29 02:30' }, { dt_tg_responde: '2026-10-25 02:30' }, { dt_tg_responde: '2026.03.01 10:00' }, { dt_tg_responde: '2026-03-01T10:00:00+03:00' }, { dt_tg_responde: '2026-02-30 10:00' },
      { tg_f_name: '"quoted"', reason: 'held: a reason' }, { decided_by: 'cli' },
    ];
    const headers = [ALL, RESPONSE_COLUMNS, [...ALL, 'extra'], ['extra', ...ALL], [...ALL.slice(0, 3), 'id_tg', ...ALL.slice(3)], [...ALL].reverse()];
    const spec = responseSpec(zone);
    const schemaOnly: FileSpec<Response> = { ...spec, schema: spec.schema, quick: undefined };
    let quick = 0;
    let checked = 0;
    for (const header of headers) {
      const lines = variants.map((changes) => {
        const cells = row(changes).split('\t');
        return header.map((name) => cells[ALL.indexOf(name as (typeof ALL)[number])] ?? 'x').join('\t');
      });
      const table = parseTable(`${header.join('\t')}\n${lines.join('\n')}\n`, 'responde_data.txt');
      const check = quickResponse(zone)(table.header.cells);
      for (const tableRow of table.rows) {
        const fast = check(tableRow);
        const bySchema = validateRow(table, tableRow, schemaOnly);
        const byReader = validateRow(table, tableRow, spec);
        checked++;
        // Every reader gets what the schema alone gives.
        expect([tableRow.raw, byReader]).toEqual([tableRow.raw, bySchema]);
        if (fast === undefined) continue;
        quick++;
        expect([tableRow.raw, { value: fast, warnings: [] }]).toEqual([tableRow.raw, bySchema]);
      }
      // Rows the schema takes without a warning are taken quickly (zod is loaded only to word a problem).
      for (const tableRow of table.rows) {
        const bySchema = validateRow(table, tableRow, schemaOnly);
        if (bySchema !== null && 'value' in bySchema && bySchema.warnings.length === 0) expect([tableRow.raw, check(tableRow) !== undefined]).toEqual([tableRow.raw, true]);
      }
    }
    expect(checked).toBe(headers.length * variants.length);
    expect(quick).toBeGreaterThan(50);
    expect(quick).toBeLessThan(checked);
  });
});
