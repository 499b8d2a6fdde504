/** Trade-based microstructure features: trade signs, sign imbalance, Kyle's lambda, VPIN. */
import { checkKeys, contextError } from "../util/errors.js";
import { sma } from "./moving-averages.js";
import { rollingBeta } from "./rolling-corr.js";
import { checkInt, checkNumber, nans, sameLength, toF64, type Series } from "./series.js";
import { normalCdf } from "./normal.js";

/**
 * Trade signs by the tick rule (Lee & Ready 1991's fallback): +1 if the price rose from the last different price,
 * -1 if it fell; the first trade (and trades before any price change) get 0. Causal.
 */
export function tickRuleSigns(prices: Series): Float64Array {
  const p = toF64(prices, "tickRuleSigns", "prices");
  const out = new Float64Array(p.length);
  let sign = 0;
  for (let i = 1; i < p.length; i++) {
    if (p[i]! > p[i - 1]!) sign = 1;
    else if (p[i]! < p[i - 1]!) sign = -1;
    out[i] = sign;
  }
  return out;
}

/**
 * Trade sign imbalance over the last `window` trades: sum(sign) / window, or with `volume`,
 * sum(sign * volume) / sum(volume). In [-1, 1]; the first window-1 outputs are NaN.
 */
export function tradeSignImbalance(signs: Series, window: number, volume?: Series): Float64Array {
  checkInt(window, "tradeSignImbalance", "window");
  const s = toF64(signs, "tradeSignImbalance", "signs");
  if (volume === undefined) return sma(s, window);
  sameLength("tradeSignImbalance", { signs, volume });
  const v = toF64(volume, "tradeSignImbalance", "volume");
  const sv = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) sv[i] = s[i]! * v[i]!;
  const num = sma(sv, window);
  const den = sma(v, window);
  for (let i = 0; i < s.length; i++) num[i] = num[i]! / den[i]!;
  return num;
}

/**
 * Kyle's lambda (Kyle 1985), estimated as in Hasbrouck's regression: the rolling OLS slope (with intercept) of
 * price changes dp_t = p_t - p_{t-1} on signed volume q_t = sign_t * volume_t over the last `window` observations
 * (trades or bars). Units: price per unit of volume. The first `window` outputs are NaN (dp_0 is undefined).
 */
export function kyleLambda(trades: { price: Series; volume: Series; sign: Series }, window: number): Float64Array {
  const n = sameLength("kyleLambda", { price: trades.price, volume: trades.volume, sign: trades.sign });
  const p = toF64(trades.price, "kyleLambda", "price");
  const v = toF64(trades.volume, "kyleLambda", "volume");
  const s = toF64(trades.sign, "kyleLambda", "sign");
  const dp = nans(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0) dp[i] = p[i]! - p[i - 1]!;
    q[i] = s[i]! * v[i]!;
  }
  return rollingBeta(dp, q, window);
}

export interface VpinOptions {
  /** Volume per bucket V (required). */
  bucketVolume: number;
  /** Buckets averaged (default 50, as in Easley, López de Prado & O'Hara 2012). */
  buckets?: number;
  /** Trade signs (+1 buy, -1 sell); default: the tick rule on prices. Ignored with `sigma`. */
  sign?: Series;
  /**
   * Bulk volume classification instead of signs: a trade's buy fraction is Phi(dp / sigma), dp the change from the
   * previous trade price and sigma its standard deviation, given by the caller (estimating it from the whole sample
   * would read the future).
   */
  sigma?: number;
}

/**
 * VPIN, volume-synchronised probability of informed trading (Easley, López de Prado & O'Hara 2012): trades are
 * poured into buckets of equal volume V (a trade may be split across buckets); VPIN after bucket k is
 * sum over the last n buckets of |V_buy - V_sell| / (n V).
 * Returns per bucket the index of the trade that completed it and its VPIN (NaN for the first n-1), and a
 * per-trade series holding the VPIN of the last completed bucket (point-in-time: known at that trade).
 */
export function vpin(
  trades: { price: Series; volume: Series },
  opts: VpinOptions,
): { bucketEnd: Int32Array; bucketVpin: Float64Array; perTrade: Float64Array } {
  const o = checkKeys(opts, ["bucketVolume", "buckets", "sign", "sigma"], "vpin");
  const V = checkNumber(o.bucketVolume, "vpin", "bucketVolume", Number.MIN_VALUE);
  const nb = checkInt(o.buckets ?? 50, "vpin", "buckets");
  const n = sameLength("vpin", { price: trades.price, volume: trades.volume });
  const p = toF64(trades.price, "vpin", "price");
  const vol = toF64(trades.volume, "vpin", "volume");
  let buyFraction: (i: number) => number;
  if (o.sigma !== undefined) {
    const sigma = checkNumber(o.sigma, "vpin", "sigma", Number.MIN_VALUE);
    buyFraction = (i) => (i === 0 ? 0.5 : normalCdf((p[i]! - p[i - 1]!) / sigma));
  } else {
    const s = o.sign === undefined ? tickRuleSigns(p) : toF64(o.sign, "vpin", "sign");
    if (s.length !== n) throw contextError({ where: "vpin", what: `sign has length ${s.length}`, expected: `${n}` });
    buyFraction = (i) => (s[i]! > 0 ? 1 : s[i]! < 0 ? 0 : 0.5);
  }
  const ends: number[] = [];
  const imbalances: number[] = [];
  const perTrade = nans(n);
  let filled = 0, buy = 0, sell = 0, windowSum = 0;
  let current = NaN;
  for (let i = 0; i < n; i++) {
    let left = vol[i]!;
    if (!(left > 0)) {
      perTrade[i] = current;
      continue;
    }
    const f = buyFraction(i);
    while (left > 0) {
      const take = Math.min(left, V - filled);
      buy += take * f;
      sell += take * (1 - f);
      filled += take;
      left -= take;
      if (filled >= V * (1 - 1e-12)) {
        const imb = Math.abs(buy - sell);
        imbalances.push(imb);
        ends.push(i);
        windowSum += imb;
        if (imbalances.length > nb) windowSum -= imbalances[imbalances.length - 1 - nb]!;
        current = imbalances.length >= nb ? windowSum / (nb * V) : NaN;
        filled = buy = sell = 0;
      }
    }
    perTrade[i] = current;
  }
  const bucketVpin = nans(ends.length);
  let acc = 0;
  for (let k = 0; k < imbalances.length; k++) {
    acc += imbalances[k]!;
    if (k >= nb) acc -= imbalances[k - nb]!;
    if (k + 1 >= nb) bucketVpin[k] = acc / (nb * V);
  }
  return { bucketEnd: Int32Array.from(ends), bucketVpin, perTrade };
}
