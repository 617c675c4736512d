// @org/snap-auth/testing — a local SNAP provider for tests and demos (Node).
export {
  createSnapSandbox,
  type SnapSandbox,
  type SnapSandboxClient,
  type SnapSandboxDelivery,
  type SnapSandboxNotification,
  type SnapSandboxOptions,
} from './sandbox.js';
