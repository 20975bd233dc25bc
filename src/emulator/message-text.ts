import { badRequest } from './errors.js';

/** Text after parse_mode is applied: what Telegram shows, and its entities. */
export interface FormattedText {
  text: string;
  entities: Record<string, unknown>[];
}

/** The most characters of a message text and of a caption. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

const PARSE_MODES = new Map([
  ['html', 'HTML'],
  ['markdown', 'Markdown'],
  ['markdownv2', 'MarkdownV2'],
]);

/** Checks `parse_mode` ('' or absent means none); returns it in canonical spelling. */
export function readParseMode(parseMode: string | undefined): string | undefined {
  if (parseMode === undefined || parseMode === '') return undefined;
  const canonical = PARSE_MODES.get(parseMode.toLowerCase());
  if (canonical === undefined) throw badRequest('unsupported parse_mode');
  return canonical;
}

/**
 * Applies a parse mode and trims the text as Telegram does. HTML is parsed (tags become entities,
 * errors worded as the Bot API words them); Markdown and MarkdownV2 are passed through unparsed.
 */
export function formatText(source: string, parseMode: string | undefined): FormattedText {
  const parsed = parseMode === 'HTML' ? parseHtml(source) : { text: source, entities: [] };
  return trim(parsed);
}

/** Checks a message text: non-empty and at most 4096 characters (UTF-16 code units). */
export function checkMessageText(formatted: FormattedText): void {
  if (formatted.text.length === 0) throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
}

/** Checks a caption: at most 1024 characters (UTF-16 code units). */
export function checkCaption(formatted: FormattedText): void {
  if (formatted.text.length > MAX_CAPTION_LENGTH) throw badRequest('message caption is too long');
}

function trim({ text, entities }: FormattedText): FormattedText {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const kept: Record<string, unknown>[] = [];
  for (const entity of entities) {
    const start = Math.max(0, (entity['offset'] as number) - lead);
    const end = Math.min(trimmed.length, (entity['offset'] as number) + (entity['length'] as number) - lead);
    if (end > start) kept.push({ ...entity, offset: start, length: end - start });
  }
  return { text: trimmed, entities: kept };
}

const ENTITY_OF_TAG: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  a: 'text_link',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  tag: string;
  start: number;
  attrs: Map<string, string>;
}

function parseError(what: string): Error {
  return badRequest(`can't parse entities: ${what}`);
}

/** Telegram's HTML parse mode: the supported tags, four named entities and numeric ones. */
function parseHtml(source: string): FormattedText {
  const byteOffset = (index: number): number => Buffer.byteLength(source.slice(0, index));
  let text = '';
  const entities: Record<string, unknown>[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '&') {
      const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot);/.exec(source.slice(i, i + 12));
      if (m === null) {
        text += ch;
        i += 1;
        continue;
      }
      const name = m[1] as string;
      const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? parseInt(name.slice(1), 10) : -1;
      text += code >= 0 ? safeFromCodePoint(code) : (NAMED_ENTITIES[name] as string);
      i += m[0].length;
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const close = source.indexOf('>', i);
    if (source[i + 1] === '/') {
      if (close < 0) throw parseError(`Unclosed end tag at byte offset ${byteOffset(i)}`);
      const name = source.slice(i + 2, close).trim().toLowerCase();
      const top = open.pop();
      if (top === undefined) throw parseError(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (name !== top.tag) {
        throw parseError(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      addEntity(entities, top, text.length, open);
      i = close + 1;
      continue;
    }
    const name = (/^[a-zA-Z0-9-]*/.exec(source.slice(i + 1))?.[0] ?? '').toLowerCase();
    if (!(name in ENTITY_OF_TAG)) throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
    if (close < 0) throw parseError(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const attrs = new Map<string, string>();
    const rawAttrs = source.slice(i + 1 + name.length, close);
    const attrRe = /([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g;
    for (const m of rawAttrs.matchAll(attrRe)) {
      attrs.set((m[1] as string).toLowerCase(), decodeAttr(m[2] ?? m[3] ?? m[4] ?? ''));
    }
    if (/(^|\s)expandable(\s|\/|$)/.test(rawAttrs)) attrs.set('expandable', '');
    if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
      throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`);
    }
    open.push({ tag: name, start: text.length, attrs });
    i = close + 1;
  }
  const last = open[open.length - 1];
  if (last !== undefined) throw parseError(`Can't find end tag corresponding to start tag "${last.tag}"`);
  entities.sort((a, b) => (a['offset'] as number) - (b['offset'] as number));
  return { text, entities };
}

function addEntity(entities: Record<string, unknown>[], tag: OpenTag, end: number, open: OpenTag[]): void {
  const length = end - tag.start;
  if (length <= 0) return;
  const type = ENTITY_OF_TAG[tag.tag] as string;
  const entity: Record<string, unknown> = { offset: tag.start, length, type };
  if (type === 'text_link') {
    const href = tag.attrs.get('href');
    if (href === undefined || href === '') return;
    entity['url'] = href;
  }
  if (type === 'code' && open[open.length - 1]?.tag === 'pre') {
    // <pre><code class="language-x"> makes one pre entity with a language.
    const language = /^language-(.+)$/.exec(tag.attrs.get('class') ?? '')?.[1];
    if (language !== undefined) open[open.length - 1]?.attrs.set('language', language);
    return;
  }
  if (type === 'pre' && tag.attrs.has('language')) entity['language'] = tag.attrs.get('language');
  if (type === 'blockquote' && tag.attrs.has('expandable')) entity['type'] = 'expandable_blockquote';
  if (type === 'custom_emoji') entity['custom_emoji_id'] = tag.attrs.get('emoji-id') ?? '';
  entities.push(entity);
}

function decodeAttr(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED_ENTITIES[name] as string);
}

function safeFromCodePoint(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}
