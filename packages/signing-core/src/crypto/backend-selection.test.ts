// Proves the package.json `imports` map picks the right backend per runtime: `node` resolves
// node:crypto, while runtimes that match an earlier condition (Bun, Deno, Workers, browsers)
// or none at all resolve WebCrypto. Runs the built package in child processes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

function backendUnder(conditions: string[]): string {
  const args = [...conditions.flatMap((c) => ['--conditions', c]), '--input-type=module', '-e'];
  const script = "import('@org/signing-core').then((m) => process.stdout.write(m.cryptoBackendName))";
  return execFileSync(process.execPath, [...args, script], { cwd: packageRoot, encoding: 'utf8' });
}

describe('crypto backend selection by export condition (built package)', () => {
  it('Node resolves the node:crypto backend', () => {
    expect(backendUnder([])).toBe('node');
  });

  it.each(['bun', 'deno', 'workerd', 'worker', 'browser'])('the %s condition resolves WebCrypto', (condition) => {
    expect(backendUnder([condition])).toBe('web');
  });
});
