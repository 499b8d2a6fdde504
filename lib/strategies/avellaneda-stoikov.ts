/**
 * The Avellaneda-Stoikov market maker (M. Avellaneda, S. Stoikov, "High-frequency trading in a limit order book",
 * Quantitative Finance 8(3), 2008), written once against the ports of lib/trading/ports.
 *
 * With mid s, inventory q (in quote sizes: position / qty), risk aversion gamma, mid volatility sigma and time
 * left tau = T - t, the quotes are
 *   reservation price     r = s - q gamma sigma^2 tau                                   (A-S eq. 29)
 *   optimal total spread  delta_a + delta_b = gamma sigma^2 tau + (2 / gamma) ln(1 + gamma / kappa)   (eq. 30)
 *   bid = r - spread / 2, ask = r + spread / 2,
 * kappa being the decay of the order arrival intensity lambda(delta) = A exp(-kappa delta) (fitArrivalIntensity).
 * Units: prices and spreads in ticks, sigma in ticks per sqrt(second), tau in seconds, kappa in 1/ticks, gamma in
 * 1/ticks (per quote size of inventory).
 *
 * Time left: with `horizonNs` alone, tau is that constant (a rolling horizon, the usual choice for a market that
 * never closes); with `cycleNs` too, T is the end of the current cycle of that length (epoch-aligned, e.g. a day)
 * and tau falls from cycleNs to 0 inside each one, as in the paper's finite horizon.
 *
 * Volatility: `sigma` fixed, or estimated online (no look-ahead) from the mid at each wake-up as the EWMA of
 * squared mid changes per second: v <- (1 - a) v + a dm^2 / dt, a = 1 - 2^(-dt / halfLife); sigma = sqrt(v). Until
 * `warmupNs` of market time has passed the strategy only measures and does not quote.
 *
 * Execution: every `stepNs` of market time (default 100 ms) it recomputes the quotes, rounds the bid down and the
 * ask up to the tick grid, keeps them at least one tick inside the other side's touch (post-only, GTX), and moves
 * a live quote by cancel/replace only when its price is `requoteTicks` or more away from the target (queue
 * priority is kept otherwise). A side stops quoting while |position| would pass `maxPosition` lots; an order whose
 * request is still in flight is left alone until its response arrives.
 */
import type { OrderState, Strategy, StrategyContext } from "../trading/ports/index.js";
import { checkKeys } from "../stats/input.js";
import { contextError } from "../util/errors.js";

export interface AvellanedaStoikovParams {
  /** Risk aversion, 1/ticks per quote size of inventory (> 0). */
  gamma: number;
  /** Arrival-intensity decay, 1/ticks (> 0), from fitArrivalIntensity. */
  kappa: number;
  /** Mid volatility in ticks per sqrt(second); omit to estimate it online (EWMA). */
  sigma?: number;
  /** Half-life of the online volatility EWMA, ns (default 30 s). */
  sigmaHalfLifeNs?: bigint;
  /** Market time spent measuring before the first quote when sigma is estimated (default 10 s). */
  warmupNs?: bigint;
  /** Constant time left tau, ns (default 1 s). */
  horizonNs?: bigint;
  /** Finite-horizon cycles of this length (epoch-aligned); tau = time to the end of the current cycle. */
  cycleNs?: bigint;
  /** Lots per quote (default 1). */
  qty?: number;
  /** Position limit in lots (default 10 quote sizes). */
  maxPosition?: number;
  /** Re-quote when the live price is this many ticks off the target (default 1). */
  requoteTicks?: number;
  /** Wake-up period, ns of market time (default 100 ms). */
  stepNs?: bigint;
  /** Smallest half-spread in ticks, a floor under the formula (default 0.5: quotes may sit at the touch). */
  minHalfSpread?: number;
  instrument?: number;
}

export interface AsQuoteInput {
  mid: number;
  /** Inventory in quote sizes. */
  q: number;
  gamma: number;
  kappa: number;
  sigma: number;
  /** Time left, seconds. */
  tau: number;
}

export interface AsQuote {
  reservation: number;
  /** Total spread delta_a + delta_b, ticks. */
  spread: number;
  bid: number;
  ask: number;
}

