// @org/fondy-auth — the public API, by name.

export { createFondyAuth, type FondyAuth, type FondyFetch } from './client/fondy-auth.js';
export type { FondyAuthOptions } from './client/options.js';
export {
  type FondyCallbackInput,
  type FondyVerifiedCallback,
  type VerifyFondyCallbackOptions,
  verifyFondyCallback,
} from './protocol/callback.js';
export { FONDY_REQUEST_HEADERS } from './protocol/constants.js';
export { formatFondyDate } from './protocol/date-format.js';
export { type FondyHostName, fondyHosts } from './protocol/hosts.js';
export {
  type FondyParams,
  type FondyParamValue,
  type FondySdk,
  fondyPaymentStringToSignParts,
  fondySdkSignature,
  fondySignature,
  fondySigningString,
  verifyFondySignature,
} from './protocol/payment-signature.js';
export type { FondyStringToSignPart, FondyStringToSignParts } from './protocol/string-to-sign-parts.js';
export { type FondyTokenRequestBodyInput, fondyTokenRequestBody } from './protocol/token-request.js';
export {
  type FondyTokenSignatureInput,
  fondyTokenSignature,
  fondyTokenStringToSignParts,
  type VerifyFondyTokenSignatureInput,
  verifyFondyTokenSignature,
} from './protocol/token-signature.js';
