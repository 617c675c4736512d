// @org/signing-core/testing — building blocks for provider sandboxes (Node helper included).

export {
  type HostileHandler,
  type HostileServer,
  hostile,
  hostileFaults,
  routeTokenAndService,
  settlesWithin,
  startHostileServer,
  trackUnhandledRejections,
} from './hostile.node.js';
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
} from './sandbox.js';
export { serveOnLoopback } from './serve.node.js';
