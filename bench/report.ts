/** The figures as a table: each with its goal and whether it is met. Pure. */

export interface Figure {
  /** What was measured, e.g. "tg-handler joins/s, 100,000 rows in the log". */
  name: string;
  /** The measured value, formatted with its unit; "error" when the scenario failed. */
  value: string;
  /** The goal, e.g. ">= 2,000/s"; '' for a figure shown for scale only. */
  goal: string;
  /** null when there is no goal (or nothing was measured). */
  met: boolean | null;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const fmt = {
  count: (n: number): string => grouped.format(n),
  rate: (n: number): string => `${n >= 100 ? grouped.format(n) : oneDecimal.format(n)}/s`,
  ms: (n: number): string => `${grouped.format(n)} ms`,
  seconds: (ms: number): string => `${twoDecimals.format(ms / 1000)} s`,
  mib: (kib: number | null): string => (kib === null ? 'n/a' : `${oneDecimal.format(kib / 1024)} MB`),
  ratio: (n: number): string => `${twoDecimals.format(n)}x`,
};

/** A figure checked against "at least" / "at most" a bound. */
export function atLeast(name: string, value: number, bound: number, show: (n: number) => string): Figure {
  return { name, value: show(value), goal: `>= ${show(bound)}`, met: Number.isFinite(value) ? value >= bound : null };
}

export function atMost(name: string, value: number | null, bound: number, show: (n: number) => string): Figure {
  return { name, value: value === null ? 'n/a' : show(value), goal: `<= ${show(bound)}`, met: value === null || !Number.isFinite(value) ? null : value <= bound };
}

export function info(name: string, value: string): Figure {
  return { name, value, goal: '', met: null };
}

/** A plain-text table, columns padded; the last column says met / MISSED / blank. */
export function formatTable(figures: readonly Figure[]): string {
  const head = ['figure', 'measured', 'goal', ''];
  const rows = figures.map((f) => [f.name, f.value, f.goal, f.met === null ? '' : f.met ? 'met' : 'MISSED']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.map(line)].join('\n');
}

/** The same table in Markdown, for BENCHMARKS.md. */
export function formatMarkdown(figures: readonly Figure[]): string {
  const rows = figures.map((f) => `| ${f.name} | ${f.value} | ${f.goal} | ${f.met === null ? '' : f.met ? 'met' : '**missed**'} |`);
  return ['| figure | measured | goal | |', '|---|---:|---|---|', ...rows].join('\n');
}
