// The official Fondy Node SDK (test-only dev dependency) ships no types; the tests describe the
// part they use (see callback.test.ts).
declare module 'cloudipsp-node-js-sdk/lib/util.js' {
  const util: unknown;
  export default util;
}
