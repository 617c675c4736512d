import { fileURLToPath } from 'node:url';
import { packageConfig } from '@org/vitest-config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The README examples import the package by name; in tests that name means the source.
export default packageConfig(import.meta.url, {
  resolve: {
    alias: [
      { find: /^@org\/fondy-auth\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^@org\/fondy-auth$/, replacement: source('./src/index.ts') },
    ],
  },
});
