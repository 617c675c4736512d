// @org/finnet-auth — the public API, by name.

export {
  createFinnetAuth,
  type FinnetAuth,
  type FinnetRequestOptions,
  type FinnetRequestParams,
  type FinnetResponse,
  type FinnetResponseBody,
  type FinnetSignedRequest,
} from './auth.js';
export { parseFinnetExpiry } from './expiry.js';
export type { FinnetAuthOptions } from './options.js';
export {
  FINNET_DEVELOPMENT_URL,
  FINNET_REQUEST_HEADERS,
  FINNET_TOKEN_PATH,
  FINNET_WIDGET_TOP_UP_PATH,
} from './provider.js';
export {
  type FinnetParams,
  type FinnetSignatureOptions,
  type FinnetStringToSignPart,
  type FinnetStringToSignParts,
  finnetSignature,
  finnetStringToSign,
  finnetStringToSignParts,
  type HexKeyCase,
} from './signature.js';
export { type FinnetAnswer, isFinnetTokenRejected } from './token-rejection.js';
export type { TransNumberContext, TransNumberGenerator } from './trans-number.js';
