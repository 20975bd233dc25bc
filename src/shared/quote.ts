/**
 * How a message quotes what someone wrote (a cell, a setting): in double quotes, control characters
 * shown as escapes so the message stays one line, and cut to a readable length, since a cell can be
 * a megabyte and a message quoting it whole is a megabyte too.
 */

/** The most characters a quote shows. */
export const QUOTE_MAX = 80;

const CONTROL = /[\u0000-\u001f\u007f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `"text"`, or for a text longer than `max` characters (code points, so an emoji is never cut in
 * half) its first `max - 1` and `…`, followed by the whole length: `"aaaa…" (1048576 characters)`.
 */
export function quote(text: string, max = QUOTE_MAX): string {
  const shown = (s: string) => s.replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (text.length <= max) return `"${shown(text)}"`;
  const chars = Array.from(text);
  if (chars.length <= max) return `"${shown(text)}"`;
  return `"${shown(chars.slice(0, max - 1).join(''))}…" (${chars.length} characters)`;
}

/** Length as Telegram counts a link name (and the other "N characters" limits on names): Unicode code points. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
