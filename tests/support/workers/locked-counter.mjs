// Increments a counter file N times, each read-modify-write under withFileLock (compiled dist code).
import { readFile, writeFile } from 'node:fs/promises';
const [, , distRoot, file, times] = process.argv;
const { withFileLock } = await import(`${distRoot}/shared/files/lock.js`);
for (let i = 0; i < Number(times); i++) {
  await withFileLock(file, async () => {
    const n = Number(await readFile(file, 'utf8'));
    await new Promise((r) => setTimeout(r, 2));
    await writeFile(file, String(n + 1));
  });
}
