#!/usr/bin/env node
// Entry point for `npm test` and `npm run demo` on a machine that has only Node and npm.
// 1. Installs the pinned pnpm (from package.json#packageManager) through npx, and the
//    workspace (frozen lockfile) when node_modules is missing or older than the lockfile.
// 2. Runs the named root script through pnpm, which puts node_modules/.bin first on PATH,
//    so the script runs on the pinned toolchain Node (the `node` devDependency), not the
//    system Node.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = process.argv[2];
if (!script) {
  console.error('usage: bootstrap.mjs <root script> [args...]');
  process.exit(2);
}
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const pnpm = (args) =>
  spawnSync(npx, ['--yes', packageManager, ...args], { cwd: root, stdio: 'inherit', env: process.env });

const marker = join(root, 'node_modules', '.modules.yaml');
const lockfile = join(root, 'pnpm-lock.yaml');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lockfile).mtimeMs;
if (stale) {
  const install = pnpm(['install', '--frozen-lockfile']);
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const run = pnpm(['run', script, ...process.argv.slice(3)]);
process.exit(run.status ?? 1);
