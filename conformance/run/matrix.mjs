// The runtime matrix (run on the toolchain Node 24): starts the sandbox host, runs the conformance
// suite on Node 24, Node 22.12, Bun, Deno and workerd (with and without nodejs_compat), prints a
// table runtime × result and, last, `N passed, N failed` over every runtime's cases. Exits 1 when
// any cell fails. Needs the built packages (`pnpm build`). `--verbose` prints every case.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(dir, 'node_modules', '.bin', name);
const verbose = process.argv.includes('--verbose');
const RUNTIME_TIMEOUT_MS = 240_000;

/** Runs a command with a deadline; resolves with its exit code and output lines. */
function run(command, args, { timeoutMs = RUNTIME_TIMEOUT_MS, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = [];
    const collect = (stream) => createInterface({ input: stream }).on('line', (line) => lines.push(line));
    collect(child.stdout);
    collect(child.stderr);
    const timer = setTimeout(() => {
      lines.push(`not ok timed out after ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => lines.push(`not ok could not start ${command}: ${error.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, lines });
    });
  });
}

async function version(command, args, pattern) {
  const { lines } = await run(command, args, { timeoutMs: 30_000 });
  return lines.join(' ').match(pattern)?.[1] ?? '?';
}

/** The workerd that Miniflare runs (a dependency of miniflare, not of this package). */
function workerdVersion() {
  const fromMiniflare = createRequire(createRequire(join(dir, 'package.json')).resolve('miniflare'));
  return `${fromMiniflare('workerd/package.json').version} (miniflare ${fromMiniflare('miniflare/package.json').version})`;
}

/** Starts the sandbox host; resolves with its URL and a stop function. */
function startHost() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'host', 'sandbox-host.mjs')], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, HOST_MAX_SECONDS: '900' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the sandbox host did not start within 30 s'));
    }, 30_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ url: JSON.parse(line).url, stop: () => child.stdin.end() });
    });
    child.on('exit', (code) => reject(new Error(`the sandbox host exited (${code})`)));
  });
}

const started = Date.now();
const host = await startHost();
const deno = ['run', '--node-modules-dir=manual', '--allow-net=127.0.0.1', '--allow-read', '--allow-env'];
const runtimes = [
  {
    labels: ['node24'],
    name: 'Node 24',
    version: process.versions.node,
    command: process.execPath,
    args: ['run/cli.mjs', host.url, 'node24', 'node'],
  },
  {
    labels: ['node22'],
    name: 'Node 22.12',
    version: await version(join(dir, 'node_modules', 'node22', 'bin', 'node'), ['--version'], /v(\S+)/),
    command: join(dir, 'node_modules', 'node22', 'bin', 'node'),
    args: ['run/cli.mjs', host.url, 'node22', 'node'],
  },
  {
    labels: ['bun'],
    name: 'Bun',
    version: await version(bin('bun'), ['--version'], /(\d+\.\d+\.\d+)/),
    command: bin('bun'),
    args: ['run/cli.mjs', host.url, 'bun', 'web'],
  },
  {
    labels: ['deno'],
    name: 'Deno',
    version: await version(bin('deno'), ['--version'], /deno (\S+)/),
    command: bin('deno'),
    args: [...deno, 'run/cli.mjs', host.url, 'deno', 'web'],
    env: { DENO_NO_UPDATE_CHECK: '1' },
  },
  {
    labels: ['workerd', 'workerd-nodejs-compat'],
    names: { workerd: 'workerd', 'workerd-nodejs-compat': 'workerd + nodejs_compat' },
    version: workerdVersion(),
    command: process.execPath,
    args: ['run/workerd.mjs', host.url],
  },
];

const cells = [];
try {
  for (const runtime of runtimes) {
    const t0 = Date.now();
    const { code, lines } = await run(runtime.command, runtime.args, { env: runtime.env });
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    for (const line of lines) {
      if (verbose || !line.startsWith('ok ')) console.log(line);
    }
    for (const label of runtime.labels) {
      const total = lines
        .map((line) => line.match(new RegExp(`^${label}: (\\d+) passed, (\\d+) failed(?:, (\\d+) known failures)?$`)))
        .find(Boolean);
      const passed = Number(total?.[1] ?? 0);
      // No closing line (a crash): one failure, so a broken runtime can never read as green.
      const failed = total ? Number(total[2]) : 1;
      const known = Number(total?.[3] ?? 0);
      const name = runtime.names?.[label] ?? runtime.name;
      cells.push({ name, version: runtime.version, passed, failed, known, seconds });
    }
    // A non-zero exit with every count green still fails: one more failure in its last cell.
    if (code !== 0 && cells.slice(-runtime.labels.length).every((cell) => cell.failed === 0)) {
      cells.at(-1).failed = 1;
    }
  }
} finally {
  host.stop();
}

const pad = (text, width) => String(text).padEnd(width);
const rows = [['runtime', 'version', 'passed', 'failed', 'known', 'time', 'result']];
for (const cell of cells) {
  rows.push([
    cell.name,
    cell.version,
    cell.passed,
    cell.failed,
    cell.known,
    `${cell.seconds} s`,
    cell.failed === 0 ? 'ok' : 'FAILED',
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
console.log('');
console.log(
  `runtime matrix: the conformance suite on the built packages (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
for (const [i, row] of rows.entries()) {
  console.log(`| ${row.map((value, j) => pad(value, widths[j])).join(' | ')} |`);
  if (i === 0) console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
}
const passed = cells.reduce((sum, cell) => sum + cell.passed, 0);
const failed = cells.reduce((sum, cell) => sum + cell.failed, 0);
const known = cells.reduce((sum, cell) => sum + cell.known, 0);
if (known > 0) console.log(`${known} known failures (listed above; not counted as passed)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
