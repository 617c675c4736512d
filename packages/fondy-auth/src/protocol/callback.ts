/**
 * Fondy / Flitt callbacks (`server_callback_url`) and signed API answers, in the two signature
 * protocols:
 *
 * - **1.0 / 1.0.1**: the parameters themselves, as JSON (flat, or wrapped in `{"response": …}`)
 *   or as a form (`application/x-www-form-urlencoded`), signed by the classic rule
 *   `sha1(paymentKey|values of the non-empty parameters sorted by name)`
 *   (https://docs.fondy.io/gateway/signatures, https://docs.fondy.eu/en/docs/page/3).
 * - **2.0**: `{ "version": "2.0", "data": base64(JSON), "signature": … }`, also wrapped in
 *   `{"response": …}`, signed `sha1(paymentKey|data)` over the base64 text as received. `data`
 *   decodes to `{ "order": { … } }`. (No Fondy page for 2.0 was found; this is what the official
 *   Node SDK, cloudipsp/node-js-sdk `lib/util.js` `genSignatureV2` / `validateResponse`, and
 *   Fondy's own WordPress plugin callback handler do.)
 *
 * Numbers of a JSON body are signed as the text they have in the body (`10.50` stays `10.50`),
 * where the runtime gives `JSON.parse` revivers the source text (Node ≥ 21, Deno, Workers);
 * elsewhere as `String(n)`.
 */
import {
  digest,
  encodeUtf8,
  fromBase64,
  isAuthError,
  isRecord,
  ResponseFormatError,
  type Secret,
  toBase64,
  toHex,
} from '@org/signing-core';
import { readBodyBounded } from '@org/signing-core/provider-kit';
import { PROVIDER } from './constants.js';
import { requireKey } from './input-checks.js';
import { matchesSignature, verifyFondySignature } from './payment-signature.js';

/** The default body limit of {@link verifyFondyCallback}: 1 MiB (callbacks are a few KB). */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A callback or signed API answer whose signature verified. */
export interface FondyVerifiedCallback {
  /** Which signature protocol it used. */
  readonly protocol: '1.0' | '2.0';
  /** How the body was encoded (`object` when parsed parameters were passed in). */
  readonly format: 'json' | 'form' | 'object';
  /**
   * The parameters: for 1.0 the fields as parsed (JSON numbers as numbers, form fields as
   * strings); for 2.0 the `order` object of the decoded `data` (or the decoded object itself
   * when it has no `order`).
   */
  readonly params: Readonly<Record<string, unknown>>;
  /** 2.0 only: the whole decoded JSON of `data`. */
  readonly payload?: Readonly<Record<string, unknown>>;
}

export interface VerifyFondyCallbackOptions {
  /** Largest body read from a `Request`, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

/** A callback as it can be handed over. */
export type FondyCallbackInput = Request | string | Uint8Array | URLSearchParams | Readonly<Record<string, unknown>>;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

type Parsed = {
  /** The parameters to return. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The parameters as signed: JSON numbers as their source text. */
  readonly signed: Readonly<Record<string, unknown>> | URLSearchParams;
  readonly format: FondyVerifiedCallback['format'];
};

/** Parses JSON keeping, for numbers, the text they had (where the runtime gives revivers the source). */
function parseJson(text: string): { value: unknown; signed: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const signed: unknown = JSON.parse(text, function (
      this: unknown,
      _key,
      parsed: unknown,
      context?: { source?: string },
    ) {
      return typeof parsed === 'number' && typeof context?.source === 'string' ? context.source : parsed;
    } as (this: unknown, key: string, value: unknown) => unknown);
    return { value, signed };
  } catch {
    return undefined;
  }
}

/** `{ "response": { … } }` (an API answer, or a callback sent in the same shape) → its inner object. */
function unwrap(record: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const keys = Object.keys(record);
  const inner = record.response;
  return keys.length === 1 && keys[0] === 'response' && isRecord(inner) ? inner : record;
}

function fromJsonText(text: string): Parsed | undefined {
  const parsed = parseJson(text);
  if (parsed === undefined || !isRecord(parsed.value) || !isRecord(parsed.signed)) return undefined;
  return { params: unwrap(parsed.value), signed: unwrap(parsed.signed), format: 'json' };
}

function fromFormText(text: string): Parsed {
  const form = new URLSearchParams(text);
  return { params: Object.fromEntries(form), signed: form, format: 'form' };
}

function fromText(text: string, contentType: string | null): Parsed | undefined {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return fromFormText(text);
  if (type.includes('json')) return fromJsonText(text);
  // No or another content type: a JSON object starts with '{', anything else is read as a form.
  return text.trimStart().startsWith('{') ? fromJsonText(text) : fromFormText(text);
}

