// @org/doku-partner-auth — the public API, by name.

export type { DokuBodyInput } from './body.js';
export {
  DOKU_HEADERS,
  DOKU_PARTNER_BASE_URLS,
  DOKU_PARTNER_FILE_PATH,
  DOKU_PARTNER_TOKEN_PATH,
} from './constants.js';
export { dokuDigest } from './digest.js';
export {
  createDokuPartnerAuth,
  type DokuKyOptions,
  type DokuPartnerAuth,
  type DokuSignedRequest,
  type DokuSignedRequestInfo,
  type DokuSignRequestOptions,
} from './doku-partner-auth.js';
export { type DokuSignedHeadersInput, dokuSignedHeaders } from './headers.js';
export type { DokuPartnerAuthOptions, DokuPartnerEnvironment, DokuRequestTargetMode } from './options.js';
export type { DokuRequestBody } from './request-body.js';
export {
  DOKU_SIGNATURE_PREFIX,
  type DokuSecretKey,
  type DokuSignatureComponents,
  type DokuSignatureKind,
  type DokuSignatureParams,
  type DokuStringToSignOptions,
  type DokuStringToSignPart,
  type DokuStringToSignParts,
  dokuSignature,
  dokuStringToSign,
  dokuStringToSignParts,
  type VerifyDokuSignatureParams,
  type VerifyDokuStringToSignParams,
  verifyDokuSignature,
  verifyDokuStringToSign,
} from './signature.js';
export type { DokuTokenExpirySource } from './token-response.js';
export {
  type DokuNotification,
  type VerifyDokuNotificationOptions,
  verifyDokuNotification,
} from './verify-notification.js';
export {
  type DokuRequestIdentity,
  type DokuResponseSignatureMode,
  type VerifyDokuResponseOptions,
  verifyDokuResponse,
} from './verify-response.js';
