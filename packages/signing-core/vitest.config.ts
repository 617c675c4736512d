import { fileURLToPath } from 'node:url';
import { sharedTestOptions } from '@org/vitest-config';
import { defineConfig } from 'vitest/config';

const backend = (name: 'node' | 'web') => fileURLToPath(new URL(`./src/crypto/backend.${name}.ts`, import.meta.url));
// The sandbox's listen() on the source tree: package.json's `#sandbox-serve` names dist/.
const sandboxServe = fileURLToPath(new URL('./src/testing/serve.node.ts', import.meta.url));

// The whole suite runs on the node:crypto backend (what `node` resolves to); the crypto,
// key and token tests run again on the WebCrypto backend (what Bun, Deno and Workers
// resolve to), so both backends pass the same known-answer and property tests.
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    // The core is small and everything depends on it: keep its coverage high.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/__fixtures__/**', 'src/crypto/backend-types.ts'],
      reporter: ['text-summary'],
      thresholds: { statements: 95, branches: 90, functions: 95, lines: 95 },
    },
    outputFile: { json: '.vitest-results/results.json' },
    projects: [
      {
        test: {
          ...sharedTestOptions,
          name: 'node-backend',
          typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
        },
        resolve: { alias: { '#crypto-backend': backend('node'), '#sandbox-serve': sandboxServe } },
      },
      {
        test: {
          ...sharedTestOptions,
          name: 'web-backend',
          include: ['src/crypto/crypto.test.ts', 'src/keys/**/*.test.ts', 'src/token/**/*.test.ts'],
        },
        resolve: { alias: { '#crypto-backend': backend('web'), '#sandbox-serve': sandboxServe } },
      },
    ],
  },
});
