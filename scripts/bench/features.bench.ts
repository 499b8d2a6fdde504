/**
 * SMA(20), EMA(20) and RSI(14) over 10M points of a random walk around 1e4: omniquant/features (native, one N-API
 * call per series) against technicalindicators 3.1 (`X.calculate` on a plain array, its batch API) and
 * trading-signals 8.3 (`new X(period)` then `update(price, false)` per point: its fastest documented way, faster
 * than `add()` and than the batch `updates()`, which maps into an array; 8.x has no separate Faster* classes, its
 * classes are already plain-number ones). The peers get a plain number[] (what they are written for) and produce
 * no output series (trading-signals keeps only the last value), so they do strictly less work than we do.
 *
 * Ours, measured in the same alternating loop as the peer (ours_out, ours_alloc, ours_1thread, peer, repeat):
 *   value        `sma(x, 20, { out })`: into a reused Float64Array - how a loop over many series or parameters
 *                runs, and the computation itself (read 80 MB, write 80 MB);
 *   alloc_value  `sma(x, 20)`: a fresh 80 MB Float64Array per call (allocation and page faults included);
 *   one_thread_value  the `out` path limited to one thread (featureKernels({ threads: 1 })).
 * Value: points/s from the median sample; ratio = ours / peer (higher is better for us).
 * Peers run on all 10M points unless one sample would exceed a minute, in which case on 1M (see peer_points).
 * Run: npm run bench -- features
 */
import os from "node:os";
import * as ti from "technicalindicators";
import { EMA as TsEMA, RSI as TsRSI, SMA as TsSMA } from "trading-signals";
import { featureKernels } from "../../lib/features/addon.js";
import { ema, rsi, sma } from "../../lib/features/index.js";
import { nativeInfo } from "../../lib/native/index.js";
import { machine, prng, report } from "./lib.js";

const N = 10_000_000;
const rand = prng(20240601);
const values = new Float64Array(N);
let p = 1e4;
for (let i = 0; i < N; i++) {
  p += rand() - 0.5;
  values[i] = p;
}
const plain = Array.from(values);

type Peer = { name: string; run: (x: number[]) => unknown; check: (x: number[]) => number[] };
function tsLoop(make: () => { update(v: number, replace: boolean): unknown }) {
  return (x: number[]) => {
    const ind = make();
    let last: unknown;
    for (let i = 0; i < x.length; i++) last = ind.update(x[i]!, false);
    return last;
  };
}
function tsValues(make: () => { update(v: number, replace: boolean): unknown }) {
  return (x: number[]) => {
    const ind = make();
    const out: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const v = ind.update(x[i]!, false);
      if (v !== null && v !== undefined) out.push(Number(v));
    }
    return out;
  };
}

