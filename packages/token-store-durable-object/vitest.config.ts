import { packageConfig } from '@org/vitest-config';

// The tests run the built package inside workerd (Miniflare): test/miniflare.ts bundles
// test/worker.ts with esbuild from dist/, so build before testing (`npm test` does).
export default packageConfig(import.meta.url);
