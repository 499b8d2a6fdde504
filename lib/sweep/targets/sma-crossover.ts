/**
 * A ready-made sweep target: a long/flat SMA crossover on the bundled GOOG daily closes (2004-2013,
 * datasets/goog_daily.csv). Long from the close after fast SMA > slow SMA until the close after it crosses back;
 * the position earns the next day's close-to-close return (no look-ahead); `costBps` is charged on each change
 * of position. Metrics: total return, Sharpe (daily returns, ddof=1, annualised by sqrt(252), risk-free 0),
 * max drawdown (fraction of the running peak), number of position changes.
 *
 * It exists so that `omq sweep` and the distributed sweep have a real, deterministic target out of the box.
 */
import { readFileSync } from "node:fs";
import { datasetPath } from "../../data/datasets.js";
import { sma } from "../../features/moving-averages.js";
import { contextError } from "../../util/errors.js";
import type { ParamSet } from "../space.js";

let closes: Float64Array | undefined;

function googCloses(): Float64Array {
  if (closes) return closes;
  const path = datasetPath("goog_daily.csv");
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const out = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const v = Number(lines[i]!.split(",")[4]);
    if (!Number.isFinite(v)) throw contextError({ where: `${path} row ${i + 1}`, what: "Close is not a number", found: lines[i]!.split(",")[4] });
    out[i - 1] = v;
  }
  return (closes = out);
}

export function evaluate(params: ParamSet): Record<string, number> {
  const fast = Number(params["fast"]);
  const slow = Number(params["slow"]);
  const costBps = Number(params["costBps"] ?? 0);
  if (!Number.isInteger(fast) || !Number.isInteger(slow) || fast < 1 || slow <= fast) {
    throw contextError({ where: "sma-crossover", what: "windows are wrong", expected: "whole numbers with 1 <= fast < slow", found: `fast ${params["fast"]}, slow ${params["slow"]}` });
  }
  const c = googCloses();
  const f = sma(c, fast);
  const s = sma(c, slow);
  let pos = 0;
  let equity = 1;
  let peak = 1;
  let maxDd = 0;
  let changes = 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let t = 1; t < c.length; t++) {
    const r = pos * (c[t]! / c[t - 1]! - 1);
    const want = f[t]! > s[t]! ? 1 : 0; // decided at t's close, earns from t+1
    const cost = want !== pos ? (costBps / 1e4) * Math.abs(want - pos) : 0;
    if (want !== pos) changes++;
    const day = (1 + r) * (1 - cost) - 1;
    equity *= 1 + day;
    peak = Math.max(peak, equity);
    maxDd = Math.max(maxDd, 1 - equity / peak);
    sum += day;
    sumSq += day * day;
    n++;
    pos = want;
  }
  const mean = sum / n;
  const sd = Math.sqrt((sumSq - n * mean * mean) / (n - 1));
  return { totalReturn: equity - 1, sharpe: sd > 0 ? (mean / sd) * Math.sqrt(252) : 0, maxDrawdown: maxDd, trades: changes };
}
