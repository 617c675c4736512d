/**
 * SNAP's header names, and the headers each signed message carries, in one place:
 *
 * - access-token request: `Content-Type`, `X-TIMESTAMP`, `X-CLIENT-KEY`, `X-SIGNATURE`;
 * - service call: `Content-Type`, `Authorization: Bearer <token>`, `X-TIMESTAMP`, `X-SIGNATURE`,
 *   then `X-PARTNER-ID`, `X-EXTERNAL-ID` and `CHANNEL-ID` when given;
 * - notification: `Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE`, then `X-PARTNER-ID` and
 *   `X-EXTERNAL-ID` when given.
 */
import { requireText, type SnapTokenInput, tokenText } from './string-to-sign.js';

/** The names of the headers SNAP messages carry. */
export const SNAP_HEADERS = Object.freeze({
  contentType: 'Content-Type',
  authorization: 'Authorization',
  authorizationCustomer: 'Authorization-Customer',
  timestamp: 'X-TIMESTAMP',
  signature: 'X-SIGNATURE',
  clientKey: 'X-CLIENT-KEY',
  partnerId: 'X-PARTNER-ID',
  externalId: 'X-EXTERNAL-ID',
  channelId: 'CHANNEL-ID',
  origin: 'ORIGIN',
  version: 'X-VERSION',
} as const);

/** Every SNAP body is JSON. */
const JSON_TYPE = 'application/json';

/** The per-message headers of a service call or notification besides the signature, when given. */
interface OptionalHeaders {
  /** X-PARTNER-ID. */
  readonly partnerId?: string | undefined;
  /** X-EXTERNAL-ID (numeric, at most 36 characters, unique per day). */
  readonly externalId?: string | undefined;
}

/** What {@link snapSignedHeaders} lays out, by message. */
export type SnapSignedHeadersInput =
  | {
      readonly kind: 'access-token';
      readonly clientId: string;
      /** The X-TIMESTAMP that was signed. */
      readonly timestamp: string;
      /** The X-SIGNATURE (base64). */
      readonly signature: string;
    }
  | (OptionalHeaders & {
      readonly kind: 'service';
      /** The B2B access token, without `Bearer `. */
      readonly accessToken: SnapTokenInput;
      readonly timestamp: string;
      readonly signature: string;
      /** CHANNEL-ID (provider-assigned). */
      readonly channelId?: string | undefined;
    })
  | (OptionalHeaders & {
      readonly kind: 'notification';
      readonly timestamp: string;
      readonly signature: string;
    })
  | {
      /** ifortepay's payment notification: X-TIMESTAMP, X-SIGNATURE and X-VERSION. */
      readonly kind: 'ifortepay-notify';
      readonly timestamp: string;
      readonly signature: string;
      /** The X-VERSION that was signed. */
      readonly version: string;
    };

/**
 * The headers of a signed SNAP message, in the order above, as name → value. Optional headers
 * are left out when not given. The service headers contain the access token: treat them as secret.
 *
 * @throws {InputError} `ERR_INVALID_INPUT` for an empty client id, token, timestamp or signature.
 * @throws {TypeError} for an unknown `kind`.
 */
export function snapSignedHeaders(input: SnapSignedHeadersInput): Record<string, string> {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (kind !== 'access-token' && kind !== 'service' && kind !== 'notification' && kind !== 'ifortepay-notify') {
    throw new TypeError(
      `[@org/snap-auth] snapSignedHeaders: kind must be 'access-token', 'service', 'notification' or 'ifortepay-notify', received ${JSON.stringify(kind)}`,
    );
  }
  const headers: Record<string, string> = { [SNAP_HEADERS.contentType]: JSON_TYPE };
  if (input.kind === 'service') headers[SNAP_HEADERS.authorization] = `Bearer ${tokenText(input.accessToken)}`;
  headers[SNAP_HEADERS.timestamp] = requireText(input.timestamp, 'timestamp');
  if (input.kind === 'access-token') headers[SNAP_HEADERS.clientKey] = requireText(input.clientId, 'clientId');
  headers[SNAP_HEADERS.signature] = requireText(input.signature, 'signature');
  if (input.kind === 'access-token') return headers;
  if (input.kind === 'ifortepay-notify') {
    headers[SNAP_HEADERS.version] = requireText(input.version, 'version');
    return headers;
  }
  if (input.partnerId !== undefined) headers[SNAP_HEADERS.partnerId] = input.partnerId;
  if (input.externalId !== undefined) headers[SNAP_HEADERS.externalId] = input.externalId;
  if (input.kind === 'service' && input.channelId !== undefined) headers[SNAP_HEADERS.channelId] = input.channelId;
  return headers;
}
