// @org/token-store-durable-object — the public API, by name.
export {
  type DurableObjectStateLike,
  type DurableObjectStorageLike,
  TokenStoreDurableObject,
} from './durable-object.js';
export type {
  DurableObjectNamespaceLike,
  DurableObjectStubLike,
  DurableObjectTokenStoreOptions,
} from './options.js';
export { durableObjectTokenStore } from './token-store.js';