async function parse(input: FondyCallbackInput, maxBytes: number): Promise<Parsed | undefined> {
  if (input instanceof URLSearchParams) return { params: Object.fromEntries(input), signed: input, format: 'form' };
  let bytes: Uint8Array;
  let contentType: string | null = null;
  if (input instanceof Request) {
    contentType = input.headers.get('content-type');
    const length = input.headers.get('content-length');
    try {
      bytes = await readBodyBounded(
        new Response(input.body, { headers: length === null ? {} : { 'content-length': length } }),
        maxBytes,
        PROVIDER,
      );
    } catch (error) {
      if (!isAuthError(error, 'ERR_RESPONSE_TOO_LARGE')) throw error;
      throw new ResponseFormatError(
        `the callback body is larger than ${maxBytes} bytes (maxBodyBytes of verifyFondyCallback)`,
        {},
        { code: 'ERR_RESPONSE_TOO_LARGE', provider: PROVIDER },
      );
    }
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else if (typeof input === 'string') {
    return fromText(input, null);
  } else if (isRecord(input)) {
    return { params: unwrap(input), signed: unwrap(input), format: 'object' };
  } else {
    throw new TypeError(
      '[@org/fondy-auth] verifyFondyCallback: input must be a Request, the body (text or bytes), URLSearchParams or parsed parameters',
    );
  }
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return undefined; // Fondy sends UTF-8; other bytes cannot be the signed text
  }
  return fromText(text, contentType);
}

/**
 * The record `params` of a form or an object, for reading `version`, `data` and `signature`;
 * `undefined` for a form with a field repeated under one name (which value is meant is ambiguous,
 * and another parser may read the other one).
 */
function fieldsOf(signed: Parsed['signed']): Readonly<Record<string, unknown>> | undefined {
  if (!(signed instanceof URLSearchParams)) return signed;
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of signed) {
    if (Object.hasOwn(out, name)) return undefined;
    out[name] = value;
  }
  return out;
}

/**
 * A protocol 2.0 envelope: `data` and `signature` (strings), and `version: '2.0'` or no version
 * and nothing else. A `version` of another value or type is not 2.0.
 */
function isVersion2(fields: Readonly<Record<string, unknown>>): boolean {
  if (typeof fields.data !== 'string' || typeof fields.signature !== 'string') return false;
  if (fields.version === '2.0') return true;
  if (fields.version !== undefined) return false;
  return Object.keys(fields).every((name) => name === 'data' || name === 'signature');
}

/**
 * The protocol 2.0 signature of `data` (the base64 text as sent): `sha1_hex(paymentKey|data)`,
 * 40 lowercase hex characters.
 */
export async function fondyVersion2Signature(data: string, key: string): Promise<string> {
  return toHex(await digest('SHA-1', `${key}|${data}`));
}

/** The protocol 2.0 `data` of a payload: base64 of its JSON, as UTF-8. */
export function fondyVersion2Data(payload: Readonly<Record<string, unknown>>): string {
  return toBase64(encodeUtf8(JSON.stringify(payload)));
}

async function verifyVersion2(
  fields: Readonly<Record<string, unknown>>,
  key: string,
  format: FondyVerifiedCallback['format'],
): Promise<FondyVerifiedCallback | false> {
  const data = fields.data as string;
  const expected = await fondyVersion2Signature(data, key);
  if (!matchesSignature(fields.signature, expected)) return false;
  let payload: unknown;
  try {
    payload = JSON.parse(fatalUtf8.decode(fromBase64(data)));
  } catch {
    return false;
  }
  if (!isRecord(payload)) return false;
  const order = payload.order;
  return { protocol: '2.0', format, params: isRecord(order) ? order : payload, payload };
}

/**
 * Verifies a Fondy / Flitt callback (or a signed API answer) and returns its parameters, or
 * `false` when it cannot be trusted.
 *
 * Takes the `Request` (the body is read, at most `maxBodyBytes`; `Content-Type` says JSON or
 * form, otherwise a body starting with `{` is JSON), the body as text or bytes, form data, or
 * parameters already parsed. Both protocols are recognised: 1.0 (the parameters, signed by the
 * classic rule; see {@link verifyFondySignature} for how values are signed) and 2.0 (`data`,
 * base64 of JSON, signed `sha1(paymentKey|data)`; the decoded `order` is returned).
 *
 * Resolves `false` for a missing or wrong signature, for parameters the classic rule cannot sign
 * (a boolean, array or object value, a repeated form field), for a body that is not UTF-8, not
 * JSON or form data, and for 2.0 `data` that is not base64 of a JSON object. It never echoes the key.
 *
 * @throws {TypeError} for an input of another type, or a `paymentKey` that is not a string/Secret.
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty `paymentKey`.
 * @throws {ResponseFormatError} `ERR_RESPONSE_TOO_LARGE` for a `Request` body over `maxBodyBytes`.
 */
export async function verifyFondyCallback(
  input: FondyCallbackInput,
  paymentKey: string | Secret,
  options: VerifyFondyCallbackOptions = {},
): Promise<FondyVerifiedCallback | false> {
  const fn = 'verifyFondyCallback';
  const key = requireKey(fn, 'paymentKey', paymentKey, true);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new TypeError(`[@org/fondy-auth] ${fn}: maxBodyBytes must be a positive integer`);
  }
  const parsed = await parse(input, maxBytes);
  if (parsed === undefined) return false;
  const fields = fieldsOf(parsed.signed);
  if (fields === undefined) return false;
  if (isVersion2(fields)) return verifyVersion2(fields, key, parsed.format);
  if (!(await verifyFondySignature(parsed.signed, key))) return false;
  return { protocol: '1.0', format: parsed.format, params: parsed.params };
}
