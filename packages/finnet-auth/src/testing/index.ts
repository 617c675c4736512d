// @org/finnet-auth/testing — a local Finnet sandbox for tests (the server helper needs Node).
export {
  createFinnetSandbox,
  FINNET_SANDBOX_CODES,
  type FinnetSandbox,
  type FinnetSandboxOptions,
} from './sandbox.js';
