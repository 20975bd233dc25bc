/**
 * Which file a schedule row's `file_path` means. Relative paths are inside the assets folder; absolute
 * and `~` paths are taken as written. The legacy tool wrote paths such as `~/Desktop/tg_repo/0001.jpg`
 * that do not exist on the machine running us: those fall back to assets/<file name>.
 */
import os from 'node:os';
import path from 'node:path';

export type PictureLookup =
  | { kind: 'none' }
  | { kind: 'found'; file: string; fallbackFrom?: string }
  | { kind: 'missing'; tried: string[] };

/**
 * Resolves `filePath` against `assetsDir`. `isFile` is the only I/O, so the rule can be tested on its
 * own; `home` defaults to the user's home folder.
 */
export function findPicture(filePath: string, assetsDir: string, isFile: (file: string) => boolean, home = os.homedir()): PictureLookup {
  const written = filePath.trim();
  if (written === '') return { kind: 'none' };
  const fromHome = written === '~' || written.startsWith('~/') || written.startsWith('~\\');
  const outside = fromHome || path.isAbsolute(written) || path.win32.isAbsolute(written);
  const file = fromHome ? path.join(home, written.slice(1)) : path.resolve(assetsDir, written);
  if (isFile(file)) return { kind: 'found', file };
  if (!outside) return { kind: 'missing', tried: [file] };
  // A Windows path from the old machine names its file after a backslash.
  const base = written.split(/[\\/]/).pop() ?? '';
  const fallback = path.join(assetsDir, base);
  if (base !== '' && isFile(fallback)) return { kind: 'found', file: fallback, fallbackFrom: file };
  return { kind: 'missing', tried: base === '' ? [file] : [file, fallback] };
}
