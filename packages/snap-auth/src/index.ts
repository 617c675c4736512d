// @org/snap-auth — the public API, by name.

// Signatures (pure functions)
export {
  type SnapAccessTokenSignatureInput,
  snapAccessTokenSignature,
  type VerifySnapAccessTokenSignatureInput,
  verifySnapAccessTokenSignature,
} from './access-token-signature.js';
export { EMPTY_BODY_HASH, snapBodyHash } from './body-hash.js';
// Client
export { createSnapAuth, type SnapAuth } from './create-snap-auth.js';
export type { GetCustomerTokenOptions, SnapCustomerToken, SnapCustomerTokenGrant } from './customer-token.js';
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
export { type SnapStringToSignInput, type SnapTokenInput, snapStringToSign } from './string-to-sign.js';
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
  type VerifySnapSymmetricInput,
  verifySnapSignature,
} from './verify-signature.js';
