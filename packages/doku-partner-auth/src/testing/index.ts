// @org/doku-partner-auth/testing — a local DOKU Partner API sandbox (Node helper included).
export {
  createDokuSandbox,
  type DokuSandbox,
  type DokuSandboxClient,
  type DokuSandboxIssuedToken,
  type DokuSandboxNotification,
  type DokuSandboxOptions,
  type DokuSandboxUpload,
} from './sandbox.js';
