import { badRequest } from './errors.js';
import type { RecordedFile } from './types.js';

/** Parameters and uploads of one request. */
export interface ParsedBody {
  params: Record<string, unknown>;
  files: RecordedFile[];
}

/**
 * Parses a request body as the Bot API accepts it: JSON, urlencoded or multipart/form-data
 * (parsed with the WHATWG `Request` built into Node, so no dependency). Other types add nothing.
 */
export async function parseBody(contentType: string | undefined, body: Buffer): Promise<ParsedBody> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0) return { params: {}, files: [] };
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest("can't parse JSON object");
    return { params: value as Record<string, unknown>, files: [] };
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files: [] };
  }
  if (type === 'multipart/form-data') return parseMultipart(contentType ?? '', body);
  return { params: {}, files: [] };
}

async function parseMultipart(contentType: string, body: Buffer): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Request('http://emulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    throw badRequest("can't parse multipart/form-data request");
  }
  const declaredTypes = fileContentTypes(contentType, body);
  const params: Record<string, unknown> = {};
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') params[field] = value;
    else {
      const declared = declaredTypes[files.length] ?? '';
      files.push({ field, filename: value.name, contentType: declared, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { params, files };
}

/**
 * The Content-Type each file part declared ('' for none), in order. The WHATWG parser reports
 * "text/plain" for a part without one, which would misreport telegraf's uploads.
 */
function fileContentTypes(contentType: string, body: Buffer): string[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) return [];
  const text = body.toString('latin1');
  const types: string[] = [];
  let at = text.indexOf(`--${marker}`);
  while (at >= 0) {
    const start = text.indexOf('\r\n', at);
    const end = start < 0 ? -1 : text.indexOf('\r\n\r\n', start);
    if (end < 0) break;
    const headers = text.slice(start + 2, end);
    if (/^content-disposition:.*;\s*filename\*?=/im.test(headers)) {
      types.push(/^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '');
    }
    at = text.indexOf(`\r\n--${marker}`, end);
  }
  return types;
}
