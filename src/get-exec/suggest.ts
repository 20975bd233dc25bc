/**
 * The "did you mean" of an unknown command. Commander words its own suggestion only when a program
 * has no action of its own; tg-get has one (the every-minute run), so it says it here, the same way.
 */

/** Edits (insert, delete, change, swap two neighbours) from `a` to `b`. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** `\n(did you mean 'posts'?)` for the closest of `names` within a third of the word's length, else ''. */
export function didYouMean(word: string, names: readonly string[]): string {
  let best: { name: string; edits: number } | undefined;
  for (const name of names) {
    const edits = distance(word.toLowerCase(), name);
    if (edits <= Math.max(1, Math.floor(name.length / 3)) && (best === undefined || edits < best.edits)) best = { name, edits };
  }
  return best === undefined ? '' : `\n(did you mean '${best.name}'?)`;
}
