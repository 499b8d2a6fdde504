import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nativeInfo, rollingMean, rollingMeanStd, rollingStd } from "../../lib/native/index.js";
import { mulberry32 as prng } from "../../lib/util/prng.js";

/** Naive two-pass reference: for every window, mean then sum of squared deviations. Same conventions. */
function reference(values: ArrayLike<number>, window: number, ddof = 1): { mean: number[]; std: number[] } {
  const mean: number[] = [];
  const std: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (i + 1 < window) {
      mean.push(NaN);
      std.push(NaN);
      continue;
    }
    const w = Array.from({ length: window }, (_, j) => values[i - window + 1 + j]!);
    if (w.some(Number.isNaN)) {
      mean.push(NaN);
      std.push(NaN);
      continue;
    }
    const pos = w.includes(Infinity);
    const neg = w.includes(-Infinity);
    if (pos || neg) {
      mean.push(pos && neg ? NaN : pos ? Infinity : -Infinity);
      std.push(NaN);
      continue;
    }
    const m = w.reduce((a, b) => a + b, 0) / window;
    const ss = w.reduce((a, b) => a + (b - m) ** 2, 0);
    mean.push(m);
    std.push(window - ddof > 0 ? Math.sqrt(ss / (window - ddof)) : NaN);
  }
  return { mean, std };
}


const isNaNAt = (a: ArrayLike<number>, i: number): boolean => Number.isNaN(a[i]);