const cases: { bench: string; ours: (x: Float64Array, out?: Float64Array) => Float64Array; period: number; peers: Peer[] }[] = [
  {
    bench: "features_sma20",
    ours: (x, out) => sma(x, 20, { out }),
    period: 20,
    peers: [
      { name: "technicalindicators", run: (x) => ti.SMA.calculate({ period: 20, values: x }), check: (x) => ti.SMA.calculate({ period: 20, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsSMA(20)), check: tsValues(() => new TsSMA(20)) },
    ],
  },
  {
    bench: "features_ema20",
    ours: (x, out) => ema(x, 20, { out }),
    period: 20,
    peers: [
      { name: "technicalindicators", run: (x) => ti.EMA.calculate({ period: 20, values: x }), check: (x) => ti.EMA.calculate({ period: 20, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsEMA(20)), check: tsValues(() => new TsEMA(20)) },
    ],
  },
  {
    bench: "features_rsi14",
    ours: (x, out) => rsi(x, 14, { out }),
    period: 14,
    peers: [
      // technicalindicators rounds RSI to 2 decimals: compared after rounding ours the same way.
      { name: "technicalindicators", run: (x) => ti.RSI.calculate({ period: 14, values: x }), check: (x) => ti.RSI.calculate({ period: 14, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsRSI(14)), check: tsValues(() => new TsRSI(14)) },
    ],
  },
];

const pointsPerSecond = (points: number, ns: number) => points / (ns / 1e9);

/** Median of a list of nanosecond samples. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times several functions in alternation (f0, f1, .., f0, f1, ..) after one warm-up round, so that all see the
 * same machine load; samples until minMs have passed and at least minRounds rounds. Returns ns samples per function.
 */
function alternate(fns: (() => unknown)[], minMs: number, minRounds = 5): number[][] {
  let keep: unknown;
  for (const f of fns) keep = f();
  const samples = fns.map(() => [] as number[]);
  const start = process.hrtime.bigint();
  while (samples[0]!.length < minRounds || Number(process.hrtime.bigint() - start) < minMs * 1e6) {
    fns.forEach((f, k) => {
      const t = process.hrtime.bigint();
      keep = f();
      samples[k]!.push(Number(process.hrtime.bigint() - t));
    });
  }
  void keep;
  return samples;
}

for (const c of cases) {
  // Agreement on a 20k prefix (aligned to the end) before speeds mean anything.
  const prefix = plain.slice(0, 20_000);
  const ours = c.ours(Float64Array.from(prefix));
  const agreement: Record<string, number> = {};
  for (const peer of c.peers) {
    const theirs = peer.check(prefix);
    const off = ours.length - theirs.length;
    let worst = 0;
    // trading-signals seeds its EMA with the first price instead of an SMA: compare once that seed is forgotten.
    const from = c.bench === "features_ema20" && peer.name === "trading-signals" ? 1000 : 0;
    for (let j = from; j < theirs.length; j++) {
      const a = c.bench === "features_rsi14" && peer.name === "technicalindicators" ? parseFloat(ours[off + j]!.toFixed(2)) : ours[off + j]!;
      worst = Math.max(worst, Math.abs(a - theirs[j]!) / Math.max(1, Math.abs(theirs[j]!)));
    }
    agreement[peer.name] = worst;
  }
  for (const peer of c.peers) {
    // Decide the peer's size: one timed call on 1M points, extrapolated.
    const t0 = process.hrtime.bigint();
    peer.run(plain.slice(0, 1_000_000));
    const perPointNs = Number(process.hrtime.bigint() - t0) / 1e6;
    const peerPoints = perPointNs * N > 60e9 ? 1_000_000 : N;
    const peerInput = peerPoints === N ? plain : plain.slice(0, peerPoints);
    const threads = featureKernels().threads;
    const out = new Float64Array(N);
    const out1 = new Float64Array(N);
    const [tOut, tAlloc, tOne, tPeer] = alternate(
      [
        () => c.ours(values, out),
        () => c.ours(values),
        () => {
          featureKernels({ threads: 1 });
          const r = c.ours(values, out1);
          featureKernels({ threads });
          return r;
        },
        () => peer.run(peerInput),
      ],
      6000,
    );
    const value = pointsPerSecond(N, median(tOut!));
    const allocValue = pointsPerSecond(N, median(tAlloc!));
    const oneValue = pointsPerSecond(N, median(tOne!));
    const peerValue = pointsPerSecond(peerPoints, median(tPeer!));
    report({
      bench: c.bench,
      value: Math.round(value),
      unit: "points/s",
      peer: peer.name,
      peer_value: Math.round(peerValue),
      ratio: Number((value / peerValue).toFixed(2)),
      alloc_value: Math.round(allocValue),
      alloc_ratio: Number((allocValue / peerValue).toFixed(2)),
      one_thread_value: Math.round(oneValue),
      one_thread_ratio: Number((oneValue / peerValue).toFixed(2)),
      points: N,
      peer_points: peerPoints,
      period: c.period,
      ours_median_ms: Number((median(tOut!) / 1e6).toFixed(2)),
      ours_best_ms: Number((Math.min(...tOut!) / 1e6).toFixed(2)),
      alloc_median_ms: Number((median(tAlloc!) / 1e6).toFixed(2)),
      one_thread_median_ms: Number((median(tOne!) / 1e6).toFixed(2)),
      peer_median_ms: Number((median(tPeer!) / 1e6).toFixed(2)),
      samples: tOut!.length,
      threads,
      simd: featureKernels().simd,
      max_rel_diff_vs_peer: agreement[peer.name],
      load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
      addon: nativeInfo().version,
      ...machine(),
    });
  }
}
