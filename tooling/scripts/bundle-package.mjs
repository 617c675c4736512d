#!/usr/bin/env node
// Turns a package's tsc output (dist/) into what is published (decision 17, issue 15): one
// minified ESM file per entry point of its "exports" and "imports" maps, with the code they share
// in dist/chunks/, and one declaration file per entry point, with the declarations they share in
// dist/chunks/ too. A class therefore has one declaration however many entry points export it
// (private fields make declarations of the same class in two files incompatible).
//
// Run from the package directory, after tsc: `node ../../tooling/scripts/bundle-package.mjs`.
// Bare imports (dependencies, `node:` modules) and `#` imports stay imports; the `#` targets are
// entry points of their own, so the runtime's conditions still choose between them. The build
// fails on any warning of the declaration bundler (such as a declaration that names a type no
// entry point exports).
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const dist = join(dir, 'dist');
const staging = join(dir, '.dist-tsc');

/** Every file under ./dist/ that an exports or imports map names, split into code and types. */
function targets() {
  const code = new Set();
  const types = new Set();
  const visit = (value, key) => {
    if (typeof value === 'string') {
      if (!value.startsWith('./dist/')) return;
      const file = value.slice('./dist/'.length);
      if (key === 'types' || file.endsWith('.d.ts')) types.add(file);
      else if (file.endsWith('.js')) code.add(file);
    } else if (value !== null && typeof value === 'object') {
      for (const [condition, next] of Object.entries(value)) visit(next, condition);
    }
  };
  visit(pkg.exports, undefined);
  const exported = [...types].sort();
  types.clear();
  visit(pkg.imports, undefined);
  return { code: [...code].sort(), types: exported, internalTypes: [...types].sort() };
}

const { code, types, internalTypes } = targets();
if (code.length === 0) throw new Error(`${pkg.name}: no ./dist/*.js entry point in "exports" or "imports"`);
for (const file of [...code, ...types, ...internalTypes]) {
  if (!existsSync(join(dist, file))) throw new Error(`${pkg.name}: dist/${file} is missing: run tsc first`);
}

rmSync(staging, { recursive: true, force: true });
renameSync(dist, staging);
try {
  const external = (id) => !id.startsWith('.') && !isAbsolute(id);
  await build({
    entryPoints: code.map((file) => join(staging, file)),
    outbase: staging,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // Whitespace and syntax only: identifiers are not renamed, so stack traces and util.inspect
    // show `TokenManager`, not `e`. (esbuild's keepNames would wrap every function in a call,
    // which keeps a user's bundler from dropping what the user does not import.)
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    external: ['#*'],
    logLevel: 'warning',
  });

  // The exported entry points share their declaration chunks. The `#` targets' declarations are
  // for tsc inside the package alone (no published declaration names a `#` import): each is
  // bundled on its own, so that none of its types becomes a shared export.
  for (const group of [types, ...internalTypes.map((file) => [file])]) {
    if (group.length === 0) continue;
    const bundle = await rollup({
      input: Object.fromEntries(group.map((file) => [file.replace(/\.d\.ts$/, ''), join(staging, file)])),
      external,
      plugins: [dts()],
      onwarn(warning) {
        throw new Error(`${pkg.name}: declaration bundle: ${warning.message}`);
      },
    });
    await bundle.write({
      dir: dist,
      format: 'es',
      entryFileNames: '[name].d.ts',
      chunkFileNames: 'chunks/[name]-[hash].d.ts',
    });
    await bundle.close();
  }
} catch (error) {
  // Leave the tsc output where it was, so the failure can be looked at.
  rmSync(dist, { recursive: true, force: true });
  renameSync(staging, dist);
  throw error;
}
rmSync(staging, { recursive: true, force: true });
console.log(
  `${pkg.name}: bundled ${code.length} entry points and ${types.length + internalTypes.length} declaration files into ${relative(dir, dist)}/`,
);
