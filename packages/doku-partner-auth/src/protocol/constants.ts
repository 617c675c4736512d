/** Names and addresses shared by the DOKU Partner API modules. */

/** The provider name set on every error this package throws. */
export const PROVIDER = 'doku';

/** The package name used as the prefix of option-validation messages. */
export const PACKAGE_NAME = '@org/doku-partner-auth';

/**
 * The Partner API hosts from DOKU's Generate Token page: Test Mode (UAT) and Production.
 * Pass `'test'` or `'production'` as `baseUrl`, or any absolute URL (a sandbox, a proxy).
 */
export const DOKU_PARTNER_BASE_URLS = Object.freeze({
  test: 'https://api-uat.doku.com',
  production: 'https://api.doku.com',
} as const);

/** Generate Token API path (POST). */
export const DOKU_PARTNER_TOKEN_PATH = '/adv-core-api/partner/v1.0/token';

/** Upload File API path (POST, bearer token) and File Requirements API path (GET). */
export const DOKU_PARTNER_FILE_PATH = '/adv-core-api/partner/v1.0/file';

/** The most characters DOKU accepts in a `Request-Id` ("max 128 characters"). */
export const MAX_REQUEST_ID_LENGTH = 128;

/** The names of the headers of DOKU's non-SNAP signature, on requests, responses and notifications. */
export const DOKU_HEADERS = Object.freeze({
  clientId: 'Client-Id',
  requestId: 'Request-Id',
  requestTimestamp: 'Request-Timestamp',
  responseTimestamp: 'Response-Timestamp',
  signature: 'Signature',
  authorization: 'Authorization',
  contentType: 'Content-Type',
} as const);
