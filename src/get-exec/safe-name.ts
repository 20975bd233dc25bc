/**
 * The QR code file of a registry row is LINKS/<id>.png, and `id` is whatever the admin typed. A name
 * that could leave LINKS/ or trouble a file system is made safe; a name that had to change gets a
 * short hash of the original, so two ids that clean up alike ("a/b", "a_b") never share a file.
 */
import { createHash } from 'node:crypto';

/** Characters no file name gets: path separators, characters Windows forbids, and control characters. */
const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Names Windows reserves whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** The file name (without folder) of a row's QR code for link name `id`. Pure. */
export function qrFileName(id: string): string {
  let name = id.normalize('NFC').replace(UNSAFE, '_').trim().replace(/[. ]+$/, '');
  if (name.startsWith('.')) name = `_${name.slice(1)}`;
  if (name === '' || RESERVED.test(name)) name = `_${name}`;
  if (name !== id) name = `${name}-${createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 8)}`;
  return `${name}.png`;
}
