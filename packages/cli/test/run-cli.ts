// Runs `node dist/bin.js …` as a subprocess, with a clean environment (no PAYAUTH_* from the
// machine running the tests) and a working directory without a payauth.config.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly input?: string;
  /** Called once the process is running (e.g. to send it a signal later). */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with each chunk of stdout. */
  readonly onStdout?: (text: string, child: ChildProcess) => void;
}

/** A fresh empty directory. */
export const tempDir = (prefix = 'payauth-test-') => mkdtempSync(join(tmpdir(), prefix));

const emptyCwd = tempDir('payauth-cwd-');

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? emptyCwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.(child);
    child.stdin.end(options.input ?? '');
  });
}
