// Runs the test Workers in workerd through Miniflare: bundles them with esbuild from the built
// packages (the `workerd`/`worker`/`browser` conditions, as wrangler does, so the core takes its
// WebCrypto backend), without nodejs_compat, and binds the Durable Object classes.
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';

const COMPATIBILITY_DATE = '2025-09-01';

export async function bundle(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text ?? '';
  // The store must run on Web APIs alone: no node: import may reach the bundle.
  if (/from\s*["']node:|import\(\s*["']node:/.test(text))
    throw new Error(`${entry}: the bundle imports a node: module`);
  return text;
}

export interface Workers {
  readonly mf: Miniflare;
  /** POSTs `body` as JSON to the ops Worker and returns its JSON answer. */
  ops(body: unknown): Promise<unknown>;
  /** GETs the README Worker. */
  readme(): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startWorkers(bindings: Record<string, string>): Promise<Workers> {
  const [readmeScript, opsScript] = await Promise.all([bundle('./readme-worker.ts'), bundle('./ops-worker.ts')]);
  const mf = new Miniflare({
    workers: [
      {
        name: 'readme',
        modules: true,
        script: readmeScript,
        compatibilityDate: COMPATIBILITY_DATE,
        bindings,
        durableObjects: { PAYAUTH_TOKENS: 'TokenStoreDurableObject' },
      },
      {
        name: 'ops',
        modules: true,
        script: opsScript,
        compatibilityDate: COMPATIBILITY_DATE,
        durableObjects: { TOKENS: 'TokenStoreDurableObject', BROKEN: 'BrokenObject', SILENT: 'SilentObject' },
      },
    ],
  });
  await mf.ready;
  // Miniflare types a Worker's fetch with its own undici Request: reached through this shape.
  type WorkerFetch = {
    fetch(url: string, init: { method?: string; body?: string; signal: AbortSignal }): Promise<Response>;
  };
  const readmeWorker = (await mf.getWorker('readme')) as unknown as WorkerFetch;
  const opsWorker = (await mf.getWorker('ops')) as unknown as WorkerFetch;
  return {
    mf,
    async ops(body) {
      const response = await opsWorker.fetch('http://ops.invalid/ops', {
        method: 'POST',
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`ops Worker: HTTP ${response.status}: ${await response.text()}`);
      return response.json();
    },
    readme: () =>
      readmeWorker.fetch('http://shop.invalid/', {
        signal: AbortSignal.timeout(60_000),
      }) as unknown as Promise<Response>,
    dispose: () => mf.dispose(),
  };
}
