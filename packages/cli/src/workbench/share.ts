/**
 * Share links: a case as a URL fragment (`#case=…`, base64url of its JSON), which browsers never
 * send to the server. The caller leaves keys, secrets and credentials out before encoding.
 */
import { decodeUtf8, encodeUtf8, fromBase64Url, toBase64Url } from '@org/signing-core';

export interface SharedCase {
  /** `provider/kind`. */
  readonly kind: string;
  readonly preset?: string;
  readonly request: { readonly method: string; readonly url: string; readonly headers: string; readonly body: string };
  /** The other non-secret fields by input name, and the received signature. */
  readonly fields: Readonly<Record<string, string>>;
}

const PREFIX = '#case=';

export function shareFragment(shared: SharedCase): string {
  return PREFIX + toBase64Url(encodeUtf8(JSON.stringify(shared)));
}

const text = (value: unknown): value is string => typeof value === 'string';

/** The case in a fragment; undefined without one; throws when the fragment is not a case. */
export function readShareFragment(fragment: string): SharedCase | undefined {
  if (!fragment.startsWith(PREFIX)) return undefined;
  const parsed: unknown = JSON.parse(decodeUtf8(fromBase64Url(fragment.slice(PREFIX.length))));
  const value = parsed as Partial<SharedCase> | null;
  const request = value?.request;
  if (
    !value ||
    !text(value.kind) ||
    (value.preset !== undefined && !text(value.preset)) ||
    !request ||
    ![request.method, request.url, request.headers, request.body].every(text) ||
    !value.fields ||
    !Object.values(value.fields).every(text)
  ) {
    throw new TypeError('the link does not hold a workbench case');
  }
  return value as SharedCase;
}
