/**
 * How tg-get writes its own notes (the idle note, the after-an-edit cache): a temp file renamed over
 * the old one, so a reader sees the old note or the new one, never half of one. No fsync, and no
 * write-file-atomic to load (about 40 ms of a run that has nothing to do): a note lost in a power
 * cut is a missing or unreadable note, and the run then simply reads everything.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';

/** Replaces `file` with `content` atomically (see the module's comment). Throws what writing throws. */
export function writeNote(file: string, content: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content);
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
