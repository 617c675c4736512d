// Shared vitest settings for every package. Each package's vitest.config.ts calls
// packageConfig(import.meta.url, overrides). Results are also written as JSON to
// .vitest-results/ so tooling/scripts/run-tests.mjs can print one total for the workspace.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

/** Test settings shared by every package and every vitest project. */
export const sharedTestOptions = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  environment: 'node',
  testTimeout: 30_000,
  hookTimeout: 60_000,
  restoreMocks: true,
  unstubGlobals: true,
};

/**
 * @param {string} configUrl import.meta.url of the package's vitest.config
 * @param {import('vitest/config').UserConfig} [overrides]
 */
export function packageConfig(configUrl, overrides = {}) {
  const root = fileURLToPath(new URL('.', configUrl));
  const base = defineConfig({
    root,
    test: {
      ...sharedTestOptions,
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest-results/results.json' },
      typecheck: {
        enabled: true,
        include: ['src/**/*.test-d.ts'],
        tsconfig: './tsconfig.test.json',
      },
    },
  });
  return mergeConfig(base, overrides);
}
