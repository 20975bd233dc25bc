/**
 * zod pieces for the kinds of cell the data files hold. A cell can fail (a zod issue) or, read but
 * worth a word to the admin, carry a warning: `warnOn` attaches it to the value the cell became,
 * and `validateRow` (data-file.ts) hands it on with the cell's place.
 */
import { zodNow } from '../cli/lazy.js';
import { DATE_HINT, formatDateTime, formatOffset, parseDateTimeFit, type ParsedDateTime } from '../dates.js';
import { quote } from '../quote.js';

/**
 * Warnings by the value a cell became. A side table rather than a field on the value, so that a
 * row's type stays what its columns say (a Date is a Date); weak, so it holds nothing once the
 * row's value is gone.
 */
const warnings = new WeakMap<object, string>();

/** Attaches a warning to the value a cell became (a fresh object, e.g. a Date); returns the value. */
export function warnOn<T extends object>(value: T, message: string): T {
  warnings.set(value, message);
  return value;
}

/** The warning a cell's value carries, if any. */
export function cellWarning(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? warnings.get(value) : undefined;
}

/** What a reader should be told about a wall-clock time a daylight-saving change skips or repeats. */
function fitWarning(text: string, parsed: ParsedDateTime, zone: string): string | undefined {
  const { date, fit } = parsed;
  const at = (d: Date) => `${formatDateTime(d, zone)} (UTC${formatOffset(d, zone)})`;
  if (fit.kind === 'gap') {
    return `${quote(text.trim())} does not exist in ${zone} (the clocks skip that hour); taken as ${at(date)}; write the time you mean`;
  }
  if (fit.kind === 'overlap') {
    const second = `${formatDateTime(fit.later, zone).replace(' ', 'T')}${formatOffset(fit.later, zone)}`;
    return `${quote(text.trim())} happens twice in ${zone} (the clocks go back); taken as the first, ${at(date)}, not the second, ${at(fit.later)}; write ${second} to mean the second`;
  }
  return undefined;
}

function readDate(text: string, zone: string): Date | null {
  const parsed = parseDateTimeFit(text, zone);
  if (parsed === null) return null;
  const warning = fitWarning(text, parsed, zone);
  return warning === undefined ? parsed.date : warnOn(parsed.date, warning);
}

const notADate = (text: string) => `${quote(text)} is not a date; ${DATE_HINT}`;

/** A date cell: blank reads as null; anything else must parse strictly in `zone`. */
export function dateCell(zone: string) {
  const { z } = zodNow();
  return z.string().transform((text, ctx): Date | null => {
    if (text.trim() === '') return null;
    const date = readDate(text, zone);
    if (date === null) {
      ctx.addIssue({ code: 'custom', message: notADate(text) });
      return z.NEVER;
    }
    return date;
  });
}

/** A date cell that must be filled in. */
export function requiredDateCell(zone: string, what: string) {
  const { z } = zodNow();
  return z.string().transform((text, ctx): Date => {
    const date = text.trim() === '' ? null : readDate(text, zone);
    if (date === null) {
      ctx.addIssue({ code: 'custom', message: text.trim() === '' ? `is empty; write ${what} (${DATE_HINT})` : notADate(text) });
      return z.NEVER;
    }
    return date;
  });
}
