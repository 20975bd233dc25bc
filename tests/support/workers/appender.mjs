// Appends N numbered lines through AppendLog, a few at a time, from one process.
const [, , distRoot, file, tag, times] = process.argv;
const { AppendLog } = await import(`${distRoot}/shared/files/append-log.js`);
const log = await AppendLog.open(file);
const pending = [];
for (let i = 0; i < Number(times); i++) {
  pending.push(log.append(`${tag}\t${i}\t${'x'.repeat(200)}\n`));
  if (i % 7 === 0) await Promise.all(pending.splice(0));
}
await Promise.all(pending);
await log.close();
