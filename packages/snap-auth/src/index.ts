// @org/snap-auth — the public API, by name.

// Signatures (pure functions)
export {
  type SnapAccessTokenSignatureInput,
  snapAccessTokenSignature,
  type VerifySnapAccessTokenSignatureInput,
  verifySnapAccessTokenSignature,
} from './access-token-signature.js';
export { EMPTY_BODY_HASH, snapBodyHash } from './body-hash.js';
// Protocol constants
export {
  DEFAULT_TOKEN_PATH as SNAP_TOKEN_PATH,
  DEFAULT_TOKEN_REQUEST_BODY as SNAP_TOKEN_REQUEST_BODY,
} from './constants.js';
// Client
export { createSnapAuth, type SnapAuth } from './create-snap-auth.js';
export type { GetCustomerTokenOptions, SnapCustomerToken, SnapCustomerTokenGrant } from './customer-token.js';
export { SNAP_HEADERS, type SnapSignedHeadersInput, snapSignedHeaders } from './headers.js';
export { type SnapNotificationSignatureInput, snapNotificationSignature } from './notification-signature.js';
export type { SnapAuthOptions } from './options.js';
// Presets
export { type SnapPreset, type SnapPresets, snapPresets } from './presets.js';
// Relative URL
export { canonicalSnapRelativeUrl } from './relative-url.js';
// Response codes
export { parseSnapResponseCode, type SnapResponseCode } from './response-code.js';
export { type SnapServiceSignatureInput, snapServiceSignature } from './service-signature.js';
export type { SignedSnapRequest, SnapCustomerTokenInput, SnapRequest } from './service-signer.js';
export type { SnapFetch } from './signed-transport.js';
export {
  type SnapStringToSignInput,
  type SnapStringToSignPart,
  type SnapStringToSignParts,
  type SnapStringToSignPartsInput,
  type SnapTokenInput,
  snapStringToSign,
  snapStringToSignParts,
} from './string-to-sign.js';
export type { SnapTimestampFormat } from './timestamp.js';
// Notifications
export {
  type VerifiedSnapNotification,
  type VerifySnapNotificationOptions,
  verifySnapNotification,
} from './verify-notification.js';
export {
  type VerifySnapAsymmetricInput,
  type VerifySnapSignatureInput,
  type VerifySnapStringToSignInput,
  type VerifySnapSymmetricInput,
  verifySnapSignature,
  verifySnapStringToSign,
} from './verify-signature.js';
