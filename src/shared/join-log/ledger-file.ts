/**
 * Reading the join log into a `Ledger`, row by row with the shared scanner, and then only what was
 * appended since (by tg-handler, `tg-get members`, or anyone): memory follows the people in the
 * ledger, never the size of the file.
 */
import { open } from 'node:fs/promises';
import { TsvScanner, type TableRow } from '../files/tsv.js';
import { eventDate, Ledger } from './ledger.js';

/** Bytes read at a time: as the shared reader (store.ts), so reading makes little garbage at once. */
const CHUNK_BYTES = 1 << 16;

/** The columns the ledger reads, by index in the file's header (-1 when the header lacks it). */
interface Columns {
  link: number;
  user: number;
  status: number;
  chat: number;
  requestDate: number;
  respondedAt: number;
}

function columnsOf(header: readonly string[]): Columns {
  const at = (name: string) => header.findIndex((cell) => cell.trim() === name);
  return { link: at('id_link'), user: at('id_tg'), status: at('tg_responde_status'), chat: at('chat_id'), requestDate: at('tg_request_date'), respondedAt: at('dt_tg_responde') };
}

const cellAt = (row: TableRow, index: number): string => (index < 0 ? '' : (row.cells[index] ?? '').trim());

/** The position of the byte after the last line ending in `bytes`, 0 when none. */
function afterLastLineEnd(bytes: Buffer): number {
  const lf = bytes.lastIndexOf(10);
  if (lf >= 0) return lf + 1;
  return bytes.lastIndexOf(13) + 1;
}

/**
 * The join log as a ledger. `catchUp` reads what the file gained since the last call (whole lines
 * only: a line still being written is read next time). Rows that cannot be read (broken quotes,
 * not UTF-8, a bad status) change nobody's standing; tg-handler and the report name them elsewhere.
 */
export class LedgerFile {
  private current = new Ledger();
  private offset = 0;
  private headerText: string | null = null;

  /**
   * @param file the join log's path
   * @param name how it is named in messages
   * @param zone the zone of dt_tg_responde, for legacy rows without tg_request_date
   * @param defaultChat the group of rows with a blank chat_id (legacy rows: the tool served one group, CHAT_ID); '' keeps them apart
   */
  constructor(
    readonly file: string,
    private readonly name: string,
    private readonly zone: string,
    private readonly defaultChat = '',
  ) {}

  /** The ledger as of the last `catchUp` (plus what `ledger.apply` added since). */
  get ledger(): Ledger {
    return this.current;
  }

  /** Forgets everything: the next `catchUp` reads the file from its start into a new ledger. */
  reset(): void {
    this.current = new Ledger();
    this.offset = 0;
    this.headerText = null;
  }

  /** Reads the rows appended since the last call (the whole file the first time); resolves with how many. A missing file has none. */
  async catchUp(): Promise<number> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      // Smaller than what was read: the file was replaced (an admin's edit); read it again whole.
      if (size < this.offset) this.reset();
      let rows = 0;
      let columns: Columns | undefined;
      const scanner = new TsvScanner(this.name, (row, header) => {
        columns ??= columnsOf(header.cells);
        if (row.blank || row.error !== undefined) return;
        rows++;
        this.current.apply({
          chat: cellAt(row, columns.chat) || this.defaultChat,
          user: cellAt(row, columns.user),
          status: cellAt(row, columns.status),
          link: cellAt(row, columns.link),
          date: eventDate(cellAt(row, columns.requestDate), cellAt(row, columns.respondedAt), this.zone),
        });
      });
      if (this.headerText !== null) scanner.push(this.headerText, true);
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      let carry = Buffer.alloc(0);
      let position = this.offset;
      while (position < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const bytes = carry.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
        const cut = afterLastLineEnd(bytes);
        if (cut > 0) {
          scanner.push(bytes.subarray(0, cut).toString('utf8'), true);
          this.offset += cut;
        }
        carry = Buffer.from(bytes.subarray(cut));
      }
      const { header } = scanner.end();
      // Kept for the next read, which starts after it (a file of a header only has no row to carry it).
      if (this.headerText === null && this.offset > 0) this.headerText = `${header.raw ?? header.cells.join('\t')}\n`;
      return rows;
    } finally {
      await handle.close();
    }
  }
}
