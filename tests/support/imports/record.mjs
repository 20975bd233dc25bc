// Loaded with `node --import` into a child program: registers hooks that append the URL of every
// module loaded through the ES module loader to the file named by RECORD_IMPORTS, and at exit the
// URL of every CommonJS module the program required (the data files' schemas take zod through
// require, src/shared/cli/lazy.ts `zodNow`, which the loader hooks do not see).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (!process.env.RECORD_IMPORTS) return;
  const urls = Object.keys(required).map((file) => pathToFileURL(file).href);
  if (urls.length > 0) appendFileSync(process.env.RECORD_IMPORTS, `${urls.join('\n')}\n`);
});
