/**
 * Order arrival intensity at a distance from the mid, lambda(delta) = A exp(-kappa delta), fitted from trades: the
 * kappa (and A) of the Avellaneda-Stoikov market maker (Avellaneda & Stoikov 2008, section 2.3; the estimation as
 * in hftbacktest's "order arrival intensity" tutorial and Hummingbot's A-S trading-intensity indicator).
 *
 * Method. Market time is cut into windows of `windowNs`. At each window's start the mid m0 is taken from the
 * replayed L2 book (lib/data/market/reference-book.ts) after the window's first row (or its first two-sided one,
 * when the window opens inside a snapshot). Within the window every buy-aggressor trade at price p
 * reaches the depth p - m0 on the ask side, every sell-aggressor trade m0 - p on the bid side (ticks). A resting
 * quote at depth delta would have been hit in that window if the deepest trade of that side reached delta. So
 *   lambda(delta) = (side-windows whose deepest trade reached delta) / (2 x windows x window length in seconds),
 * per side and per second, at the depths delta = 0.5, 1, 1.5, ... ticks (half ticks: the mid sits on a half tick
 * when the spread is odd). kappa and ln A come from the least-squares line through (delta, ln lambda) over the
 * depths with lambda > 0, up to `maxDepthTicks`.
 *
 * Units: delta in ticks, kappa in 1/ticks, A and lambda in arrivals per second per side.
 */
import { EventKind, type MarketEvents } from "../data/market/events.js";
import { ReferenceBook } from "../data/market/reference-book.js";
import { ols, ones } from "../stats/ols.js";
import { contextError } from "../util/errors.js";

export interface ArrivalIntensityOptions {
  /** Window length in ns of local time (default 1 s). */
  windowNs?: bigint;
  /** Largest depth fitted, ticks (default 20). */
  maxDepthTicks?: number;
  /** Depth step, ticks (default 0.5). */
  stepTicks?: number;
  /** Only rows with localTs in [from, to) (default: all). The book is still built from the first row. */
  from?: bigint;
  to?: bigint;
  /** Instrument (default 0). */
  instrument?: number;
}

export interface ArrivalIntensity {
  /** Decay, 1/ticks. */
  kappa: number;
  /** Intensity at the mid, arrivals per second per side. */
  A: number;
  /** The depths (ticks) and measured intensities (per second per side) the line was fitted to. */
  depths: Float64Array;
  lambda: Float64Array;
  /** Windows measured and trades used. */
  windows: number;
  trades: number;
  /** R^2 of the log-linear fit. */
  r2: number;
}

/** Fits lambda(delta) = A exp(-kappa delta) to the trades of `events` (see the file comment for the method). */
export function fitArrivalIntensity(events: MarketEvents, opts: ArrivalIntensityOptions = {}): ArrivalIntensity {
  const windowNs = opts.windowNs ?? 1_000_000_000n;
  const maxDepth = opts.maxDepthTicks ?? 20;
  const step = opts.stepTicks ?? 0.5;
  const inst = opts.instrument ?? 0;
  if (windowNs <= 0n) throw contextError({ where: "fitArrivalIntensity", what: `windowNs is ${windowNs}`, expected: "a positive number of ns" });
  if (!(maxDepth > 0 && step > 0 && maxDepth / step <= 100_000)) {
    throw contextError({ where: "fitArrivalIntensity", what: `maxDepthTicks ${maxDepth}, stepTicks ${step}`, expected: "positive numbers, at most 100,000 depths" });
  }
  const nD = Math.floor(maxDepth / step);
  const depths = Float64Array.from({ length: nD }, (_, k) => (k + 1) * step);
  const reached = new Float64Array(nD);
  const book = new ReferenceBook();
  const n = events.kind.length;
  const from = opts.from ?? (n ? events.localTs[0]! : 0n);
  const to = opts.to ?? (n ? events.localTs[n - 1]! + 1n : 0n);

  let windows = 0;
  let trades = 0;
  let winEnd = -1n;
  let m0 = NaN;
  let deepBuy = -Infinity;
  let deepSell = -Infinity;
  const close = () => {
    if (Number.isNaN(m0)) return;
    windows++;
    for (let k = 0; k < nD; k++) {
      if (deepBuy >= depths[k]!) reached[k]!++;
      if (deepSell >= depths[k]!) reached[k]!++;
    }
  };
  const mid = (): number => {
    const b = book.bestBid();
    const a = book.bestAsk();
    return b && a && b[0] < a[0] ? (Number(b[0]) + Number(a[0])) / 2 : NaN;
  };
  for (let i = 0; i < n; i++) {
    if (events.instrument[i] !== inst) continue;
    const t = events.localTs[i]!;
    if (t >= to) break;
    const trade = events.kind[i] === EventKind.TRADE;
    if (!trade) book.apply(events, i);
    if (t < from) continue;
    if (winEnd < 0n || t >= winEnd) {
      if (winEnd >= 0n) {
        close();
        // Windows with no row at all in between count too: nothing reached any depth in them.
        if (!Number.isNaN(m0)) windows += Number((t - winEnd) / windowNs);
      }
      winEnd = winEnd < 0n ? t + windowNs : winEnd + ((t - winEnd) / windowNs + 1n) * windowNs;
      m0 = mid();
      deepBuy = -Infinity;
      deepSell = -Infinity;
    } else if (Number.isNaN(m0) && !trade) {
      // The window opened on a one-sided book (e.g. inside a snapshot): its mid is the first two-sided one.
      m0 = mid();
    }
    if (trade && !Number.isNaN(m0)) {
      trades++;
      const p = Number(events.price[i]!);
      if (events.side[i]! > 0) deepBuy = Math.max(deepBuy, p - m0);
      else deepSell = Math.max(deepSell, m0 - p);
    }
  }
  if (winEnd >= 0n) close();
  if (windows === 0) throw contextError({ where: "fitArrivalIntensity", what: "no window with a two-sided book", expected: "L2 rows and trades in the range" });

  const seconds = (windows * Number(windowNs)) / 1e9;
  const lambda = Float64Array.from(reached, (r) => r / (2 * seconds));
  // Least squares of ln lambda on delta over the depths with arrivals.
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < nD; k++) {
    if (lambda[k]! > 0) {
      xs.push(depths[k]!);
      ys.push(Math.log(lambda[k]!));
    }
  }
  const m = xs.length;
  if (m < 2) throw contextError({ where: "fitArrivalIntensity", what: `trades reached only ${m} of the depths`, expected: "at least 2 depths with arrivals", hint: "Use longer windows or more data" });
  const fit = ols([ones(m), Float64Array.from(xs)], Float64Array.from(ys), "fitArrivalIntensity");
  const intercept = fit.params[0]!;
  const slope = fit.params[1]!;
  const mean = ys.reduce((acc, v) => acc + v, 0) / m;
  const sst = ys.reduce((acc, v) => acc + (v - mean) ** 2, 0);
  return {
    kappa: -slope,
    A: Math.exp(intercept),
    depths,
    lambda,
    windows,
    trades,
    r2: sst > 0 ? 1 - fit.ssr / sst : 1,
  };
}
