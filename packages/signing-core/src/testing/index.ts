// @org/signing-core/testing — building blocks for provider sandboxes (Node helper included).

export {
  type FaultCall,
  type FaultClientSettings,
  type FaultEchoAnswer,
  type FaultLifetimeCase,
  type FaultSuiteAdapter,
  type FaultSuiteApi,
  type FaultSuiteMatchers,
  runFaultSuite,
} from './fault-suite.node.js';
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
  type TokenSandbox,
} from './sandbox.js';
export { serveOnLoopback } from './serve.node.js';
