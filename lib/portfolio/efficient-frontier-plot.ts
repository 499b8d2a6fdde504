/**
 * The efficient frontier as data and as a Plotly figure (plain `{ data, layout }` for `display.plot`).
 * The curve is traced by `efficientReturn` on an even grid of target returns from the minimum-volatility
 * portfolio's return to just below the maximum achievable return, under the frontier's bounds and constraints
 * (a fresh copy of the problem per point; the input frontier is not modified).
 */
import { contextError } from "../util/errors.js";
import { toNested, type PlotlyFigure } from "./inputs.js";
import { EfficientFrontier } from "./efficient-frontier.js";

export interface FrontierPoint {
  expectedReturn: number;
  volatility: number;
}

function copyOf(ef: EfficientFrontier): EfficientFrontier {
  const c = new EfficientFrontier(ef.expectedReturns!, { tickers: ef.tickers, matrix: toNested(ef.cov, ef.n) }, { weightBounds: Array.from(ef.lower, (l, i) => [l, ef.upper[i]!] as [number, number]) });
  Object.assign(c, { constraints: [...(ef as unknown as { constraints: unknown[] }).constraints], l2Gamma: (ef as unknown as { l2Gamma: number }).l2Gamma });
  return c;
}

/** Points (return, volatility) along the efficient frontier. */
export function efficientFrontierCurve(ef: EfficientFrontier, opts: { points?: number } = {}): FrontierPoint[] {
  if (!ef.expectedReturns) throw contextError({ where: "efficientFrontierCurve", what: "the frontier needs expected returns" });
  const points = opts.points ?? 50;
  if (!(points >= 2)) throw contextError({ where: "efficientFrontierCurve", what: "points must be at least 2", found: String(points) });
  const base = copyOf(ef);
  base.minVolatility();
  const lo = base.portfolioPerformance().expectedReturn;
  const hi = copyOf(ef).maxReturn();
  const out: FrontierPoint[] = [];
  for (let k = 0; k < points; k++) {
    const target = lo + ((hi - lo) * k) / (points - 1) - (k === points - 1 ? 1e-9 * Math.max(1, Math.abs(hi)) : 0);
    const e = copyOf(ef);
    e.efficientReturn(target);
    const p = e.portfolioPerformance();
    out.push({ expectedReturn: p.expectedReturn, volatility: p.volatility });
  }
  return out;
}

/**
 * A Plotly figure of the frontier, the individual assets, and optionally the max-Sharpe and min-volatility points
 * (computed on copies) with the capital market line.
 */
export function plotEfficientFrontier(ef: EfficientFrontier, opts: { points?: number; showAssets?: boolean; showMaxSharpe?: boolean; showMinVolatility?: boolean; riskFreeRate?: number; title?: string } = {}): PlotlyFigure {
  const curve = efficientFrontierCurve(ef, { points: opts.points });
  const data: Record<string, unknown>[] = [
    { type: "scatter", mode: "lines", name: "Efficient frontier", x: curve.map((p) => p.volatility), y: curve.map((p) => p.expectedReturn), line: { width: 2 } },
  ];
  if (opts.showAssets ?? true) {
    data.push({ type: "scatter", mode: "markers+text", name: "Assets", x: ef.tickers.map((_, i) => Math.sqrt(ef.cov[i * ef.n + i]!)), y: Array.from(ef.expectedReturns!), text: ef.tickers, textposition: "top center", marker: { size: 6, color: "#7f7f7f" } });
  }
  const rf = opts.riskFreeRate ?? 0.02;
  if (opts.showMinVolatility ?? true) {
    const e = copyOf(ef);
    e.minVolatility();
    const p = e.portfolioPerformance();
    data.push({ type: "scatter", mode: "markers", name: "Minimum volatility", x: [p.volatility], y: [p.expectedReturn], marker: { size: 12, symbol: "diamond", color: "#2ca02c" } });
  }
  if (opts.showMaxSharpe ?? true) {
    const e = copyOf(ef);
    e.maxSharpe({ riskFreeRate: rf });
    const p = e.portfolioPerformance();
    data.push({ type: "scatter", mode: "markers", name: `Maximum Sharpe (${p.sharpe.toFixed(2)})`, x: [p.volatility], y: [p.expectedReturn], marker: { size: 12, symbol: "star", color: "#d62728" } });
    const xmax = Math.max(...curve.map((c) => c.volatility));
    data.push({ type: "scatter", mode: "lines", name: "Capital market line", x: [0, xmax], y: [rf, rf + p.sharpe * xmax], line: { dash: "dash", width: 1, color: "#d62728" } });
  }
  return {
    data,
    layout: { title: { text: opts.title ?? "Efficient frontier" }, xaxis: { title: { text: "Volatility (annualised)" }, tickformat: ".0%" }, yaxis: { title: { text: "Expected return (annualised)" }, tickformat: ".0%" }, legend: { orientation: "h", y: -0.25 }, margin: { b: 110 } },
  };
}
