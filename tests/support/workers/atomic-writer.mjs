// Rewrites a file atomically forever, alternating two large contents, until killed.
const [, , distRoot, file] = process.argv;
const { writeAtomic } = await import(`${distRoot}/shared/files/store.js`);
const a = 'A'.repeat(2_000_000);
const b = 'B'.repeat(2_000_000);
process.stdout.write('ready\n');
for (let i = 0; ; i++) await writeAtomic(file, i % 2 ? a : b);
