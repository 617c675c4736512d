// Runs the conformance suite in this process (Node, Bun or Deno):
//   <runtime> cli.mjs <sandbox host URL> <label> <expected crypto backend>
// One line per case, then `<label>: N passed, N failed` (the matrix reads that last line).
import { inProcessSandboxCases } from '../suite/cases/in-process-sandboxes.mjs';
import { contextFactory, hostCases, readHostInfo, runCases } from '../suite/index.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [host, label = 'runtime', expectBackend = 'web'] = args;
const exit = (code) => (globalThis.Deno ? globalThis.Deno.exit(code) : process.exit(code));

try {
  const info = await readHostInfo(host);
  const cases = [...hostCases(info), ...inProcessSandboxCases];
  const { passed, failed, known } = await runCases(cases, {
    runtime: label,
    makeContext: contextFactory(host, info, { expectBackend }),
    report: ({ name, ok, known, error, ms }) =>
      console.log(
        ok
          ? `ok ${label} ${name} (${ms} ms)`
          : known
            ? `known failure ${label} ${name}: ${known} (${error?.message ?? error})`
            : `not ok ${label} ${name}: ${error?.stack ?? error}`,
      ),
  });
  console.log(`${label}: ${passed} passed, ${failed} failed${known ? `, ${known} known failures` : ''}`);
  exit(failed === 0 ? 0 : 1);
} catch (error) {
  console.log(`not ok ${label} the suite did not start: ${error?.stack ?? error}`);
  console.log(`${label}: 0 passed, 1 failed`);
  exit(1);
}
