// Module loader hooks (run on Node's hooks thread): note each URL, then load it as usual. Packages
// imported from our ES modules pass here (zod, telegraf's index, papaparse); what a CommonJS package
// require()s inside itself does not, which is enough to tell whether the package was loaded at all.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (process.env.RECORD_IMPORTS) appendFileSync(process.env.RECORD_IMPORTS, `${url}\n`);
  return nextLoad(url, context);
}
