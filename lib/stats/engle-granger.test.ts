import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { engleGranger, halfLife } from "./engle-granger.js";
import { adfuller } from "./adf.js";
import { mulberry32 } from "../util/prng.js";

function fixture(name: string): Record<string, Float64Array> {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), "utf8").trim();
  const [header, ...lines] = text.split("\n");
  const names = header!.split(",");
  const cols = names.map(() => new Float64Array(lines.length));
  lines.forEach((line, r) => line.split(",").forEach((v, c) => (cols[c]![r] = Number(v))));
  return Object.fromEntries(names.map((nm, i) => [nm, cols[i]!]));
}

function gaussians(n: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("engleGranger against statsmodels' published values", () => {
  it("TestCoint_t: realcons on realgdp, constant, no lags: t = -1.830170986148 (4 decimals)", () => {
    const m = fixture("macrodata.csv");
    const r = engleGranger(m.realcons!, m.realgdp!, { trend: "c", maxlag: 0, autolag: null });
    expect(Math.abs(r.stat - -1.830170986148)).toBeLessThan(1.5e-4);
  });

  // statsmodels test_stattools.py::test_coint, values from Stata's egranger: [t, crit 1%, 5%, 10%] for
  // y0 on y1 (0), y1:3 (1), y2: (2), y1: (3), maxlag 4 without lag search.
  const d = fixture("coint_seed123.csv");
  const y0 = d.y0!;
  const rhs = [[d.y1!], [d.y1!, d.y2!], [d.y2!, d.y3!], [d.y1!, d.y2!, d.y3!]];
  const egranger: Record<"c" | "ct" | "ctt" | "n", number[][]> = {
    ct: [
      [-5.615251442239, -4.406102369132, -3.82866685109, -3.532082997903],
      [-5.63591313706, -4.758609717199, -4.179130554708, -3.880909696863],
      [-2.892029275027, -4.758609717199, -4.179130554708, -3.880909696863],
      [-5.626932544079, -5.08363327039, -4.502469783057, -4.2031051091],
    ],
    c: [
      [-5.760696844656, -3.952321293401682, -3.367006313729, -3.065831247948],
      [-5.781087068772, -4.367111915942, -3.783961136005, -3.483501524709],
      [-2.477444137366, -4.367111915942, -3.783961136005, -3.483501524709],
      [-5.778205811661, -4.735249216434, -4.152738973763, -3.852480848968],
    ],
    ctt: [
      [-5.644431269946, -4.796038299708, -4.221469431008, -3.926472577178],
      [-5.665691609506, -5.111158174219, -4.53317278104, -4.23601008516],
      [-3.161462374828, -5.111158174219, -4.53317278104, -4.23601008516],
      [-5.657904558563, -5.406880189412, -4.826111619543, -4.527090164875],
    ],
    // statsmodels' own regression numbers (egranger has no "no constant" case); critical values are NaN.
    n: [[-3.7146175989071137], [-3.8199323012888384], [-1.6865000791270679], [-3.7991270451873675]],
  };
  for (const trend of ["c", "ct", "ctt", "n"] as const) {
    it(`matches Stata egranger for trend ${trend} with 1-3 right-hand series`, () => {
      rhs.forEach((y1, i) => {
        const r = engleGranger(y0, y1, { trend, maxlag: 4, autolag: null });
        const want = egranger[trend][i]!;
        expect(rel(r.stat, want[0]!), `case ${i} stat ${r.stat}`).toBeLessThan(1e-9);
        if (trend === "n") {
          expect(r.critical["5%"]).toBeNaN();
        } else {
          expect(Math.abs(r.critical["1%"] - want[1]!)).toBeLessThan(6e-7);
          expect(Math.abs(r.critical["5%"] - want[2]!)).toBeLessThan(6e-7);
          expect(Math.abs(r.critical["10%"] - want[3]!)).toBeLessThan(6e-7);
        }
      });
    });
  }

  it("with the default AIC lag search, trend ct: statsmodels' regression values (t, p)", () => {
    const r = engleGranger(y0, d.y1!, { trend: "ct", maxlag: 4 });
    expect(rel(r.stat, -13.992946638547112)).toBeLessThan(1e-9);
    expect(rel(r.pValue, 2.270898990540678e-27)).toBeLessThan(1e-8);
    expect(Math.abs(r.critical["5%"] - -3.82866685109)).toBeLessThan(6e-7);
  });

  it("identical series: stat -Infinity, p-value 0 (statsmodels' collinearity rule)", () => {
    const y = gaussians(200, 1);
    const r = engleGranger(y, y, { maxlag: 0, autolag: null });
    expect(r.stat).toBe(-Infinity);
    expect(r.pValue).toBe(0);
  });
});

describe("engleGranger on constructed pairs", () => {
  it("finds a cointegrated pair and the hedge ratio; residuals equal y0 - intercept - beta y1", () => {
    const n = 1000;
    const e = gaussians(n, 5);
    const u = gaussians(n, 6);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    let s = 0;
    for (let t = 0; t < n; t++) {
      x[t] = (t ? x[t - 1]! : 50) + e[t]!;
      s = 0.8 * s + u[t]!; // stationary AR(1) spread
      y[t] = 3 + 1.5 * x[t]! + s;
    }
    const r = engleGranger(y, x);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.beta[0]!).toBeCloseTo(1.5, 1);
    for (let t = 0; t < n; t += 97) expect(r.resid[t]!).toBeCloseTo(y[t]! - r.intercept - r.beta[0]! * x[t]!, 9);
    // The statistic is the ADF statistic (no deterministic terms) of those residuals.
    expect(r.stat).toBe(adfuller(r.resid, { regression: "n", maxlag: undefined, autolag: "aic" }).stat);
    // Half-life of an AR(1) with phi = 0.8: -ln2 / ln 0.8 = 3.1 bars.
    expect(halfLife(r.resid).halfLife).toBeGreaterThan(2.3);
    expect(halfLife(r.resid).halfLife).toBeLessThan(4.2);
  });

  it("independent random walks are rarely cointegrated (size about 5%)", () => {
    let rejections = 0;
    for (let k = 0; k < 200; k++) {
      const a = gaussians(250, 1000 + k);
      const b = gaussians(250, 5000 + k);
      for (let t = 1; t < 250; t++) {
        a[t] = a[t]! + a[t - 1]!;
        b[t] = b[t]! + b[t - 1]!;
      }
      if (engleGranger(a, b, { maxlag: 0, autolag: null }).pValue < 0.05) rejections++;
    }
    expect(rejections).toBeLessThan(22); // Binomial(200, 0.05): mean 10, sd 3.1
  });

  it("half-life is Infinity for a random walk drifting away and errors name the input", () => {
    expect(halfLife([1, 2, 4, 8, 16, 32]).halfLife).toBe(Infinity);
    expect(() => engleGranger([1, 2, 3], [1, 2])).toThrow(/y1 has length 2, expected the length of y0 \(3\)/);
    expect(() => engleGranger([1, 2, Infinity], [1, 2, 3])).toThrow(/y0\[2\] is Infinity/);
  });
});
