/** Provider name carried by every error this package throws. */
export const PROVIDER = 'fondy';

/** Package name, used as the prefix of option-validation messages. */
export const PACKAGE_NAME = '@org/fondy-auth';

/** The application token endpoint (POST, JSON). */
export const TOKEN_PATH = '/authorizer/token/application/get';

/** The Company Reports endpoint, the documented user of the token (`Authorization: Token …`). */
export const REPORT_PATH = '/api/extend/company/report/';

/** Fondy's authorization scheme: `Authorization: Token <token>`, not `Bearer`. */
export const TOKEN_SCHEME = 'Token';

/** The report API's message for a token that is invalid or outdated. */
export const INVALID_AUTH_TOKEN = 'Invalid auth token';

/** The report API's message when no `Authorization: Token …` header was sent. */
export const AUTHORIZATION_TOKEN_REQUIRED = 'Authorization token required';

/** Longest `application_id` the token endpoint accepts (characters). */
export const MAX_APPLICATION_ID_LENGTH = 20;

/** Longest `date` the token endpoint accepts (characters). */
export const MAX_DATE_LENGTH = 1024;

/** Token lifetime assumed when a 200 answer carries no `expires_in` ("will expire in 1 hour"). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** The headers of the JSON requests this package sends (the token request). */
export const FONDY_REQUEST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  Accept: 'application/json',
});
