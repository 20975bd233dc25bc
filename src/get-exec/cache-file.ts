/**
 * How tg-get writes its own notes (the idle note, the after-an-edit cache): a temp file renamed over
 * the old one, so a reader sees the old note or the new one, never half of one. No fsync, and no
 * write-file-atomic to load (about 40 ms of a run that has nothing to do): a note lost in a power
 * cut is a missing or unreadable note, and the run then simply reads everything.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeFileSync, writevSync } from 'node:fs';

/** Replaces `file` with `content` (text, or pieces written one after another) atomically (see the module's comment). Throws what writing throws. */
export function writeNote(file: string, content: string | readonly Uint8Array[]): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    if (typeof content === 'string') writeFileSync(temp, content);
    else writePieces(temp, content);
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing was written.
    }
    throw error;
  }
}

/** Writes `pieces` to a new `file` without joining them first. */
function writePieces(file: string, pieces: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    let left = pieces.filter((p) => p.byteLength > 0);
    while (left.length > 0) {
      let written = writevSync(fd, left);
      // A short write: carry on from where it stopped.
      const rest: Uint8Array[] = [];
      for (const piece of left) {
        if (written >= piece.byteLength) written -= piece.byteLength;
        else {
          rest.push(piece.subarray(written));
          written = 0;
        }
      }
      left = rest;
    }
  } finally {
    closeSync(fd);
  }
}
