/** The report page's style sheet, inlined into the page: system fonts, light and dark. */
export const REPORT_CSS = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1f2933; --muted: #6b7785; --line: #e3e7ec;
  --accent: #2f6fde; --accent-soft: rgba(47, 111, 222, 0.14); --warn: #b7791f; --stray: #a0aab5;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15191e; --panel: #1d232a; --text: #e6e9ed; --muted: #98a3ae; --line: #2e3640;
    --accent: #6d9ff0; --accent-soft: rgba(109, 159, 240, 0.18); --warn: #e0b060; --stray: #6b7580;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
header h1 { font-size: 1.6rem; margin: 0 0 4px; letter-spacing: -0.01em; }
.meta, .hint, .note, footer, .muted { color: var(--muted); }
.meta { margin: 0 0 20px; font-size: 0.9rem; }
code { font: 0.85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; }
section.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; background: none; border: 0; padding: 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card-value { font-size: 1.7rem; font-weight: 650; line-height: 1.2; font-variant-numeric: tabular-nums; }
.card-label { color: var(--muted); font-size: 0.85rem; }
.card-accent .card-value { color: var(--accent); }
.card-warn .card-value { color: var(--warn); }
h2 { font-size: 1.1rem; margin: 0 0 2px; }
h2 .count { font-weight: 400; color: var(--muted); font-size: 0.9rem; margin-left: 6px; }
.hint { margin: 0 0 12px; font-size: 0.85rem; }
.note { font-size: 0.85rem; margin: 8px 0 0; }
.empty { color: var(--muted); padding: 24px 0; text-align: center; margin: 0; }
.chart-wrap { overflow-x: auto; }
svg.chart { display: block; width: 100%; height: auto; min-width: 520px; }
svg text { fill: var(--text); font-size: 13px; font-family: inherit; }
svg .tick { fill: var(--muted); font-size: 11.5px; font-variant-numeric: tabular-nums; }
svg .value { fill: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
svg .label-unattributed { fill: var(--muted); font-style: italic; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .baseline { stroke: var(--muted); stroke-width: 1; }
svg .bar { fill: var(--accent); }
svg .bar-unattributed { fill: var(--stray); }
svg .bar-row:hover .bar { opacity: 0.8; }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
svg .area { fill: var(--accent-soft); stroke: none; }
svg .point { fill: var(--panel); stroke: var(--accent); stroke-width: 2; }
svg.members-chart .line { stroke: #1f9d6b; }
svg.members-chart .area { fill: rgba(31, 157, 107, 0.12); }
svg .members-point { fill: var(--panel); stroke: #1f9d6b; stroke-width: 2; }
.over-limit-mark { color: #c2410c; font-weight: 600; font-size: 0.8rem; white-space: nowrap; }
tr.over-limit td.id { color: #c2410c; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
th, td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 0.82rem; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: var(--muted); }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { font-weight: 600; }
td.id, td.who { overflow-wrap: anywhere; min-width: 6em; }
td.link { white-space: nowrap; }
td.link code { font-size: 0.8rem; color: var(--muted); }
tr.no-joins td.id { color: var(--muted); }
tfoot td { font-weight: 600; border-bottom: 0; }
tfoot tr.unattributed td { font-weight: 400; color: var(--warn); }
tfoot tr.total td { border-top: 2px solid var(--line); }
ul.no-joins-list { columns: 3 220px; margin: 8px 0 0; padding-left: 18px; }
ul.no-joins-list li { break-inside: avoid; margin: 0 0 4px; }
footer { text-align: center; font-size: 0.8rem; margin-top: 24px; }
`;
