// The published layout of a bundled package (tooling/scripts/bundle-package.mjs, decision 17):
// dist/ holds the files its "exports" and "imports" maps name and their shared chunks, nothing
// else; every relative import between them resolves; each class is declared in one declaration
// file; and a value that two entry points export is the same object in both (one copy of each
// class, so `instanceof` holds whichever entry point a caller imported it from).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Every ./dist/ path a map names, with the condition it is named under. */
function mapTargets(map, out = []) {
  const visit = (value, condition) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/')) out.push({ file: value.slice(2), condition });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, next] of Object.entries(value)) visit(next, key);
    }
  };
  visit(map, undefined);
  return out;
}

/** What is wrong with the built dist/ of the package in `packageDir`: [] when nothing. */
export async function publishedLayoutProblems(packageDir) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const dist = join(packageDir, 'dist');
  const problems = [];
  const named = new Set([...mapTargets(pkg.exports), ...mapTargets(pkg.imports)].map(({ file }) => file));
  const files = filesUnder(dist).map((file) => relative(packageDir, file));
  for (const file of files) {
    if (!named.has(file) && !file.startsWith('dist/chunks/'))
      problems.push(`${file}: neither an entry point nor a chunk`);
  }
  for (const file of named)
    if (!existsSync(join(packageDir, file))) problems.push(`${file}: named by package.json, missing`);

  const classes = new Map();
  for (const file of files) {
    const text = readFileSync(join(packageDir, file), 'utf8');
    for (const [, fromSpecifier, importSpecifier] of text.matchAll(
      /\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    )) {
      const specifier = fromSpecifier ?? importSpecifier;
      if (specifier === undefined) continue;
      // A declaration file's `./x.js` is `./x.d.ts`.
      const target = file.endsWith('.d.ts') ? specifier.replace(/\.js$/, '.d.ts') : specifier;
      if (!existsSync(resolve(dirname(join(packageDir, file)), target)))
        problems.push(`${file}: imports ${specifier}, which is not there`);
    }
    if (file.endsWith('.d.ts')) {
      for (const [, name] of text.matchAll(/^(?:export )?declare (?:abstract )?class (\w+)/gm)) {
        classes.set(name, [...(classes.get(name) ?? []), file]);
      }
    }
  }
  for (const [name, where] of classes) {
    if (where.length > 1) problems.push(`class ${name} is declared in ${where.length} files: ${where.join(', ')}`);
  }

  const seen = new Map();
  for (const { file, condition } of mapTargets(pkg.exports)) {
    if (condition !== 'default' || !file.endsWith('.js')) continue;
    const module = await import(pathToFileURL(join(packageDir, file)).href);
    for (const [name, value] of Object.entries(module)) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
      const earlier = seen.get(name);
      if (earlier === undefined) seen.set(name, { file, value });
      else if (earlier.value !== value) problems.push(`${name}: ${earlier.file} and ${file} export different copies`);
    }
  }
  return problems;
}
