/**
 * Texts kept long after the piece of file they were read from: the ledger's link ids, a data file's
 * header. (The redelivery keys are joined, which copies: schema.ts requestKey; tg-handler's registry
 * index packs its texts, which copies too: packed-texts.ts.)
 */

/**
 * A copy of `text` that shares no memory with the string it was cut from, as one flat string. A cell
 * is a slice of the 64 KiB piece it was read from (a key built from cells, a chain of such slices),
 * and would keep the whole piece alive as long as it lives. JSON's round trip copies exactly (a lone
 * surrogate too) into a string of its own: 62 bytes for a 43-character link, where the slice of a
 * fresh concatenation used before kept a 32-byte slice beside its 66-byte copy (about 0.7 MB over a
 * 10,000-link registry's links and e-mails; BENCHMARKS.md, issue 15). About 0.25 µs a string.
 * V8 copies a text under 13 characters anyway: those are returned as they are.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}
