import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the quick start runs and shows caching, single-flight and an accepted signature', () => {
  const output = execFileSync(process.execPath, [fileURLToPath(new URL('./index.js', import.meta.url))], {
    encoding: 'utf8',
  });
  expect(output).toMatch(/100 concurrent getToken\(\) calls\s+1 token request/);
  expect(output).toMatch(/one more getToken\(\) call\s+1 token request \(cached\)/);
  expect(output).toMatch(/signed POST \/pay\s+accepted by the sandbox/);
  expect(output).not.toContain('token-1');
});
