// @org/snap-auth/testing — a local SNAP provider for tests and demos (Node).
export {
  createSnapSandbox,
  type SnapSandbox,
  type SnapSandboxCall,
  type SnapSandboxClient,
  type SnapSandboxDelivery,
  type SnapSandboxMerchant,
  type SnapSandboxMerchantAttempt,
  type SnapSandboxMerchantCall,
  type SnapSandboxMerchantDelivery,
  type SnapSandboxMerchantSession,
  type SnapSandboxNotification,
  type SnapSandboxOptions,
  type SnapSandboxProfile,
  type SnapSandboxRedelivery,
  type SnapSandboxService,
} from './sandbox.js';
