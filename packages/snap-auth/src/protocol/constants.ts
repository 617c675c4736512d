/** Shared constants of the package. */

/** Provider name on every error this package throws. */
export const PROVIDER = 'snap';

/** Package name used in option-validation messages. */
export const PACKAGE_NAME = '@org/snap-auth';

/** Default B2B access-token path (providers prefix it differently: take it from the preset). */
export const DEFAULT_TOKEN_PATH = '/v1.0/access-token/b2b';

/** Default B2B2C (customer) access-token path. */
export const DEFAULT_CUSTOMER_TOKEN_PATH = '/v1.0/access-token/b2b2c';

/** Token lifetime assumed when the provider omits `expiresIn` (SNAP default: 900 s = 15 min). */
export const DEFAULT_EXPIRES_IN_SECONDS = 900;

/** Default tolerance for X-TIMESTAMP of incoming notifications: ±5 minutes. */
export const DEFAULT_NOTIFICATION_TOLERANCE_MS = 5 * 60_000;

/** How long an X-EXTERNAL-ID is remembered for de-duplication by default: one day. */
export const DEFAULT_REPLAY_TTL_MS = 24 * 60 * 60_000;

/** The JSON body of a B2B access-token request unless a preset or `tokenRequestBody` says otherwise. */
export const DEFAULT_TOKEN_REQUEST_BODY: Readonly<{ grantType: string }> = Object.freeze({
  grantType: 'client_credentials',
});
