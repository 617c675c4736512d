// @org/fondy-auth — the public API, by name.

export { formatFondyDate } from './date-format.js';
export { createFondyAuth, type FondyAuth, type FondyFetch } from './fondy-auth.js';
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
