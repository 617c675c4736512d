/**
 * The hosts the Fondy and Flitt documentation give for the application token endpoint
 * (`/authorizer/token/application/get`) and the Company Reports API.
 */
export const fondyHosts = Object.freeze({
  /** `https://wallet.fondy.eu`: the token URL of the English docs (docs.fondy.io). The default `baseUrl`. */
  wallet: 'https://wallet.fondy.eu',
  /** `https://portal.fondy.eu`: the token URL of the Ukrainian docs page, and the Company Reports API. */
  portal: 'https://portal.fondy.eu',
  /** `https://portal.flitt.com`: Flitt (Fondy's rebrand), token and Company Reports API. */
  flitt: 'https://portal.flitt.com',
} as const);

/** A preset name accepted by `baseUrl` / `apiBaseUrl`. */
export type FondyHostName = keyof typeof fondyHosts;

/** True for `wallet`, `portal` or `flitt`. */
export function isFondyHostName(value: unknown): value is FondyHostName {
  return typeof value === 'string' && Object.hasOwn(fondyHosts, value);
}

/**
 * The default API base URL for a token host: the wallet host serves the token only, the
 * documented report API lives on `portal.fondy.eu`; every other host serves both.
 */
export function defaultApiBaseUrl(baseUrl: string): string {
  return baseUrl === fondyHosts.wallet ? fondyHosts.portal : baseUrl;
}
