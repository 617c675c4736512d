// Builds the workbench page (`payauth workbench`) into dist/workbench/: the page script bundled
// with esbuild for the browser (the "browser" condition picks @org/signing-core's WebCrypto
// backend and the CLI's own browser modules), next to its HTML, stylesheet and icon. Run by the
// package's build script after tsc; the command serves these files as they are.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const source = fileURLToPath(new URL('../src/workbench/', import.meta.url));
const out = fileURLToPath(new URL('../dist/workbench/', import.meta.url));
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [`${source}main.ts`],
  outfile: `${out}workbench.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['browser'],
  target: ['es2022'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'workbench.css', 'favicon.svg']) copyFileSync(`${source}${file}`, `${out}${file}`);

const kib = (file) => `${(statSync(`${out}${file}`).size / 1024).toFixed(0)} KiB`;
console.log(`workbench page: dist/workbench/workbench.js ${kib('workbench.js')}`);
