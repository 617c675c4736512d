// The README documents every command, option, environment variable, signature kind and exit
// code, and its TypeScript example runs.
import { readFileSync } from 'node:fs';
import { untestedReadmeBlocks } from '@org/vitest-config/readme';
import { describe, expect, it } from 'vitest';
import { keygenOptions } from './commands/keygen.js';
import { sandboxOptions } from './commands/sandbox.js';
import { signOptions } from './commands/sign.js';
import { tokenOptions } from './commands/token.js';
import { verifyOptions } from './commands/verify.js';
import { workbenchOptions } from './commands/workbench.js';
import { EXIT } from './exit-codes.js';
import { PROVIDERS } from './providers/provider-name.js';
import { TOKEN_PROVIDERS } from './providers/token-clients.js';
import { envName } from './settings.js';
import { KINDS } from './signatures/registry.js';

// What the example prints, captured.
const printed: unknown[][] = [];
const console = { log: (...args: unknown[]) => void printed.push(args) };

// --- README: the @org/cli/sandboxes example, at module level: it runs alone, as pasted into an .mjs file.
import { startSandboxes } from '@org/cli/sandboxes';
import { createFondyAuth } from '@org/fondy-auth';

const sandboxes = await startSandboxes(); // or startSandboxes({ portBase: 4100 })
const fondy = createFondyAuth({
  baseUrl: sandboxes.fondy.url,
  applicationId: sandboxes.fondy.applicationId,
  secretKey: sandboxes.fondy.secretKey,
});
await fondy.getToken();
console.log(sandboxes.fondy.sandbox.requests.count(sandboxes.fondy.tokenPath)); // 1
console.log(sandboxes.environment().PAYAUTH_FONDY_BASE_URL); // http://127.0.0.1:<port>
await sandboxes.close();

// ---------------------------------------------------------------------------------------------

const readmePath = new URL('../README.md', import.meta.url).pathname;
const readme = readFileSync(readmePath, 'utf8');

describe('README', () => {
  it('documents every option of every command', () => {
    const options = new Set([
      ...Object.keys(tokenOptions),
      ...Object.keys(signOptions),
      ...Object.keys(verifyOptions),
      ...Object.keys(keygenOptions),
      ...Object.keys(sandboxOptions),
      ...Object.keys(workbenchOptions),
      'help',
      'version',
      'json',
      'config',
      'no-color',
    ]);
    const undocumented = [...options].filter((name) => {
      if (readme.includes(`--${name}`)) return false;
      // `--private-key[-file]` documents --private-key and --private-key-file.
      const base = name.replace(/-file$/, '');
      return !(name.endsWith('-file') && readme.includes(`--${base}[-file]`));
    });
    expect(undocumented).toEqual([]);
  });

  it('documents every environment variable', () => {
    const names = new Set<string>();
    for (const provider of PROVIDERS) {
      const specs = [
        ...TOKEN_PROVIDERS[provider].settings,
        ...KINDS[provider].flatMap((kind) => [...kind.settings('sign', 0), ...kind.settings('verify', 0)]),
      ];
      for (const spec of specs) {
        if (spec.flagOnly) continue;
        names.add(envName(provider, spec.name));
        if (spec.fromFile) names.add(`${envName(provider, spec.name)}_FILE`);
      }
    }
    const undocumented = [...names].filter((name) => {
      if (new RegExp(`\\b${name}\\b`).test(readme)) return false;
      return !(name.endsWith('_FILE') && readme.includes(`${name.replace(/_FILE$/, '')}[_FILE]`));
    });
    expect(undocumented).toEqual([]);
  });

  it('documents every signature kind and every exit code', () => {
    for (const provider of PROVIDERS)
      for (const kind of KINDS[provider]) expect(readme).toContain(`\`${provider} ${kind.kind}\``);
    for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'));
  });

  it('runs the @org/cli/sandboxes example (through the published subpath)', () => {
    expect(printed).toEqual([[1], [sandboxes.fondy.url]]);
  });

  it('every README example is tested', () => {
    expect(untestedReadmeBlocks(readmePath, [new URL('./readme.test.ts', import.meta.url).pathname])).toEqual([]);
  });
});
