// API reports: each package's public surface, read from its built declarations (dist/*.d.ts) with
// the TypeScript compiler, written to `<package>/api-report.md` and checked by a test, so that a
// change to an exported type shows in review as a change to that file. Every entry point of the
// package's "exports" map is reported; comments are dropped, declarations printed as tsc wrote them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The entry points of a package's "exports" map that have declarations: [subpath, .d.ts path]. */
function entries(packageDir, pkg) {
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (target !== null && typeof target === 'object' && typeof target.types === 'string') {
      out.push([subpath, resolve(packageDir, target.types)]);
    }
  }
  return out;
}

function declarationText(declaration) {
  const source = declaration.getSourceFile();
  let node = declaration;
  // `export declare const x: T;` is reported as a statement, not as the bare `x: T`.
  if (ts.isVariableDeclaration(node)) node = node.parent.parent;
  const text = printer.printNode(ts.EmitHint.Unspecified, node, source);
  return text.replace(/^export (declare )?/, '').replace(/^declare /, '');
}

/** The report text of the package in `packageDir` (its dist must be built). */
export function apiReport(packageDir) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const points = entries(packageDir, pkg);
  for (const [subpath, file] of points) {
    if (!existsSync(file))
      throw new Error(`${pkg.name}${subpath.slice(1)}: ${file} is missing (build the package first)`);
  }
  const program = ts.createProgram(
    points.map(([, file]) => file),
    {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    },
  );
  const checker = program.getTypeChecker();
  const sections = [];
  for (const [subpath, file] of points) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const lines = [];
    const exported = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
    for (const symbol of [...exported].sort((a, b) => a.name.localeCompare(b.name))) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declarations = target.declarations ?? [];
      for (const declaration of declarations) {
        const text = declarationText(declaration);
        const named = target.name === symbol.name ? '' : `// exported as ${symbol.name}\n`;
        lines.push(`${named}${text}`);
      }
    }
    sections.push(
      `## \`${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}\`\n\n\`\`\`ts\n${lines.join('\n\n')}\n\`\`\`\n`,
    );
  }
  return `# API report: ${pkg.name}\n\nGenerated from \`dist/*.d.ts\` by the package's \`api-report\` test. Do not edit: after a\nchange to the public API, run \`UPDATE_API_REPORT=1 npx vitest run src/api-report.test.ts\` in the package\nand review the diff.\n\n${sections.join('\n')}`;
}

/**
 * Compares the package's report with its committed `api-report.md`, or writes it when the
 * environment sets `UPDATE_API_REPORT=1`. Returns '' when they agree, else where they first differ.
 */
export function checkApiReport(packageDir) {
  const path = join(packageDir, 'api-report.md');
  const report = apiReport(packageDir);
  if (process.env.UPDATE_API_REPORT === '1') {
    writeFileSync(path, report);
    return '';
  }
  if (!existsSync(path)) return `${path} is missing: run with UPDATE_API_REPORT=1 to create it`;
  const committed = readFileSync(path, 'utf8');
  if (committed === report) return '';
  const a = committed.split('\n');
  const b = report.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line += 1;
  return `api-report.md is out of date from line ${line + 1}:\n- ${a[line] ?? '(end)'}\n+ ${b[line] ?? '(end)'}\nIf the API change is intended, run with UPDATE_API_REPORT=1 and commit the report.`;
}
