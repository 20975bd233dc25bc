import { run } from './sandbox-main.js';

await run();
