// Child processes for the release check: every one has a timeout, runs in its own process group
// (so a timeout or an exit kills its children too), and is killed when the check exits.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const live = new Set();

/** Kills every process group still running (synchronous: usable from an exit handler). */
export function killAll() {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/**
 * Runs a command; resolves with { code, stdout, stderr, timedOut, ms } (never rejects on a
 * non-zero exit). Output is kept up to 1 MB per stream.
 */
export function run(command, args, { cwd, env = process.env, timeoutMs = 120_000, input } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (text, chunk) => (text.length < 1_000_000 ? text + chunk : text);
    child.stdout.on('data', (chunk) => {
      stdout = keep(stdout, chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr = keep(stderr, chunk);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const finish = (code) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code: timedOut ? null : code, stdout, stderr, timedOut, ms: Date.now() - started });
    };
    child.on('error', (error) => {
      stderr += String(error);
      finish(-1);
    });
    child.on('close', (code) => finish(code));
    child.stdin.on('error', () => {}); // a child that exits before reading its input
    child.stdin.end(input ?? '');
  });
}

/** Starts a long-running process (a server); stop it with stop(). Output goes to `logFd`. */
export function start(command, args, { cwd, env = process.env, logFd } = {}) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', logFd, logFd] });
  live.add(child);
  return {
    child,
    stop() {
      live.delete(child);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it resolves true, for at most `timeoutMs`. */
export async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `task` over `items` with at most `limit` at a time; resolves with the results in order. */
export async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The last lines of a command's output, for a failure report. */
export function tail(result, lines = 12) {
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim();
  const kept = text.split('\n').slice(-lines).join('\n');
  return result.timedOut ? `timed out after ${result.ms} ms\n${kept}` : kept;
}
