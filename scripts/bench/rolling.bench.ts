/**
 * Rolling mean + standard deviation (window 20, ddof 1) over 10M points of a random walk around 1e4:
 * the native addon (one N-API call) against the same one-pass algorithm written as a plain TypeScript loop.
 * Value: points per second, from the median of alternating native/TypeScript samples, with fresh output arrays on
 * each call (the default API; allocation included on both sides). reused_out_*: the same with preallocated outputs
 * (`opts.out`), i.e. the computation alone. Samples alternate so that both sides see the same machine load.
 * Run: npm run bench -- rolling
 */
import os from "node:os";
import { nativeInfo, rollingMeanStd } from "../../lib/native/index.js";
import { compareIt, machine, prng, report } from "./lib.js";

const N = 10_000_000;
const WINDOW = 20;
const DDOF = 1;

/**
 * The algorithm of native/src/stats/rolling.cpp, line for line: sliding Welford on values shifted by a reference,
 * exact two-pass re-anchoring on schedule or when cancellation is detected, restart after non-finite values.
 */
function rollingMeanStdTs(
  x: Float64Array,
  window: number,
  ddof: number,
  out?: { mean: Float64Array; std: Float64Array },
): { mean: Float64Array; std: Float64Array } {
  const n = x.length;
  const mean = out?.mean ?? new Float64Array(n);
  const std = out?.std ?? new Float64Array(n);
  const invW = 1 / window;
  const hasStd = window > ddof;
  const invDenom = hasStd ? 1 / (window - ddof) : 0;
  const reanchorEvery = Math.max(window * 32, 65536);
  const errBudget = 16777216;
  let k = 0;
  let m = 0;
  let m2 = 0;
  let err = 0;
  let count = 0;
  let sinceAnchor = 0;
  let sameRun = 0;
  let lastNan = -Infinity;
  let lastPosInf = -Infinity;
  let lastNegInf = -Infinity;

  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      if (Number.isNaN(v)) lastNan = i;
      else if (v > 0) lastPosInf = i;
      else lastNegInf = i;
      count = 0;
      sameRun = 0;
    } else {
      sameRun = sameRun > 0 && v === x[i - 1] ? sameRun + 1 : 1;
      if (count < window) {
        if (count === 0) {
          k = v;
          m = 0;
          m2 = 0;
          err = 0;
          sinceAnchor = 0;
        }
        const d = v - k;
        count++;
        const delta = d - m;
        m += delta / count;
        m2 += delta * (d - m);
      } else {
        const dIn = v - k;
        const dOut = x[i - window]! - k;
        const delta = dIn - dOut;
        const next = m + delta * invW;
        const term = delta * (dIn - next + (dOut - m));
        m = next;
        m2 += term;
        err += Math.abs(term);
        if (++sinceAnchor >= reanchorEvery || err > m2 * errBudget) {
          const first = i + 1 - window;
          k = x[first]!;
          let sum = 0;
          for (let j = first; j <= i; j++) sum += x[j]! - k;
          m = sum / window;
          let ss = 0;
          let residual = 0;
          for (let j = first; j <= i; j++) {
            const dev = x[j]! - k - m;
            ss += dev * dev;
            residual += dev;
          }
          m2 = Math.max(ss - (residual * residual) / window, 0);
          err = 0;
          sinceAnchor = 0;
        }
      }
    }
    if (count === window) {
      if (sameRun >= window) {
        mean[i] = v;
        std[i] = hasStd ? 0 : NaN;
      } else {
        mean[i] = k + m;
        std[i] = hasStd ? Math.sqrt(m2 * invDenom) : NaN;
      }
    } else if (i + 1 < window || i - lastNan < window) {
      mean[i] = NaN;
      std[i] = NaN;
    } else {
      const pos = i - lastPosInf < window;
      const neg = i - lastNegInf < window;
      mean[i] = pos && neg ? NaN : pos ? Infinity : -Infinity;
      std[i] = NaN;
    }
  }
  return { mean, std };
}

const rand = prng(20240601);
const values = new Float64Array(N);
let p = 1e4;
for (let i = 0; i < N; i++) {
  p += rand() - 0.5;
  values[i] = p;
}

// The two implementations must agree before their speeds mean anything.
const ours = rollingMeanStd(values, WINDOW, { ddof: DDOF });
const theirs = rollingMeanStdTs(values, WINDOW, DDOF);
let maxRelDiff = 0;
for (let i = WINDOW - 1; i < N; i++) {
  maxRelDiff = Math.max(
    maxRelDiff,
    Math.abs(ours.mean[i]! - theirs.mean[i]!) / Math.abs(theirs.mean[i]!),
    Math.abs(ours.std[i]! - theirs.std[i]!) / theirs.std[i]!,
  );
}
if (!(maxRelDiff < 1e-9)) {
  throw new Error(`rolling.bench: native and TypeScript results differ by ${maxRelDiff} (relative), expected under 1e-9.`);
}

// Native and TypeScript samples alternate, so both see the same machine load.
// Fresh output arrays on every call (the default API): allocating and page-faulting 160 MB is part of the cost.
const { ours: native, peer: ts } = compareIt(
  () => rollingMeanStd(values, WINDOW, { ddof: DDOF }),
  () => rollingMeanStdTs(values, WINDOW, DDOF),
  { minMs: 5000, warmup: 2 },
);
// Reused output arrays: the computation alone.
const outNative = { mean: new Float64Array(N), std: new Float64Array(N) };
const outTs = { mean: new Float64Array(N), std: new Float64Array(N) };
const { ours: nativeReuse, peer: tsReuse } = compareIt(
  () => rollingMeanStd(values, WINDOW, { ddof: DDOF, out: outNative }),
  () => rollingMeanStdTs(values, WINDOW, DDOF, outTs),
  { minMs: 3000, warmup: 2 },
);
const pointsPerSecond = (ns: number) => N / (ns / 1e9);

report({
  bench: "rolling_mean_std",
  value: Math.round(pointsPerSecond(native.medianNs)),
  unit: "points/s",
  peer: "typescript-loop (same algorithm)",
  peer_value: Math.round(pointsPerSecond(ts.medianNs)),
  ratio: Number((ts.medianNs / native.medianNs).toFixed(3)),
  points: N,
  window: WINDOW,
  ddof: DDOF,
  native_best_ms: Number((native.bestNs / 1e6).toFixed(2)),
  native_median_ms: Number((native.medianNs / 1e6).toFixed(2)),
  peer_best_ms: Number((ts.bestNs / 1e6).toFixed(2)),
  peer_median_ms: Number((ts.medianNs / 1e6).toFixed(2)),
  reused_out_value: Math.round(pointsPerSecond(nativeReuse.medianNs)),
  reused_out_peer_value: Math.round(pointsPerSecond(tsReuse.medianNs)),
  reused_out_ratio: Number((tsReuse.medianNs / nativeReuse.medianNs).toFixed(3)),
  reused_out_native_best_ms: Number((nativeReuse.bestNs / 1e6).toFixed(2)),
  reused_out_peer_best_ms: Number((tsReuse.bestNs / 1e6).toFixed(2)),
  load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
  samples: native.samples,
  peer_samples: ts.samples,
  max_rel_diff: maxRelDiff,
  addon: nativeInfo().version,
  ...machine(),
});
