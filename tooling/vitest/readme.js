// "A test per README example": every ```ts block of a package README must appear verbatim
// (ignoring formatting and comments) in one of the package's test files, where it runs against the
// package's sandbox. Call assertReadmeExamplesAreTested() from a test.
import { readFileSync } from 'node:fs';

/** The TypeScript code blocks of a Markdown document. */
export function typescriptBlocks(markdown) {
  const blocks = [];
  const fence = /```(?:ts|typescript)\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(fence)) blocks.push(match[1]);
  return blocks;
}

// Formatting must not matter (the test file is formatted by biome, the README is not):
// drop comment lines and trailing comments, all whitespace, and trailing commas.
const normalise = (code) =>
  code
    .split('\n')
    .map((line) => line.replace(/\s\/\/ .*$/, '').trim())
    .filter((line) => line.length > 0 && !line.startsWith('//'))
    .join('')
    .replace(/\s+/g, '')
    .replace(/,([)\]}])/g, '$1');

/**
 * Returns the README blocks that do not appear in any of the test files (empty when all are
 * tested). Comments and formatting are ignored, so a block can sit inside an `it()`.
 */
export function untestedReadmeBlocks(readmePath, testFilePaths) {
  const tests = testFilePaths.map((path) => normalise(readFileSync(path, 'utf8'))).join('\n');
  return typescriptBlocks(readFileSync(readmePath, 'utf8')).filter((block) => !tests.includes(normalise(block)));
}
