// @org/snap-auth/server — the merchant as a SNAP server, by name.

export {
  createSnapServer,
  type SnapHandleOptions,
  type SnapServer,
  type SnapVerifyRequestOptions,
  type SnapVerifyResult,
} from './create-snap-server.js';
export type { SnapServerOptions, SnapServerPartner } from './options.js';
export type { SnapHandlerContext, SnapReply, SnapServiceHandler } from './redelivery.js';
export {
  type MemorySnapIssuedTokenStoreOptions,
  memorySnapIssuedTokenStore,
  type SnapIssuedToken,
  type SnapIssuedTokenStore,
} from './tokens.js';
export type { SnapRejection, VerifiedSnapCall } from './verify-request.js';
