/**
 * Point-in-time correctness of the feature pipeline, property-based: for every feature of the catalogue (and the
 * cross-sectional steps), perturbing every input after time t (prices, volumes, benchmark; new values, NaNs) leaves
 * every output at times <= t bit-for-bit unchanged. A look-ahead "feature" (forward returns) is caught by the same
 * check, so the test has teeth.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFeatures, featureTable, forwardReturns, technicalFeatures, type Bars, type Feature } from "./index.js";

const barArb = fc
  .tuple(
    fc.double({ min: 10, max: 200, noNaN: true }),
    fc.double({ min: 10, max: 200, noNaN: true }),
    fc.double({ min: 0, max: 0.05, noNaN: true }),
    fc.double({ min: 0, max: 0.05, noNaN: true }),
    fc.integer({ min: 0, max: 1e6 }),
    fc.integer({ min: 0, max: 40 }),
  )
  .map(([o, c, u, d, v, gap]) => {
    const h = Math.max(o, c) * (1 + u), l = Math.min(o, c) * (1 - d);
    return gap === 0 ? { o: NaN, h: NaN, l: NaN, c: NaN, v: NaN } : { o, h, l, c, v };
  });
type Bar = { o: number; h: number; l: number; c: number; v: number };
const toBars = (a: Bar[]): Bars => ({
  open: a.map((b) => b.o),
  high: a.map((b) => b.h),
  low: a.map((b) => b.l),
  close: a.map((b) => b.c),
  volume: a.map((b) => b.v),
});

const panelArb = fc.integer({ min: 30, max: 140 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    symbols: fc.array(fc.array(barArb, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 3 }),
    benchmark: fc.array(barArb, { minLength: n, maxLength: n }),
    cut: fc.integer({ min: 0, max: n - 1 }),
    after: fc.array(barArb, { minLength: n, maxLength: n }),
  }),
);

/** Replaces every bar after `cut` with another. */
const perturb = (a: Bar[], cut: number, after: Bar[]): Bar[] => a.map((b, i) => (i > cut ? after[i]! : b));

const features = technicalFeatures();
const crossSectional = { rsiRank: { of: "rsi14", transform: "rank" as const }, zscoreZ: { of: "zscore20", transform: "zscore" as const } };

function unchangedUpTo(cut: number, a: Record<string, Record<string, Float64Array>>, b: Record<string, Record<string, Float64Array>>): string[] {
  const bad: string[] = [];
  for (const [symbol, fs] of Object.entries(a)) {
    for (const [name, s] of Object.entries(fs)) {
      for (let i = 0; i <= cut; i++) {
        if (!Object.is(s[i], b[symbol]![name]![i])) {
          bad.push(`${symbol}.${name}[${i}]: ${s[i]} -> ${b[symbol]![name]![i]}`);
          break;
        }
      }
    }
  }
  return bad;
}

describe("feature pipeline is point-in-time correct", () => {
  it("computes every catalogue feature for every symbol", () => {
    const bars = toBars(Array.from({ length: 100 }, (_, i) => ({ o: 100 + i, h: 102 + i, l: 99 + i, c: 101 + i, v: 1000 })));
    const set = computeFeatures({ A: bars, B: bars }, features, { benchmark: bars, crossSectional });
    expect(Object.keys(set.A!).sort()).toEqual(
      [
        "ret1", "logret1", "sma20", "ema20", "wma20", "rsi14", "macd.macd", "macd.signal", "macd.histogram", "bb20.middle", "bb20.upper", "bb20.lower", "bb20.pb",
        "zscore20", "atr14", "stoch14.k", "stoch14.d", "obv", "volCc20", "volParkinson20", "volGk20", "volRs20", "volYz20", "beta60.beta", "beta60.corr", "rsiRank", "zscoreZ",
      ].sort(),
    );
    expect(featureTable(set).numRows()).toBe(200);
  });

  it("perturbing every input after t never changes any feature at <= t (every feature, cross-sectional steps included)", () => {
    fc.assert(
      fc.property(panelArb, ({ symbols, benchmark, cut, after }) => {
        const panel = Object.fromEntries(symbols.map((s, j) => [`S${j}`, toBars(s)]));
        const perturbed = Object.fromEntries(symbols.map((s, j) => [`S${j}`, toBars(perturb(s, cut, after))]));
        const a = computeFeatures(panel, features, { benchmark: toBars(benchmark), crossSectional });
        const b = computeFeatures(perturbed, features, { benchmark: toBars(perturb(benchmark, cut, after)), crossSectional });
        expect(unchangedUpTo(cut, a, b)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("the same check catches a look-ahead feature (forward returns)", () => {
    const leaky: Record<string, Feature> = { fwd: (b) => forwardReturns(b.close, 1) };
    const out = fc.check(
      fc.property(panelArb, ({ symbols, cut, after }) => {
        const a = computeFeatures({ S: toBars(symbols[0]!) }, leaky);
        const b = computeFeatures({ S: toBars(perturb(symbols[0]!, cut, after)) }, leaky);
        return unchangedUpTo(cut, a, b).length === 0;
      }),
      { numRuns: 200 },
    );
    expect(out.failed).toBe(true);
  });
});
