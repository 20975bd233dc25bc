/**
 * The only way the bot reads a file to send: a name resolved inside the data folder. Whatever the
 * menu file or a callback says, a path that leaves the folder (`..`, an absolute path, a symlink
 * pointing elsewhere) is refused, so the bot can never hand out .env or /etc/passwd.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Telegram's upload limit for bots; a bigger file could never be sent anyway. */
export const MAX_SEND_BYTES = 50 * 1024 * 1024;

/** A file the bot was asked to send and must not, or cannot. The message says why and how to fix it. */
export class SendFileError extends Error {
  override name = 'SendFileError';
}

/**
 * Checks a file name from the menu file without touching the disk: relative, no `..` segment, no NUL.
 * Returns the problem as a sentence, or undefined when the name is acceptable. Pure.
 */
export function unsafeNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty; give the name of a file in the data folder, e.g. key_bb.txt';
  if (name.includes('\0')) return 'contains a NUL character; give a plain file name';
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) {
    return `"${name}" is an absolute path; only files inside the data folder can be sent: copy the file there and give its name`;
  }
  if (name.split(/[\\/]/).includes('..')) {
    return `"${name}" points outside the data folder (".."); only files inside it can be sent: copy the file there and give its name`;
  }
  return undefined;
}

/** A file ready to upload: its bytes and the name the user sees. */
export interface SendableFile {
  bytes: Buffer;
  filename: string;
  /** The resolved path, for log lines. */
  realPath: string;
}

/**
 * Resolves `name` inside `dir`, following symlinks, and reads it. Throws SendFileError when the name
 * is unsafe, the real path lies outside the real `dir`, or it is not a readable regular file.
 */
export async function readFileInside(dir: string, name: string): Promise<SendableFile> {
  const problem = unsafeNameProblem(name);
  if (problem !== undefined) throw new SendFileError(`file name ${problem}`);
  let realDir: string;
  let real: string;
  try {
    realDir = await realpath(dir);
    real = await realpath(path.resolve(realDir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SendFileError(`${path.join(dir, name)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}; put the file in the data folder`, { cause: error });
  }
  const relative = path.relative(realDir, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new SendFileError(`${path.join(dir, name)} leads outside the data folder (to ${real}); only files inside it can be sent`);
  }
  // O_NOFOLLOW: the last component cannot be swapped for a symlink between the check and the read.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
    throw new SendFileError(`${real} cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new SendFileError(`${real} is not a regular file`);
    if (info.size > MAX_SEND_BYTES) throw new SendFileError(`${real} is ${info.size} bytes; Telegram lets a bot send at most 50 MB`);
    return { bytes: await handle.readFile(), filename: path.basename(name), realPath: real };
  } finally {
    await handle.close();
  }
}
