// Loaded by bin/tg-get and bin/tg-handler before anything in dist/: an older Node would fail in
// there with a stack trace (util.parseEnv came in 20.12), so say plainly which version is needed.
// Plain, old JavaScript on purpose: this file must run on the Node it turns away.
var NEEDED = [20, 12];
var parts = String(process.versions.node).split('.');
var major = Number(parts[0]);
var minor = Number(parts[1]);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  process.stderr.write('tg-invite-tracker needs Node.js ' + NEEDED.join('.') + ' or newer; this is Node.js ' + process.versions.node + '\n');
  process.exit(2);
}
