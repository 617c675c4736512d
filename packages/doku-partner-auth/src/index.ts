// @org/doku-partner-auth — the public API, by name.

export {
  createDokuPartnerAuth,
  type DokuKyOptions,
  type DokuPartnerAuth,
  type DokuSignedRequest,
  type DokuSignedRequestInfo,
  type DokuSignRequestOptions,
} from './client/doku-partner-auth.js';
export type { DokuPartnerAuthOptions, DokuPartnerEnvironment, DokuRequestTargetMode } from './client/options.js';
export {
  type DokuNotification,
  type VerifyDokuNotificationOptions,
  verifyDokuNotification,
} from './client/verify-notification.js';
export type { DokuBodyInput } from './protocol/body.js';
export {
  DOKU_HEADERS,
  DOKU_PARTNER_BASE_URLS,
  DOKU_PARTNER_FILE_PATH,
  DOKU_PARTNER_TOKEN_PATH,
} from './protocol/constants.js';
export { dokuDigest } from './protocol/digest.js';
export { type DokuSignedHeadersInput, dokuSignedHeaders } from './protocol/headers.js';
export type { DokuRequestBody } from './protocol/request-body.js';
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
} from './protocol/signature.js';
export type { DokuTokenExpirySource } from './protocol/token-response.js';
export {
  type DokuRequestIdentity,
  type DokuResponseSignatureMode,
  type VerifyDokuResponseOptions,
  verifyDokuResponse,
} from './protocol/verify-response.js';
