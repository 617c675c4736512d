// @org/fondy-auth — the public API, by name.

export type { FondyFetch } from './authorized-fetch.js';
export { formatFondyDate } from './date-format.js';
export { createFondyAuth, type FondyAuth } from './fondy-auth.js';
export { type FondyHostName, fondyHosts } from './hosts.js';
export type { FondyAuthOptions } from './options.js';
export {
  type FondyParams,
  type FondyParamValue,
  fondySignature,
  fondySigningString,
  verifyFondySignature,
} from './payment-signature.js';
export { type FondyTokenSignatureInput, fondyTokenSignature } from './token-signature.js';
