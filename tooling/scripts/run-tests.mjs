#!/usr/bin/env node
// Runs every package's vitest suite through turbo, then prints one closing line,
// `N passed, N failed`, summed over the JSON results each package wrote to
// .vitest-results/results.json. A package that ran but left no results counts as one
// failure, so a crashed suite can never read as green.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const groups = ['packages', 'tooling', 'examples', 'bench'];
const testable = [];
for (const group of groups) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  const entries = group === 'bench' ? [''] : readdirSync(dir);
  for (const name of entries) {
    const pkgDir = join(dir, name);
    const manifest = join(pkgDir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.scripts?.test) testable.push({ name: pkg.name, dir: pkgDir });
  }
}
for (const { dir } of testable) rmSync(join(dir, '.vitest-results'), { recursive: true, force: true });

const extra = process.argv.slice(2);
// --continue: one failing suite must not stop the others, so the total counts every suite.
const turbo = spawnSync('turbo', ['run', 'test', '--concurrency=1', '--continue', ...extra], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});

let passed = 0;
let failed = 0;
let skipped = 0;
const failedTests = [];
const firstLine = (text) => (text ?? 'no message').split('\n', 1)[0].slice(0, 300);
for (const { name, dir } of testable) {
  const file = join(dir, '.vitest-results', 'results.json');
  if (!existsSync(file)) {
    console.error(`[run-tests] ${name}: no results written (suite crashed or did not run)`);
    failed += 1;
    continue;
  }
  const results = JSON.parse(readFileSync(file, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
  // A suite file that failed to load has no test results but does fail.
  const brokenFiles = results.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  failed += brokenFiles;
  for (const suite of results.testResults) {
    const where = `${name} ${relative(dir, suite.name)}`;
    const failures = suite.assertionResults.filter((test) => test.status === 'failed');
    if (suite.status === 'failed' && failures.length === 0) failedTests.push(`${where}: ${firstLine(suite.message)}`);
    for (const test of failures)
      failedTests.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
  }
}
// The failures again, right above the total: CI logs are often read from the end.
for (const line of failedTests) console.error(`[run-tests] failed: ${line}`);
if (turbo.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && turbo.status === 0 ? 0 : 1);