describe("rollingMeanStd (native)", () => {
  it("agrees with a naive two-pass reference on random series, windows and NaN/infinity placements", () => {
    const value = fc.oneof(
      { weight: 10, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
      { weight: 4, arbitrary: fc.integer({ min: -5, max: 5 }) },
      { weight: 1, arbitrary: fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }) },
      { weight: 1, arbitrary: fc.double({ min: 1e9, max: 1e9 + 1, noNaN: true, noDefaultInfinity: true }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 300 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 2 }),
        (xs, window, ddof) => {
          const values = Float64Array.from(xs);
          const got = rollingMeanStd(values, window, { ddof });
          const want = reference(values, window, ddof);
          expect(got.mean.length).toBe(values.length);
          expect(got.std.length).toBe(values.length);
          for (let i = 0; i < values.length; i++) {
            const win = Array.from(values.subarray(Math.max(0, i - window + 1), i + 1)).filter(Number.isFinite);
            const scale = Math.max(1, ...win.map(Math.abs));
            for (const [name, a, b, tol] of [
              ["mean", got.mean[i]!, want.mean[i]!, 1e-12 * scale],
              ["std", got.std[i]!, want.std[i]!, 1e-8 * Math.abs(want.std[i]!) + 1e-12 * scale],
            ] as const) {
              if (Number.isNaN(b) || !Number.isFinite(b)) {
                expect(Object.is(a, b), `${name}[${i}] is ${a}, expected ${b}`).toBe(true);
              } else {
                expect(Math.abs(a - b), `${name}[${i}] is ${a}, expected ${b}`).toBeLessThanOrEqual(tol);
              }
            }
          }
        },
      ),
      { numRuns: Number(process.env.OMQ_FC_RUNS ?? 300) },
    );
  });

  it("gives exactly the value as mean and exactly 0 as std for a constant series", () => {
    const values = new Float64Array(1000).fill(123.456);
    const { mean, std } = rollingMeanStd(values, 10);
    for (let i = 9; i < values.length; i++) {
      expect(mean[i]).toBe(123.456);
      expect(std[i]).toBe(0);
    }
  });

  it("returns exactly 0 std once a series turns constant after varying", () => {
    const values = Float64Array.from({ length: 200 }, (_, i) => (i < 100 ? Math.sin(i) * 1e3 + 1e7 : 42.5));
    const { mean, std } = rollingMeanStd(values, 20);
    for (let i = 119; i < 200; i++) {
      expect(mean[i]).toBe(42.5);
      expect(std[i]).toBe(0);
    }
  });

  it("matches the closed forms for 1..n: mean i + 1 - (w - 1) / 2, std sqrt(w (w + 1) / 12)", () => {
    const n = 3_000;
    const values = Float64Array.from({ length: n }, (_, i) => i + 1);
    for (const w of [2, 5, 20, 251]) {
      const { mean, std } = rollingMeanStd(values, w);
      const pop = rollingStd(values, w, { ddof: 0 });
      for (let i = w - 1; i < n; i++) {
        expect(mean[i]).toBeCloseTo(i + 1 - (w - 1) / 2, 9);
        expect(std[i]).toBeCloseTo(Math.sqrt((w * (w + 1)) / 12), 9);
        expect(pop[i]).toBeCloseTo(Math.sqrt((w * w - 1) / 12), 9);
      }
    }
  });

  it("marks the first window - 1 outputs as NaN (warm-up) and everything NaN when window > length", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const { mean, std } = rollingMeanStd(values, 4);
    expect(Array.from(mean)).toEqual([NaN, NaN, NaN, 2.5, 3.5, 4.5]);
    expect(std[3]).toBeCloseTo(Math.sqrt(5 / 3), 14);
    for (let i = 0; i < 3; i++) expect(isNaNAt(std, i)).toBe(true);

    const all = rollingMeanStd(values, 7);
    expect(Array.from(all.mean).every(Number.isNaN)).toBe(true);
    expect(Array.from(all.std).every(Number.isNaN)).toBe(true);

    const empty = rollingMeanStd(new Float64Array(0), 3);
    expect(empty.mean.length).toBe(0);
    expect(empty.std.length).toBe(0);
  });

  it("uses ddof 1 by default: window 1 has NaN std unless ddof is 0", () => {
    const values = Float64Array.from([3, 1, 4]);
    expect(Array.from(rollingMean(values, 1))).toEqual([3, 1, 4]);
    expect(Array.from(rollingStd(values, 1)).every(Number.isNaN)).toBe(true);
    expect(Array.from(rollingStd(values, 1, { ddof: 0 }))).toEqual([0, 0, 0]);
    // ddof 1 vs 0 differ by sqrt(w / (w - 1)), as pandas' std(ddof=...) does
    const s1 = rollingStd(values, 3)[2]!;
    const s0 = rollingStd(values, 3, { ddof: 0 })[2]!;
    expect(s1 / s0).toBeCloseTo(Math.sqrt(3 / 2), 14);
  });

  it("makes every window that holds a NaN NaN, and recovers once the NaN leaves", () => {
    const values = Float64Array.from([1, 2, 3, NaN, 5, 6, 7, 8]);
    const { mean, std } = rollingMeanStd(values, 3);
    expect(Array.from(mean)).toEqual([NaN, NaN, 2, NaN, NaN, NaN, 6, 7]);
    expect(Array.from(std)).toEqual([NaN, NaN, 1, NaN, NaN, NaN, 1, 1]);
  });

  it("gives an infinite mean and a NaN std for windows holding an infinity, without poisoning later windows", () => {
    const values = Float64Array.from([1, Infinity, 2, 3, 4, -Infinity, Infinity, 5, 6]);
    const { mean, std } = rollingMeanStd(values, 2);
    expect(Array.from(mean)).toEqual([NaN, Infinity, Infinity, 2.5, 3.5, -Infinity, NaN, Infinity, 5.5]);
    expect(Array.from(std).slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(std[3]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(std[8]).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it("keeps its digits on large-offset data (1e9 + noise in [0, 1)) where sum-of-squares formulas fail", () => {
    const rand = prng(42);
    const n = 100_000;
    const w = 50;
    const values = Float64Array.from({ length: n }, () => 1e9 + rand());
    const { mean, std } = rollingMeanStd(values, w);
    const want = reference(values.subarray(0, 5_000), w);
    let worstStd = 0;
    let worstMean = 0;
    for (let i = w - 1; i < 5_000; i++) {
      worstStd = Math.max(worstStd, Math.abs(std[i]! - want.std[i]!) / want.std[i]!);
      worstMean = Math.max(worstMean, Math.abs(mean[i]! - want.mean[i]!));
    }
    expect(worstStd).toBeLessThan(1e-6);
    expect(worstMean).toBeLessThan(1e-6);

    // The data set has teeth: the textbook running sums (sum x^2 - (sum x)^2 / n) lose every digit here.
    const win = Array.from(values.subarray(0, w));
    const s1 = win.reduce((a, b) => a + b, 0);
    const s2 = win.reduce((a, b) => a + b * b, 0);
    const naiveVar = (s2 - (s1 * s1) / w) / (w - 1);
    const naiveErr = Math.abs(Math.sqrt(Math.max(naiveVar, 0)) - want.std[w - 1]!) / want.std[w - 1]!;
    expect(naiveErr).toBeGreaterThan(0.01);
  });

  it("does not drift over millions of slides (past several re-anchorings) on large-offset data", () => {
    const rand = prng(7);
    const n = 2_000_000;
    const w = 20;
    const values = Float64Array.from({ length: n }, (_, i) => 1e9 + 1e3 * Math.sin(i / 1e4) + rand());
    const { mean, std } = rollingMeanStd(values, w);
    let worst = 0;
    for (let i = w - 1; i < n; i += 9973) {
      const want = reference(values.subarray(i - w + 1, i + 1), w);
      worst = Math.max(worst, Math.abs(std[i]! - want.std[w - 1]!) / want.std[w - 1]!);
      expect(Math.abs(mean[i]! - want.mean[w - 1]!)).toBeLessThan(1e-5);
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("rejects bad input with TypeErrors and RangeErrors whose messages are whole sentences", () => {
    const xs = Float64Array.from([1, 2, 3]);
    expect(() => rollingMeanStd([1, 2, 3] as unknown as Float64Array, 2)).toThrow(
      new TypeError("rollingMeanStd: values must be a Float64Array, found an Array. Convert with Float64Array.from(values)."),
    );
    expect(() => rollingMeanStd(new Float32Array(3) as unknown as Float64Array, 2)).toThrow(
      /values must be a Float64Array, found a Float32Array of length 3\./,
    );
    expect(() => rollingMeanStd(undefined as unknown as Float64Array, 2)).toThrow(TypeError);
    expect(() => rollingMeanStd(xs, 0)).toThrow(
      new RangeError("rollingMeanStd: window must be a positive integer, found 0."),
    );
    expect(() => rollingMeanStd(xs, 2.5)).toThrow(
      new RangeError("rollingMeanStd: window must be a positive integer, found 2.5."),
    );
    expect(() => rollingMeanStd(xs, NaN)).toThrow(RangeError);
    expect(() => rollingMeanStd(xs, -3)).toThrow(RangeError);
    expect(() => rollingMeanStd(xs, 2 ** 60)).toThrow(RangeError);
    expect(() => rollingMeanStd(xs, "3" as unknown as number)).toThrow(
      new TypeError("rollingMeanStd: window must be a positive integer, found the string '3'."),
    );
    expect(() => rollingMeanStd(xs, undefined as unknown as number)).toThrow(
      new TypeError("rollingMeanStd: window must be a positive integer, found undefined."),
    );
    expect(() => rollingMeanStd(xs, 2, { ddof: -1 })).toThrow(
      new RangeError("rollingMeanStd: ddof must be a non-negative integer, found -1."),
    );
    expect(() => rollingStd(xs, 2, { dof: 0 } as unknown as { ddof: number })).toThrow(
      new TypeError("rollingStd: options has an unknown key 'dof', expected only 'ddof'."),
    );
    expect(() => rollingMeanStd(xs, 2, { window: 3 } as unknown as { ddof: number })).toThrow(
      new TypeError("rollingMeanStd: options has an unknown key 'window', expected one of 'ddof', 'out'."),
    );
    // the addon still works after all of that
    expect(Array.from(rollingMean(xs, 2))).toEqual([NaN, 1.5, 2.5]);
  });

  it("survives bad calls straight into the addon in a fresh process (no abort, exit code 0)", () => {
    const script = `
      const addon = require(${JSON.stringify(nativeInfo().path)});
      const bad = [[], [null], [new Float64Array(3)], [new Float64Array(3), {}], [new Float64Array(3), 1n],
        [new Float64Array(3), Symbol("w")], [new Float64Array(3), 1, "1"], [new Float64Array(3), 1, 1.5],
        [new DataView(new ArrayBuffer(8)), 1], [new Float64Array(3), Infinity], [new Float64Array(3), 1, Infinity]];
      let thrown = 0;
      for (const args of bad) { try { addon.rollingMeanStd(...args); } catch (e) { if (e instanceof TypeError || e instanceof RangeError) thrown++; } }
      const detached = new Float64Array(4); structuredClone(detached.buffer, { transfer: [detached.buffer] });
      const r = addon.rollingMeanStd(detached, 2);
      console.log(JSON.stringify({ thrown, detachedLength: r.mean.length, ok: addon.rollingMeanStd(new Float64Array([1, 3]), 2).mean[1] }));
    `;
    const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ thrown: 11, detachedLength: 0, ok: 2 });
  });

  it("writes into caller-provided output arrays and returns them", () => {
    const xs = Float64Array.from([1, 2, 3, 4]);
    const out = { mean: new Float64Array(4).fill(7), std: new Float64Array(4).fill(7) };
    const got = rollingMeanStd(xs, 2, { out });
    expect(got.mean).toBe(out.mean);
    expect(got.std).toBe(out.std);
    expect(Array.from(out.mean)).toEqual([NaN, 1.5, 2.5, 3.5]);
    expect(out.std[3]).toBeCloseTo(Math.SQRT1_2, 15);

    expect(() => rollingMeanStd(xs, 2, { out: { mean: new Float64Array(3), std: new Float64Array(4) } })).toThrow(
      new RangeError("rollingMeanStd: out.mean must have the length of values (4), found length 3."),
    );
    expect(() => rollingMeanStd(xs, 2, { out: { mean: new Float64Array(4), std: [0, 0, 0, 0] as unknown as Float64Array } })).toThrow(
      new TypeError("rollingMeanStd: out.std must be a Float64Array, found an Array."),
    );
    const buffer = new Float64Array(8);
    expect(() => rollingMeanStd(buffer.subarray(0, 4), 2, { out: { mean: buffer.subarray(2, 6), std: new Float64Array(4) } })).toThrow(
      new RangeError("rollingMeanStd: out.mean must not share memory with values, found an overlap."),
    );
    expect(() => rollingMeanStd(xs, 2, { out: { mean: buffer.subarray(0, 4), std: buffer.subarray(3, 7) } })).toThrow(
      /out\.std must not share memory with out\.mean/,
    );
  });

  it("reads subarray views at their offset, not from the start of the buffer", () => {
    const base = Float64Array.from([100, 100, 1, 2, 3, 4]);
    expect(Array.from(rollingMean(base.subarray(2), 2))).toEqual([NaN, 1.5, 2.5, 3.5]);
  });

  it("reports where the addon was loaded from and its version", () => {
    const info = nativeInfo();
    expect(info.path).toMatch(/native[\\/]build[\\/]Release[\\/]omniquant\.node$/);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.napiVersion).toBeGreaterThanOrEqual(8);
  });
});

describe("loading the native addon", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("says the addon is missing, the path tried and to run npm rebuild", async () => {
    vi.stubEnv("OMNIQUANT_NATIVE_ADDON", "/nonexistent/omniquant.node");
    vi.resetModules();
    const fresh = await import("../../lib/native/index.js");
    expect(() => fresh.rollingMean(new Float64Array(3), 2)).toThrow(
      /^omniquant\/native: the OmniQuant native addon is missing, expected a built addon at \/nonexistent\/omniquant\.node but found no file there\. Run 'npm rebuild' \(or 'npm run build'\) in .+ to build it\.$/,
    );
  });

  it("says a broken addon failed to load, keeping the dlopen error as the cause", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "omq-native-"));
    try {
      const file = path.join(dir, "omniquant.node");
      writeFileSync(file, "this is not a shared library");
      vi.stubEnv("OMNIQUANT_NATIVE_ADDON", file);
      vi.resetModules();
      const fresh = await import("../../lib/native/index.js");
      let error: unknown;
      try {
        fresh.nativeInfo();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      const err = error as Error;
      expect(err.message).toContain(`the OmniQuant native addon at ${file} failed to load (`);
      expect(err.message).toContain("Run 'npm rebuild' (or 'npm run build') in ");
      expect(err.cause).toBeInstanceOf(Error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
