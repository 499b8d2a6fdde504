import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import jStat from "jstat";
import { adfuller } from "./adf.js";
import { mackinnoncrit, mackinnonp } from "./mackinnon.js";
import { normalCdf } from "./normal.js";
import { mulberry32 } from "../util/prng.js";

function fixture(name: string): Record<string, Float64Array> {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8").trim();
  const [header, ...lines] = text.split("\n");
  const names = header!.split(",");
  const cols = names.map(() => new Float64Array(lines.length));
  lines.forEach((line, r) => line.split(",").forEach((v, c) => (cols[c]![r] = Number(v))));
  return Object.fromEntries(names.map((nm, i) => [nm, cols[i]!]));
}

const macro = fixture("macrodata.csv");
const realgdp = macro.realgdp!;
const infl = macro.infl!;

/** |a - b| < 1.5 * 10^-decimal, numpy's assert_almost_equal. */
function almost(a: number, b: number, decimal: number): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(1.5 * 10 ** -decimal);
}

function gaussians(n: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

describe("adfuller on statsmodels' published cases (macrodata, values from Stata)", () => {
  // statsmodels tsa/tests/test_stattools.py, classes TestADF*: teststat and pvalue to 5 decimals, critical values
  // (Stata's) to 2 decimals.
  const cases = [
    { name: "TestADFConstant", x: realgdp, regression: "c", maxlag: 4, stat: 0.97505319, p: 0.99399563, crit: [-3.476, -2.883, -2.573] },
    { name: "TestADFConstantTrend", x: realgdp, regression: "ct", maxlag: 4, stat: -1.8566374, p: 0.67682968, crit: [-4.007, -3.437, -3.137] },
    { name: "TestADFNoConstant", x: realgdp, regression: "n", maxlag: 4, stat: 3.5227498, p: 0.99999, crit: [-2.587, -1.95, -1.617] },
    { name: "TestADFConstant2", x: infl, regression: "c", maxlag: 1, stat: -4.3346988, p: 0.00038661, crit: [-3.476, -2.883, -2.573] },
    { name: "TestADFConstantTrend2", x: infl, regression: "ct", maxlag: 1, stat: -4.425093, p: 0.00199633, crit: [-4.006, -3.437, -3.137] },
    { name: "TestADFNoConstant2", x: infl, regression: "n", maxlag: 1, stat: -2.4511596, p: 0.013747, crit: [-2.587, -1.95, -1.617] },
  ] as const;
  for (const c of cases) {
    it(`matches ${c.name}`, () => {
      const r = adfuller(c.x, { regression: c.regression, maxlag: c.maxlag, autolag: null });
      almost(r.stat, c.stat, 5);
      almost(r.pValue, c.p, 5);
      almost(r.critical["1%"], c.crit[0], 2);
      almost(r.critical["5%"], c.crit[1], 2);
      almost(r.critical["10%"], c.crit[2], 2);
      expect(r.usedLag).toBe(c.maxlag);
      expect(r.nobs).toBe(c.x.length - 1 - c.maxlag);
    });
  }

  it("picks lag 2 by AIC on log realgdp for every regression, from maxlag 15, and equals the fixed-lag test (test_adfuller_lag.py)", () => {
    const x = Array.from(realgdp, Math.log);
    for (const regression of ["n", "c", "ct", "ctt"] as const) {
      const auto = adfuller(x, { regression, autolag: "aic" });
      expect(auto.maxLag).toBe(15);
      expect(auto.usedLag).toBe(2);
      const fixed = adfuller(x, { regression, maxlag: 2, autolag: null });
      almost(auto.stat, fixed.stat, 12);
      almost(auto.pValue, fixed.pValue, 12);
    }
  });
});

describe("lag selection", () => {
  // Naive reference: fit every candidate lag separately on the maxlag-trimmed sample with ml-matrix and pick the
  // minimum criterion; the QR shortcut (nested residual sums) must choose the same lag and report the same IC.
  it("agrees with separate regressions per lag (AIC and BIC) on AR(2) data", async () => {
    const { Matrix, QrDecomposition } = await import("ml-matrix");
    const e = gaussians(400, 7);
    const x = new Float64Array(400);
    for (let t = 2; t < 400; t++) x[t] = x[t - 1]! + 0.5 * (x[t - 1]! - x[t - 2]!) + e[t]!;
    for (const ic of ["aic", "bic"] as const) {
      const maxlag = 8;
      const dx = x.slice(1).map((v, i) => v - x[i]!);
      const nobs = dx.length - maxlag;
      let best = Infinity;
      let bestLag = -1;
      for (let p = 0; p <= maxlag; p++) {
        const X = new Matrix(nobs, 2 + p);
        const Y = new Matrix(nobs, 1);
        for (let r = 0; r < nobs; r++) {
          const t = maxlag + r;
          X.set(r, 0, 1);
          X.set(r, 1, x[t]!);
          for (let i = 1; i <= p; i++) X.set(r, 1 + i, dx[t - i]!);
          Y.set(r, 0, dx[t]!);
        }
        const b = new QrDecomposition(X).solve(Y);
        const res = Y.clone().sub(X.mmul(b));
        let ssr = 0;
        for (let r = 0; r < nobs; r++) ssr += res.get(r, 0) ** 2;
        const llf = (-nobs / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / nobs) + 1);
        const val = -2 * llf + (ic === "aic" ? 2 : Math.log(nobs)) * (2 + p);
        if (val < best) {
          best = val;
          bestLag = p;
        }
      }
      const r = adfuller(x, { maxlag, autolag: ic });
      expect(r.usedLag).toBe(bestLag);
      expect(r.icBest).toBeCloseTo(best, 8);
    }
  });

  it("t-stat selection: the first lag, from maxlag down, whose last coefficient has |t| >= 1.645 (separate regressions)", async () => {
    const { Matrix, inverse } = await import("ml-matrix");
    for (const seed of [11, 12, 13]) {
      const e = gaussians(300, seed);
      const x = new Float64Array(300);
      for (let t = 3; t < 300; t++) x[t] = x[t - 1]! + 0.6 * (x[t - 1]! - x[t - 2]!) - 0.3 * (x[t - 2]! - x[t - 3]!) + e[t]!;
      const maxlag = 6;
      const dx = x.slice(1).map((v, i) => v - x[i]!);
      const nobs = dx.length - maxlag;
      let expected = 0;
      for (let p = maxlag; p >= 0; p--) {
        // Columns as statsmodels' fullRHS prefix: const, level, lags 1..p; t of the last column.
        const k = 2 + p;
        const X = new Matrix(nobs, k);
        const Y = new Matrix(nobs, 1);
        for (let r = 0; r < nobs; r++) {
          const t = maxlag + r;
          X.set(r, 0, 1);
          X.set(r, 1, x[t]!);
          for (let i = 1; i <= p; i++) X.set(r, 1 + i, dx[t - i]!);
          Y.set(r, 0, dx[t]!);
        }
        const xtxInv = inverse(X.transpose().mmul(X));
        const b = xtxInv.mmul(X.transpose().mmul(Y));
        const res = Y.clone().sub(X.mmul(b));
        let ssr = 0;
        for (let r = 0; r < nobs; r++) ssr += res.get(r, 0) ** 2;
        const tLast = b.get(k - 1, 0) / Math.sqrt((ssr / (nobs - k)) * xtxInv.get(k - 1, k - 1));
        expected = p;
        if (Math.abs(tLast) >= 1.6448536269514722) break;
      }
      expect(adfuller(x, { maxlag, autolag: "t-stat" }).usedLag).toBe(expected);
    }
  });
});

