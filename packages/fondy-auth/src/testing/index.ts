// @org/fondy-auth/testing — a local Fondy / Flitt sandbox for tests (Node helper included), and
// Fondy's callbacks to a merchant's server_callback_url.

export {
  createFondyCallback,
  type FondyCallbackAttempt,
  type FondyCallbackDelivery,
  type FondyCallbackOptions,
  type SendFondyCallbackOptions,
  sendFondyCallback,
} from './callback-sender.js';
export type { FondySandboxReport } from './sample-report.js';
export {
  createFondySandbox,
  type FondySandbox,
  type FondySandboxApplication,
  type FondySandboxOptions,
} from './sandbox.js';
