// @org/fondy-auth — the public API, by name.

export { FONDY_REQUEST_HEADERS } from './constants.js';

export { formatFondyDate } from './date-format.js';
export { createFondyAuth, type FondyAuth, type FondyFetch } from './fondy-auth.js';
export { type FondyHostName, fondyHosts } from './hosts.js';
export type { FondyAuthOptions } from './options.js';
export {
  type FondyParams,
  type FondyParamValue,
  type FondySdk,
  fondyPaymentStringToSignParts,
  fondySdkSignature,
  fondySignature,
  fondySigningString,
  verifyFondySignature,
} from './payment-signature.js';
export type { FondyStringToSignPart, FondyStringToSignParts } from './string-to-sign-parts.js';
export { type FondyTokenRequestBodyInput, fondyTokenRequestBody } from './token-request.js';
export {
  type FondyTokenSignatureInput,
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  type VerifyFondyTokenSignatureInput,
  verifyFondyTokenSignature,
} from './token-signature.js';
