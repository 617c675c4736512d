// @org/signing-core/testing/node — the Node-only testing helpers (node:http): serving a handler on
// 127.0.0.1, the hostile server and its faults, and the fault suite every provider runs.

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
export { serveOnLoopback } from './serve.node.js';
