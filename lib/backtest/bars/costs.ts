/**
 * Commission and slippage models of the bar engine: small functions, combined by `commission()` and
 * `slippage()` from plain-object specs. Units: bps = 1e-4 of notional (commission) or of price (slippage);
 * per-share amounts and minimums in quote currency.
 */
import { contextError } from "../../util/errors.js";
import type { CommissionModel, CommissionSpec, FillCostInput, SlippageModel, SlippageSpec } from "./types.js";

function nonNegative(value: unknown, where: string, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw contextError({ where, what: `${name} must be a finite number >= 0`, found: JSON.stringify(value) });
  }
  return value;
}

function checkKeys(spec: object, keys: readonly string[], where: string): void {
  for (const key of Object.keys(spec)) {
    if (!keys.includes(key)) throw contextError({ where, what: `unknown key '${key}'`, expected: `one of ${keys.join(", ")}` });
  }
}

/** No commission. */
export const noCommission: CommissionModel = () => 0;

/** No slippage. */
export const noSlippage: SlippageModel = (price) => price;

/** Commission proportional to notional: bps * 1e-4 * notional per fill. */
export function bpsCommission(bps: number): CommissionModel {
  const rate = nonNegative(bps, "bpsCommission", "bps") * 1e-4;
  return (f: FillCostInput) => rate * f.notional;
}

/** Per-share commission with a minimum per fill (e.g. 0.005 per share, minimum 1.00: Interactive Brokers' fixed plan). */
export function perShareCommission(perShare: number, opts: { minimum?: number } = {}): CommissionModel {
  return commission({ perShare, minimum: opts.minimum });
}

/**
 * Commission from a spec: fee = max(minimum, bps * 1e-4 * notional + perShare * shares) per fill, each field
 * defaulting to 0. A function passes through unchanged.
 */
export function commission(spec: CommissionSpec | CommissionModel): CommissionModel {
  if (typeof spec === "function") return spec;
  if (spec === null || typeof spec !== "object") throw contextError({ where: "commission", what: "the spec must be an object", found: String(spec) });
  checkKeys(spec, ["bps", "perShare", "minimum"], "commission");
  const rate = nonNegative(spec.bps ?? 0, "commission", "bps") * 1e-4;
  const perShare = nonNegative(spec.perShare ?? 0, "commission", "perShare");
  const minimum = nonNegative(spec.minimum ?? 0, "commission", "minimum");
  if (rate === 0 && perShare === 0 && minimum === 0) return noCommission;
  return (f: FillCostInput) => Math.max(minimum, rate * f.notional + perShare * Math.abs(f.shares));
}

/** Slippage of `bps` of the price, against us: a buy pays price * (1 + bps * 1e-4), a sell gets price * (1 - bps * 1e-4). */
export function bpsSlippage(bps: number): SlippageModel {
  return slippage({ bps });
}

/** Fixed slippage of `amount` currency per share against us (e.g. half a spread of 0.01). */
export function fixedSlippage(amount: number): SlippageModel {
  return slippage({ fixed: amount });
}

/** Slippage from a spec: price moves against us by bps * 1e-4 * price + fixed. A function passes through unchanged. */
export function slippage(spec: SlippageSpec | SlippageModel): SlippageModel {
  if (typeof spec === "function") return spec;
  if (spec === null || typeof spec !== "object") throw contextError({ where: "slippage", what: "the spec must be an object", found: String(spec) });
  checkKeys(spec, ["bps", "fixed"], "slippage");
  const rate = nonNegative(spec.bps ?? 0, "slippage", "bps") * 1e-4;
  const fixed = nonNegative(spec.fixed ?? 0, "slippage", "fixed");
  if (rate === 0 && fixed === 0) return noSlippage;
  return (price, side) => price + side * (rate * price + fixed);
}
