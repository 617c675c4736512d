// House-style checks that run as tests. `unprefixedTypeErrors(srcDir, packageName)` lists every
// `new TypeError(` in a package's library source (tests, sandboxes and fixtures excluded) whose
// message does not start with `[<packageName>] `: programmer-misuse errors name their package.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== '__fixtures__') out.push(...sourceFiles(path));
    } else if (entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** `file:line` of each TypeError whose message does not start with `[packageName] `. */
export function unprefixedTypeErrors(srcDir, packageName) {
  const prefix = `[${packageName}] `;
  const found = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new TypeError\(\s*/g)) {
      const start = match.index + match[0].length;
      const quote = text[start];
      const message = quote === "'" || quote === '"' || quote === '`' ? text.slice(start + 1) : '';
      if (!message.startsWith(prefix)) {
        found.push(`${file}:${text.slice(0, match.index).split('\n').length}`);
      }
    }
  }
  return found;
}
