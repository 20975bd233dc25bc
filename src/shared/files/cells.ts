/** zod pieces for the kinds of cell the data files hold. */
import { z } from 'zod';
import { DATE_HINT, parseDateTime } from '../dates.js';

/** A date cell: blank reads as null; anything else must parse strictly in `zone`. */
export function dateCell(zone: string) {
  return z.string().transform((text, ctx): Date | null => {
    if (text.trim() === '') return null;
    const date = parseDateTime(text, zone);
    if (date === null) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a date; ${DATE_HINT}` });
      return z.NEVER;
    }
    return date;
  });
}

/** A date cell that must be filled in. */
export function requiredDateCell(zone: string, what: string) {
  return z.string().transform((text, ctx): Date => {
    const date = text.trim() === '' ? null : parseDateTime(text, zone);
    if (date === null) {
      ctx.addIssue({ code: 'custom', message: text.trim() === '' ? `is empty; write ${what} (${DATE_HINT})` : `"${text}" is not a date; ${DATE_HINT}` });
      return z.NEVER;
    }
    return date;
  });
}
