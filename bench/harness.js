// A small benchmark harness that compares a candidate with its baseline *in the same run*:
// the two are measured in alternating rounds (so drift in machine load hits both alike) and
// the report gives the median of the per-round ratios.
//
// - latency: one operation at a time (await each), ns per op;
// - throughput: `inFlight` operations kept in flight, ops per second.

const now = () => Number(process.hrtime.bigint());

async function runFor(fn, durationNs, inFlight) {
  let ops = 0;
  const start = now();
  const deadline = start + durationNs;
  if (inFlight === 1) {
    while (now() < deadline) {
      for (let i = 0; i < 16; i++) await fn();
      ops += 16;
    }
  } else {
    const worker = async () => {
      while (now() < deadline) {
        await fn();
        ops += 1;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }
  return { ops, ns: now() - start };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * @param {{ name: string, baselineName: string, baseline: () => unknown, candidate: () => unknown,
 *           inFlight?: number, rounds?: number, roundMs?: number }} spec
 */
export async function compare(spec) {
  const inFlight = spec.inFlight ?? 1;
  const rounds = spec.rounds ?? 7;
  const roundNs = (spec.roundMs ?? 300) * 1e6;
  // Warm up both (JIT, key caches, thread pool).
  await runFor(spec.baseline, 100e6, inFlight);
  await runFor(spec.candidate, 100e6, inFlight);
  const base = [];
  const cand = [];
  for (let r = 0; r < rounds; r++) {
    // Which side goes first alternates too, so neither always inherits the other's garbage,
    // connections or timer backlog.
    let b;
    let c;
    if (r % 2 === 0) {
      globalThis.gc?.();
      b = await runFor(spec.baseline, roundNs, inFlight);
      globalThis.gc?.();
      c = await runFor(spec.candidate, roundNs, inFlight);
    } else {
      globalThis.gc?.();
      c = await runFor(spec.candidate, roundNs, inFlight);
      globalThis.gc?.();
      b = await runFor(spec.baseline, roundNs, inFlight);
    }
    base.push(b.ns / b.ops);
    cand.push(c.ns / c.ops);
  }
  const ratios = base.map((b, i) => cand[i] / b);
  return {
    name: spec.name,
    baselineName: spec.baselineName,
    mode: inFlight === 1 ? 'latency' : `throughput (${inFlight} in flight)`,
    baselineNsPerOp: median(base),
    candidateNsPerOp: median(cand),
    /** candidate time / baseline time: < 1 means the candidate is faster. */
    ratio: median(ratios),
  };
}

export function formatRow(result, target) {
  const ns = (v) =>
    v >= 1e6 ? `${(v / 1e6).toFixed(2)} ms` : v >= 1e3 ? `${(v / 1e3).toFixed(2)} µs` : `${v.toFixed(0)} ns`;
  const opsPerSec = (v) => `${Math.round(1e9 / v).toLocaleString('en-US')}/s`;
  const ok = target === undefined ? '' : result.ratio <= target ? 'ok' : 'MISSED';
  return `| ${result.name} | ${result.mode} | ${result.baselineName}: ${ns(result.baselineNsPerOp)} (${opsPerSec(result.baselineNsPerOp)}) | ours: ${ns(result.candidateNsPerOp)} (${opsPerSec(result.candidateNsPerOp)}) | ${result.ratio.toFixed(2)}× | ${target === undefined ? '' : `≤ ${target.toFixed(2)}×`} ${ok} |`;
}
