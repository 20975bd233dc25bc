/**
 * How a long post is cut into Telegram-sized pieces: a caption of at most 1024 characters under the
 * picture, then messages of at most 4096. Cuts fall at a paragraph, else a line, else a sentence,
 * else a space; a single "word" longer than a whole message is the only thing ever cut inside.
 * Lengths are UTF-16 code units, which is what Telegram's clients count for a message and a caption
 * (and the emulator with them), and never less than the characters: a count here never comes out
 * short. A link name is counted differently, in characters (shared/quote.ts characterCount).
 */

/** Telegram's limit for a photo caption. */
export const CAPTION_LIMIT = 1024;
/** Telegram's limit for a text message. */
export const MESSAGE_LIMIT = 4096;

/** Breaks in order of preference; each regex matches the whitespace that separates two pieces. */
const BREAKS: readonly RegExp[] = [
  /\n[ \t]*\n\s*/g, // a paragraph: a blank line
  /\n\s*/g, // a line
  /(?<=[.!?…]["')\]»”’]*)[ \t]+/g, // a sentence: end punctuation, maybe closing quotes, then spaces
  /\s+/g, // any space between words
];

/** A piece must be at least this share of the limit before a weaker break is preferred to a stronger one. */
const MIN_FILL = 0.5;

/**
 * Where to cut `text` (longer than `limit`): [end of this piece, start of the next]. Looks for the
 * strongest break that leaves the piece at least half full, then for any break at all, then cuts hard.
 */
function cutPoint(text: string, limit: number): [number, number] {
  for (const minEnd of [Math.floor(limit * MIN_FILL), 1]) {
    for (const pattern of BREAKS) {
      let best: [number, number] | null = null;
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        if (m.index > limit) break;
        if (m[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        if (m.index >= minEnd) best = [m.index, m.index + m[0].length];
      }
      if (best !== null) return best;
    }
  }
  // One word longer than the limit: cut it, but never between the halves of a surrogate pair.
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return [end, end];
}

/**
 * Splits a post's text into pieces: the first at most `firstLimit` long (1024 under a picture, 4096
 * alone), the rest at most `MESSAGE_LIMIT`. Whitespace at a cut is dropped; the text is otherwise kept
 * as written. Returns [] for text that is blank. Pure.
 */
export function splitPost(text: string, firstLimit: number, restLimit = MESSAGE_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  let limit = firstLimit;
  while (rest.length > 0) {
    if (rest.length <= limit) {
      pieces.push(rest);
      break;
    }
    const [end, next] = cutPoint(rest, limit);
    pieces.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(next).trimStart();
    limit = restLimit;
  }
  return pieces.filter((piece) => piece.length > 0);
}