describe("adfuller behaviour", () => {
  it("rejects a unit root for white noise and not for a random walk", () => {
    const e = gaussians(1000, 3);
    expect(adfuller(e).pValue).toBeLessThan(0.001);
    const walk = new Float64Array(1000);
    for (let t = 1; t < 1000; t++) walk[t] = walk[t - 1]! + e[t]!;
    expect(adfuller(walk).pValue).toBeGreaterThan(0.05);
  });

  it("has about the nominal size under the null: ~5% of random walks reject at the 5% critical value", () => {
    let rejections = 0;
    const trials = 300;
    for (let k = 0; k < trials; k++) {
      const e = gaussians(250, 100 + k);
      const w = new Float64Array(250);
      for (let t = 1; t < 250; t++) w[t] = w[t - 1]! + e[t]!;
      const r = adfuller(w, { maxlag: 0, autolag: null });
      if (r.stat < r.critical["5%"]) rejections++;
    }
    // Binomial(300, 0.05): mean 15, sd 3.8.
    expect(rejections).toBeGreaterThan(3);
    expect(rejections).toBeLessThan(30);
  });

  it("errors name the problem", () => {
    expect(() => adfuller([1, 2, NaN, 4, 5, 6, 7, 8])).toThrow(/x\[2\] is NaN/);
    expect(() => adfuller(new Array(50).fill(3))).toThrow(/constant/);
    expect(() => adfuller(gaussians(20, 1), { maxlag: 9 })).toThrow(/maxlag 9 is too large/);
    expect(() => adfuller(gaussians(20, 1), { regression: "x" as never })).toThrow(/regression 'x'/);
    expect(() => adfuller(gaussians(20, 1), { lags: 2 } as never)).toThrow(/unknown key 'lags'/);
  });
});

