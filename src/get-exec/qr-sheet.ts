/**
 * `tg-get qr --sheet FILE`: one HTML page with every working link's QR code and its row's id under
 * it, laid out to print (a grid of codes about 5 cm wide, none split across pages). The codes are the
 * same labelled SVGs as LINKS/<id>.svg, inline, so the page needs no other file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { EXIT_FAILED } from '../shared/cli/exit.js';
import { ExitError, messageOf } from '../shared/errors.js';
import type { Loaded } from '../shared/files/data-file.js';
import { displayPath } from '../shared/files/store.js';
import { isRevoked, type Invite } from '../shared/registry/registry.js';
import type { StepContext } from './context.js';
import { renderQrSvg } from './qr-image.js';

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The page for `codes` (label, SVG), in registry order. Pure. */
export function sheetHtml(title: string, codes: readonly { label: string; svg: string }[]): string {
  // The label is drawn in the SVG itself, under the code; the title attribute helps on screen.
  const cells = codes.map(({ label, svg }) => `<figure title="${escape(label)}">${svg.replace(/ width="\d+" height="\d+"/, '')}</figure>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
  body { font-family: sans-serif; margin: 1cm; }
  main { display: grid; grid-template-columns: repeat(auto-fill, 5.5cm); gap: 0.8cm; }
  figure { margin: 0; break-inside: avoid; page-break-inside: avoid; text-align: center; }
  figure svg { width: 5cm; height: auto; display: block; margin: auto; }
  @page { margin: 1cm; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<main>
${cells.join('\n')}
</main>
</body>
</html>
`;
}

/** Writes the sheet of every row with a working link to `file` (absolute); a dry run only says so. */
export async function writeSheet(ctx: StepContext, registry: Loaded<Invite>, file: string): Promise<void> {
  const rows = registry.entries.filter((e) => e.value.link.trim() !== '' && !isRevoked(e.value));
  const shown = displayPath(file);
  const what = `${rows.length} QR ${rows.length === 1 ? 'code' : 'codes'}`;
  if (ctx.dryRun) {
    ctx.log.info(`would write the sheet ${shown} with ${what}`);
    return;
  }
  const codes = [];
  for (const entry of rows) codes.push({ label: entry.value.id, svg: await renderQrSvg(entry.value.link.trim(), entry.value.id) });
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, sheetHtml(`Invite QR codes (${displayPath(registry.path)})`, codes), { fsync: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? messageOf(error);
    throw new ExitError(EXIT_FAILED, `cannot write the sheet to ${shown} (${code}); choose another path or check the folder's permissions`, { cause: error });
  }
  ctx.log.info(`sheet ${shown}: ${what}, ready to print`);
}
