/**
 * RSI against a plain sequential TypeScript reference of Wilder's RSI (the documented semantics), on random series
 * with NaN/Infinity runs and flat stretches, for every SIMD level this CPU has, single- and multi-threaded.
 * The native kernel re-associates Wilder's averages (vector prefix scans, parts on separate threads) and computes
 * 100 avgGain / (avgGain + avgLoss): the tolerance is 1e-12 of max(|reference|, 1) on the 0..100 scale.
 * technicalindicators on real data is in technical.reference.test.ts.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { featureKernels, type SimdLevel } from "./addon.js";
import { rsi } from "./rsi.js";

const initial = featureKernels();
const order: SimdLevel[] = ["avx512", "avx2", "scalar"];
const levels = order.filter((l) => order.indexOf(l) >= order.indexOf(initial.simdSupported));
afterAll(() => featureKernels({ simd: initial.simdSupported, threads: 0 }));

/** Wilder's RSI, one value at a time, restarting after a non-finite value. */
function rsiRef(x: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let prev = NaN;
  let changes = 0;
  let sg = 0;
  let sl = 0;
  let ag = 0;
  let al = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      prev = NaN;
      continue;
    }
    if (Number.isNaN(prev)) {
      prev = v;
      changes = sg = sl = 0;
      continue;
    }
    const d = v - prev;
    prev = v;
    const g = Math.max(d, 0);
    const l = Math.max(-d, 0);
    changes++;
    if (changes < window) {
      sg += g;
      sl += l;
      continue;
    }
    if (changes === window) {
      ag = (sg + g) / window;
      al = (sl + l) / window;
    } else {
      ag = (ag * (window - 1) + g) / window;
      al = (al * (window - 1) + l) / window;
    }
    out[i] = al === 0 ? 100 : ag === 0 ? 0 : 100 - 100 / (1 + ag / al);
  }
  return out;
}

function worstDiff(ours: Float64Array, ref: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]!) || Number.isNaN(ours[i]!)) {
      if (Number.isNaN(ref[i]!) !== Number.isNaN(ours[i]!)) throw new Error(`NaN mismatch at ${i}: ours ${ours[i]}, reference ${ref[i]}`);
      continue;
    }
    worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!) / Math.max(Math.abs(ref[i]!), 1));
  }
  return worst;
}

/** Random walk with holes (NaN/Infinity runs) and flat or one-way stretches (avgLoss or avgGain reaching 0). */
const seriesArb = fc
  .record({
    n: fc.integer({ min: 0, max: 6000 }),
    level: fc.constantFrom(1, 1e4, -250),
    step: fc.constantFrom(1e-3, 0.5),
    holes: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 40 }), kind: fc.constantFrom(NaN, Infinity, -Infinity) }), { maxLength: 4 }),
    trends: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 3000 }), drift: fc.constantFrom(0, 1, -1) }), { maxLength: 3 }),
    seed: fc.integer(),
  })
  .map(({ n, level, step, holes, trends, seed }) => {
    let s = seed >>> 0 || 1;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const dx = new Float64Array(n).map(() => (rand() - 0.5) * step);
    for (const t of trends) for (let j = Math.floor(t.at * n); j < Math.min(n, Math.floor(t.at * n) + t.len); j++) dx[j] = t.drift * step;
    const x = new Float64Array(n);
    let p = level;
    for (let i = 0; i < n; i++) x[i] = p += dx[i]!;
    for (const h of holes) for (let j = Math.floor(h.at * n); j < Math.min(n, Math.floor(h.at * n) + h.len); j++) x[j] = h.kind;
    return x;
  });

describe.each(levels)("RSI with %s kernels", (simd) => {
  it("equals the sequential Wilder RSI (NaN runs restart the warm-up; flat and one-way stretches give 100/0)", () => {
    featureKernels({ simd, threads: 1 });
    fc.assert(
      fc.property(seriesArb, fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 31, max: 300 })), (x, w) => {
        expect(worstDiff(rsi(x, w), rsiRef(x, w))).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it("a rising series has RSI exactly 100, a falling one exactly 0", () => {
    featureKernels({ simd, threads: 1 });
    const up = Float64Array.from({ length: 5000 }, (_, i) => 10 + i * 0.25);
    const down = up.slice().reverse();
    expect(rsi(up, 14).subarray(14).every((v) => v === 100)).toBe(true);
    expect(rsi(down, 14).subarray(14).every((v) => v === 0)).toBe(true);
  });
});

describe("RSI on 1.5M points split over threads", () => {
  const n = 1_500_000;
  const x = new Float64Array(n);
  let p = 5000;
  let s = 11;
  for (let i = 0; i < n; i++) x[i] = p += ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  const b = Math.floor(n / 2 / 64) * 64;
  for (const at of [1000, b - 700, b - 430, b - 15, b, b + 3, n - 90]) for (let j = at; j < at + 5; j++) x[j] = NaN;

  for (const simd of levels) {
    it(`${simd}: 1 and 2 threads agree with the sequential reference`, () => {
      for (const threads of [1, 2]) {
        featureKernels({ simd, threads });
        for (const w of [2, 14, 100]) expect(worstDiff(rsi(x, w), rsiRef(x, w))).toBeLessThanOrEqual(1e-12);
      }
    });
  }
});

describe("rsi opts.out", () => {
  it("writes into the given array and checks it", () => {
    featureKernels({ threads: 0 });
    const x = Float64Array.from({ length: 3000 }, (_, i) => 50 + Math.sin(i / 5) + i * 1e-3);
    const out = new Float64Array(x.length);
    expect(rsi(x, 14, { out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(rsi(x, 14)));
    expect(() => rsi(x, 14, { out: new Float64Array(5) })).toThrow(/rsi: options.out has the wrong length/);
    expect(() => rsi(x, 14, { out: x })).toThrow(/rsi: options.out shares memory with values/);
    expect(() => rsi(x, 14, { window: 3 } as never)).toThrow(/rsi: options has an unknown key 'window'/);
  });
});
