/**
 * SMA(20), EMA(20) and RSI(14) over 10M points of a random walk around 1e4: omniquant/features (native, one N-API
 * call per series, fresh output array each call) against technicalindicators 3.1 (`X.calculate` on a plain array)
 * and trading-signals 8.3 (`new X(period)` then `update(price, false)` per point), measured in the same run with
 * alternating samples. Value: points/s from the median sample; ratio = ours / peer (higher is better for us).
 * Peers run on all 10M points unless one sample would exceed a minute, in which case on 1M (see peer_points).
 * Run: npm run bench -- features
 */
import os from "node:os";
import * as ti from "technicalindicators";
import { EMA as TsEMA, RSI as TsRSI, SMA as TsSMA } from "trading-signals";
import { ema, rsi, sma } from "../../lib/features/index.js";
import { nativeInfo } from "../../lib/native/index.js";
import { compareIt, machine, prng, report } from "./lib.js";

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

const cases: { bench: string; ours: (x: Float64Array) => Float64Array; period: number; peers: Peer[] }[] = [
  {
    bench: "features_sma20",
    ours: (x) => sma(x, 20),
    period: 20,
    peers: [
      { name: "technicalindicators", run: (x) => ti.SMA.calculate({ period: 20, values: x }), check: (x) => ti.SMA.calculate({ period: 20, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsSMA(20)), check: tsValues(() => new TsSMA(20)) },
    ],
  },
  {
    bench: "features_ema20",
    ours: (x) => ema(x, 20),
    period: 20,
    peers: [
      { name: "technicalindicators", run: (x) => ti.EMA.calculate({ period: 20, values: x }), check: (x) => ti.EMA.calculate({ period: 20, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsEMA(20)), check: tsValues(() => new TsEMA(20)) },
    ],
  },
  {
    bench: "features_rsi14",
    ours: (x) => rsi(x, 14),
    period: 14,
    peers: [
      // technicalindicators rounds RSI to 2 decimals: compared after rounding ours the same way.
      { name: "technicalindicators", run: (x) => ti.RSI.calculate({ period: 14, values: x }), check: (x) => ti.RSI.calculate({ period: 14, values: x }) },
      { name: "trading-signals", run: tsLoop(() => new TsRSI(14)), check: tsValues(() => new TsRSI(14)) },
    ],
  },
];

const pointsPerSecond = (points: number, ns: number) => points / (ns / 1e9);

for (const c of cases) {
  // Agreement on a 20k prefix (aligned to the end) before speeds mean anything.
  const prefix = plain.slice(0, 20_000);
  const ours = c.ours(Float64Array.from(prefix));
  const agreement: Record<string, number> = {};
  for (const peer of c.peers) {
    const theirs = peer.check(prefix);
    const off = ours.length - theirs.length;
    let worst = 0;
    for (let j = 0; j < theirs.length; j++) {
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
    const { ours: o, peer: q } = compareIt(() => c.ours(values), () => peer.run(peerInput), { minMs: 4000, warmup: 1 });
    const value = pointsPerSecond(N, o.medianNs);
    const peerValue = pointsPerSecond(peerPoints, q.medianNs);
    report({
      bench: c.bench,
      value: Math.round(value),
      unit: "points/s",
      peer: peer.name,
      peer_value: Math.round(peerValue),
      ratio: Number((value / peerValue).toFixed(2)),
      points: N,
      peer_points: peerPoints,
      period: c.period,
      ours_median_ms: Number((o.medianNs / 1e6).toFixed(2)),
      ours_best_ms: Number((o.bestNs / 1e6).toFixed(2)),
      peer_median_ms: Number((q.medianNs / 1e6).toFixed(2)),
      samples: o.samples,
      max_rel_diff_vs_peer: agreement[peer.name],
      load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
      addon: nativeInfo().version,
      ...machine(),
    });
  }
}
