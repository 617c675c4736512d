// The public API, as its built declarations say, against the committed api-report.md: a change to
// an exported type shows in review. After an intended change: UPDATE_API_REPORT=1 npx vitest run src/api-report.test.ts
import { fileURLToPath } from 'node:url';
import { checkApiReport } from '@org/vitest-config/api-report';
import { publishedLayoutProblems } from '@org/vitest-config/published-layout';
import { expect, it } from 'vitest';

it('api-report.md matches the built declarations of every entry point', () => {
  expect(checkApiReport(fileURLToPath(new URL('..', import.meta.url)))).toBe('');
});

it('dist/ holds the entry points and their chunks, with one copy of each class and value', async () => {
  expect(await publishedLayoutProblems(fileURLToPath(new URL('..', import.meta.url)))).toEqual([]);
});
