// @org/fondy-auth/testing — a local Fondy / Flitt sandbox for tests (Node helper included).

export type { FondySandboxReport } from './sample-report.js';
export {
  createFondySandbox,
  type FondySandbox,
  type FondySandboxApplication,
  type FondySandboxOptions,
} from './sandbox.js';
