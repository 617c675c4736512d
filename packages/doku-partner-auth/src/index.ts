// @org/doku-partner-auth — the public API, by name.

export type { DokuBodyInput } from './body.js';
export {
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
export type { DokuPartnerAuthOptions, DokuPartnerEnvironment, DokuRequestTargetMode } from './options.js';
export type { DokuRequestBody } from './request-body.js';
export {
  type DokuSecretKey,
  type DokuSignatureComponents,
  type DokuSignatureKind,
  type DokuSignatureParams,
  dokuSignature,
  dokuStringToSign,
  type VerifyDokuSignatureParams,
  verifyDokuSignature,
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
