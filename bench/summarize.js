// Folds the output of several complete runs of run.js into one Markdown table: every figure as
// median [min–max] over the runs, and the machine's load at the start and end of each run.
// Usage: node summarize.js run-1.md run-2.md run-3.md
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node summarize.js <run output>...');
  process.exit(1);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const toNs = (text) => {
  const [, value, unit] = /([\d.]+) (ns|µs|ms)/.exec(text) ?? [];
  return Number(value) * { ns: 1, µs: 1e3, ms: 1e6 }[unit];
};
const time = (ns) =>
  ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
const spread = (values, format) =>
  `${format(median(values))} [${format(Math.min(...values))}–${format(Math.max(...values))}]`;

const rows = new Map();
const runs = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const header = /Node (v[\d.]+)/.exec(text)?.[1] ?? '?';
  const started = /started (\S+); load average \(1, 5, 15 min\): ([\d., ]+)/.exec(text);
  const finished = /finished (\S+); load average \(1, 5, 15 min\): ([\d., ]+)/.exec(text);
  runs.push({ file, node: header, started: started?.[1], loadStart: started?.[2], loadEnd: finished?.[2] });
  // A row is known by its name, mode and place among the rows of that name and mode: the RSA
  // rows' baseline is whichever runtime primitive was faster in that run.
  const seen = new Map();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 8 || !/×$/.test(cells[5] ?? '')) continue;
    const [, name, mode, baseline, ours, ratio, target] = cells;
    const baselineName = baseline.slice(0, baseline.lastIndexOf(':'));
    const place = seen.get(`${name}\u0000${mode}`) ?? 0;
    seen.set(`${name}\u0000${mode}`, place + 1);
    const key = `${name}\u0000${mode}\u0000${place}`;
    const row = rows.get(key) ?? {
      name,
      mode,
      baselineNames: new Set(),
      target: target.replace(/\s*(ok|MISSED)$/, ''),
      b: [],
      c: [],
      r: [],
    };
    row.baselineNames.add(baselineName);
    row.b.push(toNs(baseline));
    row.c.push(toNs(ours));
    row.r.push(Number(ratio.replace('×', '')));
    rows.set(key, row);
  }
}

console.log('| run | Node | started (UTC) | load average at start (1, 5, 15 min) | at end |');
console.log('|---|---|---|---|---|');
runs.forEach((run, i) => {
  console.log(`| ${i + 1} | ${run.node} | ${run.started ?? '?'} | ${run.loadStart ?? '?'} | ${run.loadEnd ?? '?'} |`);
});
console.log('');
console.log('| benchmark | mode | baseline | baseline time | ours | ours/baseline time | target |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows.values()) {
  const limit = Number(/([\d.]+)×/.exec(row.target)?.[1]);
  const within = row.r.filter((ratio) => ratio <= limit).length;
  const verdict = Number.isNaN(limit)
    ? ''
    : `${row.target} ${median(row.r) <= limit ? 'met' : 'missed'} (${within} of ${row.r.length} runs within)`;
  console.log(
    `| ${row.name} | ${row.mode} | ${[...row.baselineNames].join(' / ')} | ${spread(row.b, time)} | ${spread(row.c, time)} | ${spread(row.r, (v) => `${v.toFixed(2)}×`)} | ${verdict} |`,
  );
}