/** The A-S reservation price and optimal quotes (eqs. 29-30), unrounded, in ticks. */
export function avellanedaStoikovQuote(x: AsQuoteInput): AsQuote {
  const risk = x.gamma * x.sigma * x.sigma * x.tau;
  const reservation = x.mid - x.q * risk;
  const spread = risk + (2 / x.gamma) * Math.log1p(x.gamma / x.kappa);
  return { reservation, spread, bid: reservation - spread / 2, ask: reservation + spread / 2 };
}

/** Validated parameters with defaults filled in. */
export function avellanedaStoikovConfig(p: AvellanedaStoikovParams): Readonly<Required<Omit<AvellanedaStoikovParams, "sigma" | "cycleNs">> & Pick<AvellanedaStoikovParams, "sigma" | "cycleNs">> {
  checkKeys(p, ["gamma", "kappa", "sigma", "sigmaHalfLifeNs", "warmupNs", "horizonNs", "cycleNs", "qty", "maxPosition", "requoteTicks", "stepNs", "minHalfSpread", "instrument"], "avellanedaStoikov params");
  const pos = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw contextError({ where: "avellanedaStoikov params", what: `${name} is ${v}`, expected: "a positive finite number" });
  };
  const posNs = (name: string, v: bigint | undefined) => {
    if (v !== undefined && !(typeof v === "bigint" && v > 0n)) throw contextError({ where: "avellanedaStoikov params", what: `${name} is ${String(v)}`, expected: "a positive bigint (ns)" });
  };
  pos("gamma", p.gamma);
  pos("kappa", p.kappa);
  if (p.gamma === undefined || p.kappa === undefined) throw contextError({ where: "avellanedaStoikov params", what: "gamma and kappa are required" });
  if (p.sigma !== undefined && !(Number.isFinite(p.sigma) && p.sigma >= 0)) throw contextError({ where: "avellanedaStoikov params", what: `sigma is ${p.sigma}`, expected: "a finite number >= 0" });
  pos("qty", p.qty);
  pos("maxPosition", p.maxPosition);
  pos("requoteTicks", p.requoteTicks);
  if (p.minHalfSpread !== undefined && !(p.minHalfSpread >= 0)) throw contextError({ where: "avellanedaStoikov params", what: `minHalfSpread is ${p.minHalfSpread}`, expected: "a number >= 0" });
  posNs("sigmaHalfLifeNs", p.sigmaHalfLifeNs);
  posNs("horizonNs", p.horizonNs);
  posNs("cycleNs", p.cycleNs);
  posNs("stepNs", p.stepNs);
  if (p.warmupNs !== undefined && !(typeof p.warmupNs === "bigint" && p.warmupNs >= 0n)) throw contextError({ where: "avellanedaStoikov params", what: `warmupNs is ${String(p.warmupNs)}`, expected: "a bigint >= 0 (ns)" });
  if (p.qty !== undefined && !Number.isInteger(p.qty)) throw contextError({ where: "avellanedaStoikov params", what: `qty is ${p.qty}`, expected: "a whole number of lots" });
  const qty = p.qty ?? 1;
  return Object.freeze({
    gamma: p.gamma,
    kappa: p.kappa,
    sigma: p.sigma,
    sigmaHalfLifeNs: p.sigmaHalfLifeNs ?? 30_000_000_000n,
    warmupNs: p.sigma === undefined ? (p.warmupNs ?? 10_000_000_000n) : (p.warmupNs ?? 0n),
    horizonNs: p.horizonNs ?? 1_000_000_000n,
    cycleNs: p.cycleNs,
    qty,
    maxPosition: p.maxPosition ?? 10 * qty,
    requoteTicks: p.requoteTicks ?? 1,
    stepNs: p.stepNs ?? 100_000_000n,
    minHalfSpread: p.minHalfSpread ?? 0.5,
    instrument: p.instrument ?? 0,
  });
}

const live = (o: OrderState | undefined): o is OrderState =>
  o !== undefined && (o.status === "pending" || o.status === "open" || o.status === "partially_filled");

