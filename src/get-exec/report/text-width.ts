/**
 * How many terminal columns a text takes: CJK and emoji take two, combining marks none. Needed to
 * line up a table whose ids and names come from a spreadsheet in any script. Pure.
 */

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

// East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F), enough for names and ids.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;

/** Columns one grapheme cluster takes. */
function clusterWidth(cluster: string): number {
  if (ZERO.test(cluster)) return 0;
  // A pictograph shows as an emoji when it is one by default or asks for it with VS16.
  if (EMOJI.test(cluster) && (/\p{Emoji_Presentation}/u.test(cluster) || cluster.includes('\uFE0F'))) return 2;
  const first = String.fromCodePoint(cluster.codePointAt(0)!);
  return WIDE.test(first) ? 2 : 1;
}

/**
 * Printable ASCII only: one column a character, no cluster can join two of them. Almost every cell
 * (ids, e-mail addresses, links, numbers, dates) is this, and splitting it into graphemes was an
 * eighth of the report's time.
 */
const NARROW = /^[\x20-\x7E]*$/;

/** Display width of `text` in a terminal. */
export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  return graphemeWidth(text);
}

/** `displayWidth` the slow, general way: cluster by cluster. Exported to test the fast path against it. */
export function graphemeWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += clusterWidth(segment);
  return width;
}

/**
 * Makes a cell safe to print: control characters (tabs, newlines, escape sequences that could
 * recolour or move the terminal's cursor) become a space or U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ').replace(/[\p{Cc}\u2028\u2029]/gu, '\uFFFD');
}

/** Cuts `text` to at most `max` columns, ending with … when cut. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  if (NARROW.test(text)) return `${text.slice(0, Math.max(0, max - 1))}…`;
  let out = '';
  let width = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = clusterWidth(segment);
    if (width + w > max - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}

/** Pads `text` to `width` columns, on the right (left-aligned) or on the left (right-aligned). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}