describe("MacKinnon p-values and critical values", () => {
  it("the p-value at each asymptotic 2010 critical value is close to its level (two independent response surfaces)", () => {
    for (const reg of ["n", "c", "ct", "ctt"] as const) {
      const maxN = reg === "n" ? 1 : 6;
      for (let N = 1; N <= maxN; N++) {
        const crit = mackinnoncrit(N, reg, Infinity);
        expect(Math.abs(mackinnonp(crit["1%"], reg, N) - 0.01), `${reg} N=${N} 1%`).toBeLessThan(0.0025);
        expect(Math.abs(mackinnonp(crit["5%"], reg, N) - 0.05), `${reg} N=${N} 5%`).toBeLessThan(0.006);
        expect(Math.abs(mackinnonp(crit["10%"], reg, N) - 0.1), `${reg} N=${N} 10%`).toBeLessThan(0.01);
      }
    }
  });

  it("is continuous across tau* and monotone, 0 below tau_min and 1 above tau_max", () => {
    for (const reg of ["n", "c", "ct", "ctt"] as const) {
      for (let N = 1; N <= 6; N++) {
        let prev = 0;
        for (let t = -30; t <= 4; t += 0.02) {
          const p = mackinnonp(t, reg, N);
          expect(p).toBeGreaterThanOrEqual(prev - 1e-3); // the two pieces meet within 1e-3 at tau*
          prev = Math.max(prev, p);
        }
        expect(mackinnonp(-40, reg, N)).toBe(0);
        expect(mackinnonp(-Infinity, reg, N)).toBe(0);
      }
    }
    expect(mackinnonp(3, "c", 1)).toBe(1);
  });

  it("critical values at finite nobs are b_inf + b1/T + b2/T^2 + b3/T^3 (MacKinnon 2010 table, c, N=1)", () => {
    const T = 100;
    const c = mackinnoncrit(1, "c", T);
    expect(c["1%"]).toBeCloseTo(-3.43035 - 6.5393 / T - 16.786 / T ** 2 - 79.433 / T ** 3, 12);
    expect(c["10%"]).toBeCloseTo(-2.56677 - 1.5384 / T - 2.809 / T ** 2, 12);
    // Published asymptotic values (MacKinnon 2010, table 2).
    expect(mackinnoncrit(2, "c")["5%"]).toBe(-3.33613);
    expect(mackinnoncrit(2, "n")["5%"]).toBeNaN();
  });

  it("the normal CDF keeps relative precision in the tail and agrees with jStat in the body", () => {
    for (let x = -6; x <= 6; x += 0.25) expect(Math.abs(normalCdf(x) - jStat.normal.cdf(x, 0, 1))).toBeLessThan(1e-14);
    // Reference values: Phi(-10) = 7.619853024160527e-24, Phi(-5) = 2.866515718791939e-7 (erfc tables).
    expect(Math.abs(normalCdf(-10) / 7.619853024160527e-24 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(normalCdf(-5) / 2.866515718791939e-7 - 1)).toBeLessThan(1e-13);
  });
});
