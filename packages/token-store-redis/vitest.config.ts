import { packageConfig } from '@org/vitest-config';

// The global setup installs redis-server when it is missing (apt-get) and builds this
// package's dist/ when it is stale (the multi-process tests run the built package).
export default packageConfig(import.meta.url, {
  test: { globalSetup: ['./test/global-setup.ts'] },
});
