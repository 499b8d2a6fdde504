/**
 * Bar engine, vectorised path: a moving-average crossover sweep of 1,000 (fast, slow) parameter sets over 20 assets
 * x 10 years (2,520 days) of daily closes (seeded random walks on a 1/64 grid), long-only, 5 bps per unit traded,
 * metrics per set (total return, Sharpe, max drawdown, trades). Value: bar-steps per second (parameter sets x assets
 * x days = 50.4M per sweep), one thread, from the median of alternating samples.
 * Peer: the same algorithm (prefix sums per asset shared across parameter sets, O(1) per bar-step) as a plain
 * TypeScript loop, `maCrossoverSweepTs`, in the same run. Also reported: the naive TypeScript loop a user might
 * write first (fresh rolling means per parameter set, each window summed afresh) on a subset of parameter sets, and
 * the native kernel on two threads.
 * Run: npm run bench -- bars
 */
import os from "node:os";
import { maCrossoverSweepNaive, maCrossoverSweepSync, maCrossoverSweepTs, type MaSweepResult } from "../../lib/backtest/bars/ma-crossover-sweep.js";
import { nativeInfo } from "../../lib/native/index.js";
import { compareIt, machine, prng, report, timeIt } from "./lib.js";

const ASSETS = 20;
const DAYS = 2520;
const FAST = Array.from({ length: 40 }, (_, i) => 2 + i); // 2..41
const SLOW = Array.from({ length: 25 }, (_, j) => 20 + 10 * j); // 20..260
const COST_BPS = 5;

const rand = prng(20241122);
const closes = new Float64Array(ASSETS * DAYS);
for (let a = 0; a < ASSETS; a++) {
  let p = 50 + 100 * rand();
  for (let t = 0; t < DAYS; t++) {
    p *= Math.exp((rand() - 0.5) * 0.04);
    closes[a * DAYS + t] = Math.round(p * 64) / 64;
  }
}
const fast = new Int32Array(FAST.length * SLOW.length);
const slow = new Int32Array(FAST.length * SLOW.length);
FAST.forEach((f, i) =>
  SLOW.forEach((s, j) => {
    fast[i * SLOW.length + j] = f;
    slow[i * SLOW.length + j] = s;
  }),
);
const PARAMS = fast.length;
const STEPS = PARAMS * ASSETS * DAYS;
const opts = { costBps: COST_BPS };

/** Largest absolute difference over every metric (NaN against NaN counts as equal, NaN against a number as Infinity). */
function maxDiff(a: MaSweepResult, b: MaSweepResult, n: number): number {
  let d = 0;
  for (const key of ["totalReturn", "sharpe", "maxDrawdown", "trades"] as const) {
    for (let i = 0; i < n; i++) {
      const x = a[key][i]!;
      const y = b[key][i]!;
      d = Math.max(d, Number.isNaN(x) && Number.isNaN(y) ? 0 : x === y ? 0 : Number.isNaN(x - y) ? Infinity : Math.abs(x - y));
    }
  }
  return d;
}

// The implementations must agree before their speeds mean anything.
const native = maCrossoverSweepSync(closes, ASSETS, fast, slow, opts);
const ts = maCrossoverSweepTs(closes, ASSETS, fast, slow, opts);
const NAIVE_SETS = 25;
const naiveFast = fast.slice(0, NAIVE_SETS * 40).filter((_, i) => i % 40 === 0);
const naiveSlow = slow.slice(0, NAIVE_SETS * 40).filter((_, i) => i % 40 === 0);
const nativeSubset = maCrossoverSweepSync(closes, ASSETS, naiveFast, naiveSlow, opts);
const naive = maCrossoverSweepNaive(closes, ASSETS, naiveFast, naiveSlow, opts);
const diff = Math.max(maxDiff(native, ts, PARAMS), maxDiff(nativeSubset, naive, naiveFast.length));
if (!(diff < 1e-9)) throw new Error(`bars.bench: native and TypeScript sweeps differ by ${diff}, expected under 1e-9.`);

const { ours, peer } = compareIt(
  () => maCrossoverSweepSync(closes, ASSETS, fast, slow, opts),
  () => maCrossoverSweepTs(closes, ASSETS, fast, slow, opts),
  { minMs: 8000, warmup: 2 },
);
const naiveTiming = timeIt(() => maCrossoverSweepNaive(closes, ASSETS, naiveFast, naiveSlow, opts), { minMs: 2000, warmup: 1 });
const twoThreads = timeIt(() => maCrossoverSweepSync(closes, ASSETS, fast, slow, { ...opts, threads: 2 }), { minMs: 2000, warmup: 1 });
const rate = (steps: number, ns: number) => Math.round(steps / (ns / 1e9));

report({
  bench: "bars_ma_crossover_sweep",
  value: rate(STEPS, ours.medianNs),
  unit: "bar-steps/s",
  peer: "typescript-loop (same prefix-sum algorithm)",
  peer_value: rate(STEPS, peer.medianNs),
  ratio: Number((peer.medianNs / ours.medianNs).toFixed(3)),
  target: "100M bar-steps/s per core",
  parameter_sets: PARAMS,
  assets: ASSETS,
  days: DAYS,
  bar_steps: STEPS,
  native_best_ms: Number((ours.bestNs / 1e6).toFixed(1)),
  native_median_ms: Number((ours.medianNs / 1e6).toFixed(1)),
  peer_best_ms: Number((peer.bestNs / 1e6).toFixed(1)),
  peer_median_ms: Number((peer.medianNs / 1e6).toFixed(1)),
  naive_ts_value: rate(naiveFast.length * ASSETS * DAYS, naiveTiming.medianNs),
  naive_ts_parameter_sets: naiveFast.length,
  native_2_threads_value: rate(STEPS, twoThreads.medianNs),
  samples: ours.samples,
  max_abs_diff: diff,
  load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
  addon: nativeInfo().version,
  ...machine(),
});
