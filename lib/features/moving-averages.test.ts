/**
 * SMA and EMA against plain sequential TypeScript references (the documented semantics, written the obvious way),
 * on random series with NaN/Infinity runs, for every SIMD level this CPU has, single- and multi-threaded.
 * The native kernels re-associate the sums (vector prefix scans, parts computed on separate threads), so results
 * may differ by rounding: the tolerance is 1e-12 relative to max(|reference|, largest |value| in the series).
 * technicalindicators on real data is in technical.reference.test.ts.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { featureKernels, type SimdLevel } from "./addon.js";
import { ema, sma } from "./moving-averages.js";
import { rsi } from "./rsi.js";

const initial = featureKernels();
const levels: SimdLevel[] = (["avx512", "avx2", "scalar"] as const).filter(
  (l) => ["avx512", "avx2", "scalar"].indexOf(l) >= ["avx512", "avx2", "scalar"].indexOf(initial.simdSupported),
);
afterAll(() => featureKernels({ simd: initial.simdSupported, threads: 0 }));

/** SMA: the mean of the last `window` values when all are finite (Neumaier-compensated sum), else NaN. */
function smaRef(x: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let run = 0; // finite values in a row ending at i
  for (let i = 0; i < x.length; i++) {
    run = Number.isFinite(x[i]!) ? run + 1 : 0;
    if (run < window) continue;
    let s = 0;
    let c = 0;
    for (let j = i - window + 1; j <= i; j++) {
      const v = x[j]!;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    out[i] = (s + c) / window;
  }
  return out;
}

/** EMA: seeded with the SMA of the first `window` finite values of a run, then e += alpha (x - e). */
function emaRef(x: ArrayLike<number>, window: number, alpha = 2 / (window + 1)): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let count = 0;
  let sum = 0;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v)) {
      count = 0;
      continue;
    }
    if (count < window) {
      if (count === 0) sum = 0;
      sum += v;
      count++;
      if (count === window) out[i] = e = sum / window;
      continue;
    }
    out[i] = e = (v - e) * alpha + e;
  }
  return out;
}

/** Largest relative difference, NaN positions required to match exactly. */
function worstDiff(ours: Float64Array, ref: Float64Array, x: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) scale = Math.max(scale, Math.abs(x[i]!));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]!) || Number.isNaN(ours[i]!)) {
      if (Number.isNaN(ref[i]!) !== Number.isNaN(ours[i]!)) throw new Error(`NaN mismatch at ${i}: ours ${ours[i]}, reference ${ref[i]}`);
      continue;
    }
    worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!) / Math.max(Math.abs(ref[i]!), scale, Number.MIN_VALUE));
  }
  return worst;
}

/** A random walk around `level` with steps of size `step`, holes of NaN/+-Infinity runs at random places. */
const seriesArb = fc
  .record({
    n: fc.integer({ min: 0, max: 6000 }),
    level: fc.constantFrom(0, 1, 1e4, -250, 1e9),
    step: fc.constantFrom(1e-3, 0.5, 10),
    holes: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 40 }), kind: fc.constantFrom(NaN, Infinity, -Infinity) }), { maxLength: 4 }),
    seed: fc.integer(),
  })
  .map(({ n, level, step, holes, seed }) => {
    let s = seed >>> 0 || 1;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const x = new Float64Array(n);
    let p = level;
    for (let i = 0; i < n; i++) x[i] = p += (rand() - 0.5) * step;
    for (const h of holes) for (let j = Math.floor(h.at * n); j < Math.min(n, Math.floor(h.at * n) + h.len); j++) x[j] = h.kind;
    return x;
  });
const windowArb = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 31, max: 400 }));

