/**
 * Runs once before the suite: makes sure redis-server is installed (installing the Debian
 * package when it is missing, so nothing is ever skipped), and that dist/ is built from the
 * current sources, because the multi-process tests run the built package in child processes.
 * Its teardown stops any redis-server a crashed or killed test worker left running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRedisServer, killLeftoverServers, RUN_DIR_VARIABLE } from './redis-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.includes('.test')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): () => void {
  findRedisServer();
  const runDir = mkdtempSync(join(tmpdir(), 'token-store-redis-run-'));
  process.env[RUN_DIR_VARIABLE] = runDir;

  const core = join(root, 'node_modules', '@org', 'signing-core', 'dist', 'index.js');
  if (!existsSync(core)) {
    throw new Error('@org/signing-core is not built: run `npm run build` in packages/signing-core (or `pnpm build`)');
  }
  const built = join(root, 'dist', 'index.js');
  const sources = Math.max(newestSource(join(root, 'src')), statSync(join(root, 'tsconfig.build.json')).mtimeMs);
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    console.log('[token-store-redis] dist/ is missing or older than src/: building it for the multi-process tests');
    const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building @org/token-store-redis failed');
  }

  return () => {
    const killed = killLeftoverServers(runDir);
    if (killed > 0) console.warn(`[token-store-redis] stopped ${killed} redis-server(s) left behind by a test worker`);
    rmSync(runDir, { recursive: true, force: true });
  };
}
