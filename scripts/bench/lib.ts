/**
 * Helpers for `scripts/bench/*.bench.ts`. Each benchmark measures OmniQuant's hot path and a peer in the same run
 * and prints exactly one JSON line through `report`; `scripts/bench/run-all.mjs` (`npm run bench`) collects the
 * lines into bench-results.json.
 *
 * Ratio convention: `ratio = value / peer_value` with both expressed as throughput (higher is better, e.g.
 * points/s), so ratio > 1 means OmniQuant is faster than the peer. Benchmarks that measure a time or a cost
 * (lower is better) must convert to a throughput first or say so with `ratio_convention` in the extra fields.
 */
import os from "node:os";
/** A small deterministic PRNG (mulberry32): benchmarks use the same data on every run. */
export { mulberry32 as prng } from "../../lib/util/prng.js";

export interface TimeItOptions {
  /** Keep sampling until this much time has been spent measuring (default 1000 ms); at least 5 samples. */
  minMs?: number;
  /** Untimed calls before measuring (default 3). */
  warmup?: number;
}

export interface Timing {
  /** Fastest sample, in ns per call. */
  bestNs: number;
  /** Median sample, in ns per call. */
  medianNs: number;
  /** Calls per sample (batched so that one sample takes at least ~1 ms). */
  batch: number;
  samples: number;
}

/** Results are kept here so the engine cannot drop a call whose result is unused. */
export let sink: unknown;

/**
 * Times `fn`: warms it up, batches calls so that a sample lasts at least ~1 ms, then samples until `minMs` have
 * passed. Returns best and median nanoseconds per call.
 */
export function timeIt(fn: () => unknown, opts: TimeItOptions = {}): Timing {
  const minMs = opts.minMs ?? 1000;
  const warmup = opts.warmup ?? 3;
  for (let i = 0; i < warmup; i++) sink = fn();

  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink = fn();
    const ns = Number(process.hrtime.bigint() - t);
    if (ns >= 1e6 || batch >= 1 << 30) break;
    batch *= ns < 1e4 ? 100 : 2;
  }

  const perCall: number[] = [];
  const start = process.hrtime.bigint();
  while (perCall.length < 5 || Number(process.hrtime.bigint() - start) < minMs * 1e6) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink = fn();
    perCall.push(Number(process.hrtime.bigint() - t) / batch);
  }
  return summarize(perCall, batch);
}

function summarize(perCall: number[], batch: number): Timing {
  const sorted = [...perCall].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianNs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { bestNs: sorted[0]!, medianNs, batch, samples: sorted.length };
}

/**
 * Times `ours` and `peer` in alternating samples (ours, peer, ours, peer...), so that both see the same machine
 * load; use it for the ours-vs-peer comparison of a benchmark. One call per sample: meant for calls of a
 * millisecond or more. Samples until `minMs` have passed (at least 5 pairs).
 */
export function compareIt(ours: () => unknown, peer: () => unknown, opts: TimeItOptions = {}): { ours: Timing; peer: Timing } {
  const minMs = opts.minMs ?? 1000;
  const warmup = opts.warmup ?? 3;
  for (let i = 0; i < warmup; i++) {
    sink = ours();
    sink = peer();
  }
  const a: number[] = [];
  const b: number[] = [];
  const start = process.hrtime.bigint();
  while (a.length < 5 || Number(process.hrtime.bigint() - start) < minMs * 1e6) {
    let t = process.hrtime.bigint();
    sink = ours();
    a.push(Number(process.hrtime.bigint() - t));
    t = process.hrtime.bigint();
    sink = peer();
    b.push(Number(process.hrtime.bigint() - t));
  }
  return { ours: summarize(a, 1), peer: summarize(b, 1) };
}

export interface BenchReport {
  /** Benchmark name, e.g. "rolling_mean_std". */
  bench: string;
  /** OmniQuant's measurement, as a throughput (higher is better). */
  value: number;
  /** Unit of value and peer_value, e.g. "points/s". */
  unit: string;
  /** What we compare against, e.g. "typescript-loop". */
  peer: string;
  peer_value: number;
  /** value / peer_value; computed when omitted. */
  ratio?: number;
  [extra: string]: unknown;
}

/** Prints one benchmark result as exactly one JSON line on stdout (with the ratio filled in) and returns it. */
export function report(result: BenchReport): BenchReport & { ratio: number } {
  const { bench, value, unit, peer, peer_value, ratio, ...extra } = result;
  const line = { bench, value, unit, peer, peer_value, ratio: ratio ?? value / peer_value, ...extra };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line;
}

/** A compact description of this machine, for humans reading a bench line on its own. */
export function machine(): { cpu: string; cores: number; node: string } {
  return { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version };
}