/** Online EWMA of squared mid changes per second (ticks^2/s), fed at each wake-up. */
class EwmaVariance {
  private lastMid = NaN;
  private lastT = 0n;
  private v = NaN;
  constructor(private readonly halfLifeNs: bigint) {}
  update(t: bigint, mid: number): void {
    if (!Number.isNaN(this.lastMid) && t > this.lastT) {
      const dtNs = Number(t - this.lastT);
      const dm = mid - this.lastMid;
      const rate = (dm * dm) / (dtNs / 1e9);
      const a = 1 - Math.pow(2, -dtNs / Number(this.halfLifeNs));
      this.v = Number.isNaN(this.v) ? rate : (1 - a) * this.v + a * rate;
    }
    this.lastMid = mid;
    this.lastT = t;
  }
  get sigma(): number {
    return Math.sqrt(this.v);
  }
}

/** The strategy. Log lines: one "quotes" line per 100 wake-ups with the current reservation, spread and sigma. */
export const avellanedaStoikov: Strategy<AvellanedaStoikovParams> = async (ctx: StrategyContext, params: AvellanedaStoikovParams) => {
  const c = avellanedaStoikovConfig(params);
  const inst = c.instrument;
  const ex = ctx.execution;
  const vol = new EwmaVariance(c.sigmaHalfLifeNs);
  const start = ctx.clock.now();
  // Per side: the live order's id, the price last requested for it (a replace in flight already counts) and
  // whether a cancel is in flight, so a request is never repeated while the venue's answer is on its way.
  const sides = [
    { side: 1 as const, id: -1, sent: NaN, cancelling: false },
    { side: -1 as const, id: -1, sent: NaN, cancelling: false },
  ];
  let wakes = 0;

  // Places, moves or cancels one side's quote.
  const quote = (s: (typeof sides)[number], price: number, allowed: boolean): void => {
    const o = ex.order(s.id);
    if (!live(o)) {
      s.cancelling = false;
      if (!allowed) return;
      s.id = ex.submit({ instrument: inst, side: s.side, price, qty: c.qty, tif: "GTX", tag: s.side > 0 ? "bid" : "ask" });
      s.sent = price;
      return;
    }
    if (o.status === "pending" || s.cancelling) return;
    if (!allowed) {
      ex.cancel(s.id);
      s.cancelling = true;
    } else if (Math.abs(s.sent - price) >= c.requoteTicks) {
      ex.replace(s.id, price, c.qty);
      s.sent = price;
    }
  };

  while (await ctx.elapse(c.stepNs)) {
    const now = ctx.clock.now();
    const top = ctx.marketData.top(inst);
    if (Number.isNaN(top.bidPrice) || Number.isNaN(top.askPrice) || top.bidPrice >= top.askPrice) continue;
    const mid = (top.bidPrice + top.askPrice) / 2;
    vol.update(now, mid);
    const sigma = c.sigma ?? vol.sigma;
    if (now - start < c.warmupNs || !Number.isFinite(sigma)) continue;

    const tauNs = c.cycleNs === undefined ? c.horizonNs : c.cycleNs - (((now % c.cycleNs) + c.cycleNs) % c.cycleNs);
    const pos = ctx.portfolio.position(inst);
    const q = avellanedaStoikovQuote({ mid, q: pos / c.qty, gamma: c.gamma, kappa: c.kappa, sigma, tau: Number(tauNs) / 1e9 });
    const half = Math.max(q.spread / 2, c.minHalfSpread);
    // Round away from the reservation price, then stay off the other side's touch (post-only).
    const bid = Math.min(Math.floor(q.reservation - half), top.askPrice - 1);
    const ask = Math.max(Math.ceil(q.reservation + half), top.bidPrice + 1);
    quote(sides[0]!, bid, pos + c.qty <= c.maxPosition);
    quote(sides[1]!, ask, pos - c.qty >= -c.maxPosition);
    if (++wakes % 100 === 0) {
      ctx.log.info("quotes", { reservation: q.reservation, spread: q.spread, sigma, position: pos, bid, ask });
    }
  }
};
