/**
 * Serialising a request body exactly once: the bytes returned are the bytes that are hashed
 * into `Digest` and the bytes that must be sent. JSON text is never minified or re-encoded
 * (DOKU hashes the exact bytes; `\/` and non-ASCII characters stay as written).
 */
import { describeType, encodeUtf8 } from '@org/signing-core';

/** A body for `signRequest`. */
export type DokuRequestBody =
  | string
  | Uint8Array
  | FormData
  | URLSearchParams
  | Readonly<Record<string, unknown>>
  | readonly unknown[];

export interface SerializedBody {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The Content-Type that goes with these bytes, when the body type implies one. */
  readonly contentType: string | undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * - text: sent as its UTF-8 bytes, `application/json` (DOKU's APIs take JSON);
 * - bytes: sent as they are, no Content-Type (set one yourself);
 * - `FormData` / `URLSearchParams`: encoded once (multipart boundary fixed), with their Content-Type;
 * - a plain object or array: `JSON.stringify` once, `application/json`.
 */
export async function serializeBody(body: DokuRequestBody): Promise<SerializedBody> {
  if (typeof body === 'string') return { bytes: new Uint8Array(encodeUtf8(body)), contentType: 'application/json' };
  if (body instanceof Uint8Array) return { bytes: new Uint8Array(body), contentType: undefined };
  if (body instanceof FormData || body instanceof URLSearchParams) {
    const encoded = new Response(body);
    return {
      bytes: new Uint8Array(await encoded.arrayBuffer()),
      contentType: encoded.headers.get('content-type') ?? undefined,
    };
  }
  if (body !== null && typeof body === 'object' && (Array.isArray(body) || isPlainObject(body))) {
    const json = JSON.stringify(body);
    return { bytes: new Uint8Array(encodeUtf8(json)), contentType: 'application/json' };
  }
  throw new TypeError(
    `[@org/doku-partner-auth] signRequest: body must be a string, a Uint8Array, FormData, URLSearchParams, a plain object or an array, received ${describeType(body)}`,
  );
}
