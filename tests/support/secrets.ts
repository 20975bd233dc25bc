/**
 * The "token never leaks" check (#11.11): the forms a bot token can take in output, and every file
 * under a folder, for tests to grep.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The token as typed, URL-encoded (`%3A`), and its secret half alone. */
export function tokenForms(token: string): { typed: string; encoded: string; half: string } {
  return { typed: token, encoded: encodeURIComponent(token), half: token.slice(token.indexOf(':') + 1) };
}

/** Which of the token's forms `text` holds (case-insensitively for the encoded one), by name. */
export function leaks(text: string, token: string): string[] {
  const forms = tokenForms(token);
  const found: string[] = [];
  if (text.includes(forms.typed)) found.push('typed');
  if (text.toLowerCase().includes(forms.encoded.toLowerCase())) found.push('encoded');
  if (text.includes(forms.half)) found.push('half');
  return found;
}

/** Every file under `dir` (recursively), by path relative to it, read as latin1 so binary files are searched byte for byte. */
export function everyFile(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

/** A loopback port nothing listens on (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
