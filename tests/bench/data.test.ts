import { describe, expect, it } from '@jest/globals';
import { fakeLinks, GROUP, inviteId, lastDays, registryText, RESPONSE_HEADER, responseRows, responsesText, scheduleText } from '../../bench/data.js';
import { prepareLog } from '../../src/shared/join-log/append.js';
import { inviteSpec } from '../../src/shared/registry/registry.js';
import { LinkIndex } from '../../src/shared/registry/match.js';
import { parseFile } from '../../src/shared/files/data-file.js';
import { responseSpec } from '../../src/shared/join-log/schema.js';
import { scheduleSpec } from '../../src/shared/schedule/schedule.js';
import { planPosts } from '../../src/get-exec/post-plan.js';

const ZONE = 'Europe/Berlin';
const links = ['https://t.me/+AAAAAAAAAAAAAAAA', 'https://t.me/+BBBBBBBBBBBBBBBB', 'https://t.me/+CCCCCCCCCCCCCCCC'];

describe('bench data', () => {
  it('makes a registry every row of which the programs accept, each link findable', () => {
    const { entries, problems } = parseFile(registryText(links), 'invite_data.txt', inviteSpec(ZONE));
    expect(problems.map((p) => p.message)).toEqual([]);
    expect(entries.map((e) => e.value.id)).toEqual([inviteId(0), inviteId(1), inviteId(2)]);
    const index = new LinkIndex(entries.map((e) => e.value));
    expect(index.find(links[1], undefined)?.id).toBe(inviteId(1));
  });

  it('leaves the link cells blank for rows tg-get must make', () => {
    const { entries, problems } = parseFile(registryText([null, null]), 'invite_data.txt', inviteSpec(ZONE));
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.value.link, e.value.chat_id])).toEqual([
      ['', String(GROUP)],
      ['', String(GROUP)],
    ]);
  });

  it('makes a join log in the current layout, every row valid and with its own request', () => {
    const text = responsesText(50, links);
    const { table, entries, problems } = parseFile(text, 'responde_data.txt', responseSpec(ZONE));
    expect(problems.map((p) => p.message)).toEqual([]);
    expect(table.header.cells).toEqual([...responseSpec(ZONE).columns, ...responseSpec(ZONE).appended]);
    expect(entries).toHaveLength(50);
    expect(new Set(entries.map((e) => `${e.value.id_tg}|${e.value.tg_request_date}`)).size).toBe(50);
  });

  it('dates the worst-case join log inside the redelivery window, every row a kept key; the default log outside it', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    const nowS = now.getTime() / 1000;
    const recent = prepareLog(responsesText(500, links, lastDays(500, nowS)), 'responde_data.txt', ZONE, () => now);
    expect(recent.problems).toEqual([]);
    expect(recent.keys.size).toBe(500);
    expect(prepareLog(responsesText(500, links), 'responde_data.txt', ZONE, () => now).keys.size).toBe(0);
  });

  it('makes a CRLF schedule with half the rows posted and the rest in the future: nothing is due', () => {
    const text = scheduleText(40);
    expect(text.split('\r\n')).toHaveLength(42);
    const { entries, problems } = parseFile(text, 'text_schedule.txt', scheduleSpec(ZONE));
    expect(problems.map((p) => p.message)).toEqual([]);
    const plan = planPosts(entries, { now: new Date('2026-06-01T00:00:00Z'), maxLateMs: null, retryUncertain: false });
    expect([plan.due.length, plan.missed.length, plan.interrupted.length, plan.later]).toEqual([0, 0, 0, 20]);
  });

  it('writes a big join log in pieces that join up to the same text, every row valid (the report bench)', () => {
    const big = fakeLinks(7);
    expect(new Set(big).size).toBe(7);
    const pieces = `${RESPONSE_HEADER}\n${responseRows(0, 20, big)}${responseRows(20, 45, big)}${responseRows(45, 50, big)}`;
    expect(pieces).toBe(responsesText(50, big));
    const { entries, problems } = parseFile(pieces, 'responde_data.txt', responseSpec(ZONE));
    expect(problems.map((p) => p.message)).toEqual([]);
    const registry = parseFile(registryText(big), 'invite_data.txt', inviteSpec(ZONE));
    const index = new LinkIndex(registry.entries.map((e) => e.value));
    expect(entries.every((e) => index.find(e.value.link, undefined)?.id === e.value.id_link)).toBe(true);
  });
});
