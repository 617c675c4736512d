// @org/finnet-auth — the public API, by name.

export { createFinnetAuth } from './client/auth.js';
export type { FinnetAuthOptions } from './client/options.js';
export type {
  FinnetAuth,
  FinnetRequestOptions,
  FinnetRequestParams,
  FinnetResponse,
  FinnetResponseBody,
  FinnetSignedRequest,
  FinnetTokenData,
} from './client/types.js';
export { parseFinnetExpiry } from './protocol/expiry.js';
export {
  FINNET_DEVELOPMENT_URL,
  FINNET_REQUEST_HEADERS,
  FINNET_TOKEN_PATH,
  FINNET_WIDGET_TOP_UP_PATH,
} from './protocol/provider.js';
export {
  type FinnetParams,
  type FinnetSignatureOptions,
  type FinnetStringToSignPart,
  type FinnetStringToSignParts,
  finnetSignature,
  finnetStringToSign,
  finnetStringToSignParts,
  type HexKeyCase,
} from './protocol/signature.js';
export { type FinnetAnswer, isFinnetTokenRejected } from './protocol/token-rejection.js';
export type { TransNumberContext, TransNumberGenerator } from './protocol/trans-number.js';
