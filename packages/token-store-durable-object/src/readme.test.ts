// Every ```ts block of README.md must appear in a file that runs it: the Worker example is
// test/readme-worker.ts, which test/durable-object.test.ts runs in workerd against the SNAP sandbox.
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { expect, it } from 'vitest';

it('every README example is tested', () => {
  expect(
    untestedReadmeBlocks(new URL('../README.md', import.meta.url).pathname, [
      new URL('../test/readme-worker.ts', import.meta.url).pathname,
    ]),
  ).toEqual([]);
});
