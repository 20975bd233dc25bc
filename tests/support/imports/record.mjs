// Loaded with `node --import` into a child program: registers hooks that append the URL of every
// module loaded through the ES module loader to the file named by RECORD_IMPORTS.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
