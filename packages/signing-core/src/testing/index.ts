// @org/signing-core/testing — building blocks for provider sandboxes, Web-standard only (it loads
// on Cloudflare Workers without nodejs_compat). The Node-only helpers (serveOnLoopback, the
// hostile server, the fault suite) are in @org/signing-core/testing/node.

export { type DeliverOptions, type DeliveryAttempt, deliver } from './deliver.js';
export {
  createSandboxCore,
  type Fault,
  FaultInjector,
  type FaultOptions,
  isDropResponse,
  jsonResponse,
  pathMatches,
  type RecordedRequest,
  RequestRecorder,
  type RunningSandbox,
  type SandboxCore,
  type TokenSandbox,
} from './sandbox.js';
