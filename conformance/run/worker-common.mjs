// The Worker side of the workerd run: a fetch handler that runs the suite against the sandbox
// host (env.HOST_URL) and answers with every result as JSON.
import { contextFactory, readHostInfo, runCases } from '../suite/index.mjs';

export function suiteWorker(label, casesOf) {
  return {
    async fetch(_request, env) {
      const results = [];
      try {
        const info = await readHostInfo(env.HOST_URL);
        const totals = await runCases(casesOf(info), {
          runtime: label,
          makeContext: contextFactory(env.HOST_URL, info, { expectBackend: 'web' }),
          report: ({ name, ok, known, error, ms }) =>
            results.push({
              name,
              ok,
              known,
              ms,
              error: error === undefined ? undefined : String(error?.stack ?? error),
            }),
        });
        return Response.json({ ...totals, results });
      } catch (error) {
        results.push({ name: 'the suite did not start', ok: false, error: String(error?.stack ?? error) });
        return Response.json({ passed: 0, failed: 1, known: 0, results });
      }
    },
  };
}
