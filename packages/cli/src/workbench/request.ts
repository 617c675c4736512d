/**
 * A captured request as pasted into the workbench (method, URL or path, header lines, raw body)
 * and the inputs of a signature kind that it carries: the relative URL, the timestamp, token,
 * ids and signature headers, and the body fields of Finnet and Fondy.
 */
import { DOKU_HEADERS } from '@org/doku-partner-auth';
import { SNAP_HEADERS } from '@org/snap-auth';
import type { SignatureKind } from '../signatures/kind.js';

export interface CapturedRequest {
  readonly method: string;
  /** A full URL or a relative one (path and query). */
  readonly url: string;
  /** `Name: value` lines; a leading request line (`POST /path HTTP/1.1`) is allowed. */
  readonly headers: string;
  readonly body: string;
}

/** The relative URL (path and query) of a full or relative URL, byte for byte as written. */
export function relativeUrl(url: string): string {
  const text = url.trim().replace(/#.*$/, '');
  const withoutOrigin = text.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, '');
  if (withoutOrigin === text) return text;
  return withoutOrigin === '' || withoutOrigin.startsWith('?') ? `/${withoutOrigin}` : withoutOrigin;
}

const REQUEST_LINE = /^([A-Za-z]+) (\S+) HTTP\/\d(?:\.\d)?$/;

/** The method and target of a request line (`POST /path HTTP/1.1`) heading the headers, if any. */
export function requestLine(headers: string): { method: string; target: string } | undefined {
  const found = REQUEST_LINE.exec((headers.split(/\r?\n/, 1)[0] ?? '').trim());
  return found ? { method: found[1] as string, target: found[2] as string } : undefined;
}

/** Lower-cased header name → value (the first of repeated headers); a heading request line is skipped. */
function parseHeaders(text: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (index === 0 && REQUEST_LINE.test(line.trim())) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!values.has(name)) values.set(name, line.slice(colon + 1).trim());
  });
  return values;
}

/** The headers without the ones that carry a credential (Authorization), for share links. */
export function headersWithoutCredentials(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^\s*authorization(-customer)?\s*:/i.test(line))
    .join('\n');
}

/** The body as fields: a JSON object, or a form (`a=1&b=2`); undefined when it is neither. */
export function bodyFields(body: string): Record<string, unknown> | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  if (!/^[^=&\s]+=/.test(text)) return undefined;
  const fields: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(text)) fields[name] = value;
  return fields;
}

/** Where a kind's input can be found in a request: headers (first present wins), then a body field. */
interface Source {
  readonly headers: readonly string[];
  readonly bodyField?: string;
  /** Turns the header value into the input (e.g. drops "Bearer "). */
  readonly read?: (value: string) => string;
}

function sourcesOf(kind: SignatureKind): Readonly<Record<string, Source>> {
  const dokuTimestamps =
    kind.kind === 'response'
      ? [DOKU_HEADERS.responseTimestamp, DOKU_HEADERS.requestTimestamp]
      : [DOKU_HEADERS.requestTimestamp, DOKU_HEADERS.responseTimestamp];
  return {
    timestamp: { headers: kind.provider === 'doku' ? dokuTimestamps : [SNAP_HEADERS.timestamp], bodyField: 'date' },
    clientId: { headers: [SNAP_HEADERS.clientKey, DOKU_HEADERS.clientId] },
    requestId: { headers: [DOKU_HEADERS.requestId] },
    xVersion: { headers: [SNAP_HEADERS.version] },
    accessToken: { headers: [SNAP_HEADERS.authorization], read: (value) => value.replace(/^bearer\s+/i, '') },
    applicationId: { headers: [], bodyField: 'application_id' },
    signature: { headers: [SNAP_HEADERS.signature, DOKU_HEADERS.signature], bodyField: 'signature' },
  };
}

export interface FoundInput {
  readonly value: string;
  /** Where it was found, for people: `header X-TIMESTAMP`, `body field "date"`. */
  readonly from: string;
}

/** The inputs of `kind` named in `names` that the request carries. */
export function inputsFromRequest(
  kind: SignatureKind,
  request: CapturedRequest,
  names: readonly string[],
): Record<string, FoundInput> {
  const headers = parseHeaders(request.headers);
  const fields = bodyFields(request.body);
  const sources = sourcesOf(kind);
  const found: Record<string, FoundInput> = {};
  for (const name of names) {
    const source = sources[name];
    if (!source) continue;
    const header = source.headers.find((h) => headers.has(h.toLowerCase()));
    if (header !== undefined) {
      const value = headers.get(header.toLowerCase()) as string;
      found[name] = { value: source.read ? source.read(value) : value, from: `header ${header}` };
      continue;
    }
    const field = source.bodyField === undefined ? undefined : fields?.[source.bodyField];
    if (source.bodyField !== undefined && (typeof field === 'string' || typeof field === 'number')) {
      found[name] = { value: String(field), from: `body field "${source.bodyField}"` };
    }
  }
  return found;
}
