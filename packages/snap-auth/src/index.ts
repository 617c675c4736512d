// @org/snap-auth — the public API, by name.

// Client
export { createSnapAuth, type SnapAuth } from './client/create-snap-auth.js';
export type { SnapAuthOptions } from './client/options.js';
// Presets
export { type SnapPreset, type SnapPresets, snapPresets } from './client/presets.js';
export type { SignedSnapRequest, SnapCustomerTokenInput, SnapRequest } from './client/service-signer.js';
export type { SnapFetch } from './client/signed-transport.js';
export type { SnapTokenData } from './client/token-requests.js';
// Notifications
export {
  type VerifiedSnapNotification,
  type VerifySnapNotificationOptions,
  verifySnapNotification,
} from './client/verify-notification.js';
// Signatures (pure functions)
export {
  type SnapAccessTokenSignatureInput,
  snapAccessTokenSignature,
  type VerifySnapAccessTokenSignatureInput,
  verifySnapAccessTokenSignature,
} from './protocol/access-token-signature.js';
export { EMPTY_BODY_HASH, snapBodyHash } from './protocol/body-hash.js';
// Protocol constants
export {
  DEFAULT_TOKEN_PATH as SNAP_TOKEN_PATH,
  DEFAULT_TOKEN_REQUEST_BODY as SNAP_TOKEN_REQUEST_BODY,
} from './protocol/constants.js';
export type { GetCustomerTokenOptions, SnapCustomerToken, SnapCustomerTokenGrant } from './protocol/customer-token.js';
export { SNAP_HEADERS, type SnapSignedHeadersInput, snapSignedHeaders } from './protocol/headers.js';
export { type SnapNotificationSignatureInput, snapNotificationSignature } from './protocol/notification-signature.js';
// Relative URL
export { canonicalSnapRelativeUrl } from './protocol/relative-url.js';
// Response codes
export { parseSnapResponseCode, type SnapResponseCode } from './protocol/response-code.js';
export {
  type SnapIfortepayNotifySignatureInput,
  type SnapServiceSignatureInput,
  snapIfortepayNotifySignature,
  snapServiceSignature,
} from './protocol/service-signature.js';
export {
  type SnapStringToSignInput,
  type SnapStringToSignPart,
  type SnapStringToSignParts,
  type SnapStringToSignPartsInput,
  type SnapTokenInput,
  snapStringToSign,
  snapStringToSignParts,
} from './protocol/string-to-sign.js';
export type { SnapTimestampFormat } from './protocol/timestamp.js';
export {
  type VerifySnapAsymmetricInput,
  type VerifySnapSignatureInput,
  type VerifySnapStringToSignInput,
  type VerifySnapSymmetricInput,
  verifySnapSignature,
  verifySnapStringToSign,
} from './protocol/verify-signature.js';
