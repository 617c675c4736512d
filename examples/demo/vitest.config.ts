import { packageConfig } from '@org/vitest-config';

export default packageConfig(import.meta.url, { test: { include: ['*.test.ts'] } });
