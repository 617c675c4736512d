// Runs the suite on workerd through Miniflare (run on Node 24):
//   node workerd.mjs <sandbox host URL>
// Bundles two Workers with esbuild (the `workerd`/`worker`/`browser` conditions, as wrangler
// does): one without nodejs_compat, which must contain no `node:` import at all, and one with
// nodejs_compat that also serves the provider sandboxes in-process. Prints one line per case and
// one `<label>: N passed, N failed` line per Worker.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';

const here = dirname(fileURLToPath(import.meta.url));
const host = process.argv[2];
const only = process.argv[3]; // optional: one label
const COMPATIBILITY_DATE = '2025-09-01';

async function bundle(entry, nodeCompat) {
  const result = await esbuild.build({
    entryPoints: [join(here, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: nodeCompat ? ['node:*'] : [],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  if (!nodeCompat && /from\s*["']node:|import\(\s*["']node:/.test(text)) {
    throw new Error(`${entry}: the bundle imports a node: module`);
  }
  return text;
}

const workers = [
  { label: 'workerd', entry: 'worker-web.mjs', nodeCompat: false },
  { label: 'workerd-nodejs-compat', entry: 'worker-compat.mjs', nodeCompat: true },
].filter((worker) => !only || worker.label === only);

let exitCode = 0;
for (const worker of workers) {
  let mf;
  try {
    const script = await bundle(worker.entry, worker.nodeCompat);
    mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: worker.nodeCompat ? ['nodejs_compat'] : [],
      bindings: { HOST_URL: host },
    });
    const response = await mf.dispatchFetch('http://conformance.invalid/', { signal: AbortSignal.timeout(180_000) });
    const { passed, failed, known, results } = await response.json();
    for (const { name, ok, known: why, error, ms } of results) {
      console.log(
        ok
          ? `ok ${worker.label} ${name} (${ms} ms)`
          : why
            ? `known failure ${worker.label} ${name}: ${why}`
            : `not ok ${worker.label} ${name}: ${error}`,
      );
    }
    console.log(`${worker.label}: ${passed} passed, ${failed} failed${known ? `, ${known} known failures` : ''}`);
    if (failed > 0) exitCode = 1;
  } catch (error) {
    console.log(`not ok ${worker.label} the Worker did not run: ${error?.stack ?? error}`);
    console.log(`${worker.label}: 0 passed, 1 failed`);
    exitCode = 1;
  } finally {
    await mf?.dispose();
  }
}
process.exit(exitCode);
