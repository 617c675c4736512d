import { fileURLToPath } from 'node:url';
import { packageConfig } from '@org/vitest-config';

// README examples import the package by its published name; in tests that name resolves to
// the sources (tsconfig.test.json maps it the same way for the type checker).
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default packageConfig(import.meta.url, {
  resolve: {
    alias: [
      { find: /^@org\/snap-auth\/server$/, replacement: source('./src/server/index.ts') },
      { find: /^@org\/snap-auth\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^@org\/snap-auth$/, replacement: source('./src/index.ts') },
    ],
  },
});
