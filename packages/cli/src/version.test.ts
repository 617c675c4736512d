import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCli } from '../test/run-cli.js';
import { VERSION } from './version.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

it('VERSION is the version in package.json', () => {
  expect(VERSION).toBe(pkg.version);
});

it('the built bin prints the version in package.json', async () => {
  const result = await runCli(['--version']);
  expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  expect((await runCli(['--help'])).stdout).toContain(`payauth ${pkg.version}:`);
});
