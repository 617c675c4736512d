import { fileURLToPath } from 'node:url';
import { packageConfig } from '@org/vitest-config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The README examples import the package by name; the tests run them against the source.
export default packageConfig(import.meta.url, {
  resolve: {
    alias: [
      { find: /^@org\/doku-partner-auth\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^@org\/doku-partner-auth$/, replacement: source('./src/index.ts') },
    ],
  },
});