describe.each(levels)("SMA and EMA with %s kernels", (simd) => {
  it("SMA equals the windowed mean (NaN runs restart the warm-up)", () => {
    featureKernels({ simd, threads: 1 });
    fc.assert(
      fc.property(seriesArb, windowArb, (x, w) => {
        expect(worstDiff(sma(x, w), smaRef(x, w), x)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it("EMA equals the sequential recurrence, default and custom alpha", () => {
    featureKernels({ simd, threads: 1 });
    fc.assert(
      fc.property(seriesArb, windowArb, fc.option(fc.double({ min: 1e-4, max: 1, noNaN: true }), { nil: undefined }), (x, w, alpha) => {
        const ours = alpha === undefined ? ema(x, w) : ema(x, w, { alpha });
        expect(worstDiff(ours, emaRef(x, w, alpha), x)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it("EMA with a long window (alpha 2e-4) over 200k points stays within 1e-12 of the sequential loop", () => {
    featureKernels({ simd, threads: 1 });
    const x = new Float64Array(200_000);
    let p = 100;
    for (let i = 0; i < x.length; i++) x[i] = p += Math.sin(i * 0.37) * 0.3 + Math.cos(i * 0.011);
    expect(worstDiff(ema(x, 9999), emaRef(x, 9999), x)).toBeLessThanOrEqual(1e-12);
    // A constant series stays constant to a few units in the last place: no bias from the re-associated sums
    // (computing 1 - (1-a)^k as 1 minus a rounded power would be off by ~1e-16 / a = 5e-13 here).
    // 1024.5 so that the SMA seed is exact (sums of 1024.5 are exact), as the sequential loop then stays exact.
    const c = new Float64Array(50_000).fill(1024.5);
    const e = ema(c, 9999);
    expect(e[9998]).toBe(1024.5);
    let drift = 0;
    for (let i = 9998; i < c.length; i++) drift = Math.max(drift, Math.abs(e[i]! - 1024.5) / 1024.5);
    expect(drift).toBeLessThanOrEqual(1e-15);
  });
});

describe("SMA and EMA on 1.5M points split over threads", () => {
  // Parts start at multiples of 64 near n / 2; NaN runs just before, at and after that boundary, and around the
  // look-back that the second part replays.
  const n = 1_500_000;
  const x = new Float64Array(n);
  let p = 5000;
  let s = 7;
  for (let i = 0; i < n; i++) x[i] = p += ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  const b = Math.floor(n / 2 / 64) * 64;
  for (const at of [1000, b - 700, b - 430, b - 15, b, b + 3, n - 90]) for (let j = at; j < at + 5; j++) x[j] = NaN;

  for (const simd of levels) {
    it(`${simd}: 1 and 2 threads agree with the sequential reference`, () => {
      for (const threads of [1, 2]) {
        featureKernels({ simd, threads });
        for (const w of [1, 20, 200]) {
          expect(worstDiff(sma(x, w), smaRef(x, w), x)).toBeLessThanOrEqual(1e-12);
          expect(worstDiff(ema(x, w), emaRef(x, w), x)).toBeLessThanOrEqual(1e-12);
        }
      }
    });
  }
});

describe("opts.out", () => {
  const x = Float64Array.from({ length: 5000 }, (_, i) => 100 + Math.sin(i / 7) * 3 + i * 1e-3);

  it("writes into the given array, returns it, and equals the allocating call", () => {
    featureKernels({ threads: 0 });
    const out = new Float64Array(x.length).fill(-1);
    expect(sma(x, 20, { out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(sma(x, 20)));
    const out2 = new Float64Array(x.length);
    expect(ema(x, 20, { out: out2, alpha: 0.1 })).toBe(out2);
    expect(Array.from(out2)).toEqual(Array.from(ema(x, 20, { alpha: 0.1 })));
    // A plain array input is converted; out still receives the result.
    const out3 = new Float64Array(4);
    expect(Array.from(sma([1, 2, 3, 4], 2, { out: out3 }))).toEqual([NaN, 1.5, 2.5, 3.5]);
  });

  it("rejects a wrong length, a non-Float64Array, shared memory and unknown options", () => {
    expect(() => sma(x, 20, { out: new Float64Array(3) })).toThrow(/sma: options.out has the wrong length, expected 5000 \(the length of values\) but found 3/);
    expect(() => ema(x, 20, { out: new Float32Array(x.length) as unknown as Float64Array })).toThrow(/ema: options.out must be a Float64Array, found Float32Array/);
    const buf = new Float64Array(2 * x.length);
    buf.set(x);
    const values = buf.subarray(0, x.length);
    expect(() => sma(values, 20, { out: buf.subarray(10, 10 + x.length) })).toThrow(/sma: options.out shares memory with values/);
    expect(sma(values, 20, { out: buf.subarray(x.length) })[4999]).toBeCloseTo(sma(x, 20)[4999]!, 12);
    expect(() => sma(x, 20, { outt: new Float64Array(x.length) } as never)).toThrow(/sma: options has an unknown key 'outt'/);
    expect(() => ema(x, 20, { alpha: 1.5 })).toThrow(/ema: alpha must be a number in/);
    expect(() => ema(x, 20, { alpha: 0 })).toThrow(/ema: alpha must be a number in/);
  });

  it("the addon itself rejects bad outputs with a sentence (last line of defence)", async () => {
    const { featuresAddon } = await import("./addon.js");
    const addon = featuresAddon();
    expect(() => addon.featuresSma(x, 20, new Float64Array(2))).toThrow("sma: out must have the length of values (5000), found length 2.");
    expect(() => addon.featuresEma(x, 20, 0.1, x)).toThrow("ema: out must not share memory with values, found an overlap.");
    expect(() => addon.featuresKernels("sse9" as SimdLevel)).toThrow(/unknown simd level 'sse9', expected avx512, avx2 or scalar/);
  });
});

describe("bit for bit point-in-time (sma, ema, rsi)", () => {
  // Output t must not depend on anything after t: not on later values, not on the series' length, nor on the
  // output's alignment or the thread count (vectors sit on a fixed index grid, threads split at fixed blocks).
  const n = 1_300_000;
  const x = new Float64Array(n);
  let p = 100;
  let s = 3;
  for (let i = 0; i < n; i++) x[i] = p += ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
  for (let k = 1; k < 25; k++) x[(k * 52_361) % n] = NaN;
  const same = (a: Float64Array, b: Float64Array, m: number, what: string) => {
    for (let i = 0; i < m; i++) if (!Object.is(a[i], b[i])) throw new Error(`${what}: output ${i} differs (${a[i]} vs ${b[i]})`);
  };
  const fns: [string, (v: Float64Array, out?: Float64Array) => Float64Array][] = [
    ["sma(20)", (v, out) => sma(v, 20, { out })],
    ["ema(14)", (v, out) => ema(v, 14, { out })],
    ["rsi(14)", (v, out) => rsi(v, 14, { out })],
  ];
  for (const simd of levels) {
    it(`${simd}: truncating, perturbing the future, misaligning out or changing threads changes no past output`, () => {
      for (const [name, f] of fns) {
        featureKernels({ simd, threads: 1 });
        const ref = f(x);
        featureKernels({ simd, threads: 2 });
        same(f(x), ref, n, `${name} with 2 threads`);
        const buf = new Float64Array(n + 3);
        same(f(x, buf.subarray(3, n + 3)), ref, n, `${name} into an output at a 24-byte offset`);
        for (const m of [777, 262_149, 1_048_589]) same(f(x.subarray(0, m)), ref, m, `${name} on the first ${m} values`);
        for (const cut of [100, 5001, 300_001]) {
          const y = x.slice();
          for (let j = cut; j < n; j++) y[j] = j % 7 === 0 ? NaN : y[j]! * 1.5 + 3;
          same(f(y), ref, cut, `${name} with values from ${cut} on changed`);
        }
      }
    });
  }
});
