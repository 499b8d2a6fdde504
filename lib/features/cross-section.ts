/**
 * Cross-sectional transforms: each acts on one cross-section (the values of many symbols at one time) and ignores
 * NaNs (they stay NaN and do not count). `crossSection` applies one to every time row of a panel; a row's output
 * reads only that row, so these are point-in-time whenever their inputs are.
 */
import { contextError } from "../util/errors.js";
import { checkNumber, nans, toF64, type Series } from "./series.js";

/**
 * Ranks 1..m (m = number of non-NaN values), ties get their average rank; with `pct`, rank / m in (0, 1]
 * (pandas `rank(pct=True)`).
 */
export function rank(values: Series, opts: { pct?: boolean } = {}): Float64Array {
  const x = toF64(values, "rank");
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) idx.push(i);
  idx.sort((a, b) => x[a]! - x[b]!);
  const out = nans(x.length);
  const m = idx.length;
  for (let s = 0; s < m; ) {
    let e = s;
    while (e + 1 < m && x[idx[e + 1]!] === x[idx[s]!]) e++;
    const r = (s + e) / 2 + 1;
    for (let j = s; j <= e; j++) out[idx[j]!] = opts.pct ? r / m : r;
    s = e + 1;
  }
  return out;
}

/** Cross-sectional z-score (x - mean) / std over the non-NaN values, std with `ddof` (default 1). NaN if std = 0. */
export function zscore(values: Series, opts: { ddof?: number } = {}): Float64Array {
  const x = toF64(values, "zscore");
  const ddof = opts.ddof ?? 1;
  let m = 0, sum = 0;
  for (const v of x) if (!Number.isNaN(v)) (m++, (sum += v));
  const out = nans(x.length);
  if (m - ddof <= 0) return out;
  const mean = sum / m;
  let ss = 0;
  for (const v of x) if (!Number.isNaN(v)) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (m - ddof));
  for (let i = 0; i < x.length; i++) out[i] = sd > 0 ? (x[i]! - mean) / sd : NaN;
  return out;
}

/**
 * Winsorises at the `lower` and `upper` quantiles (default 0.05 / 0.95) of the non-NaN values: values below/above
 * are set to those quantiles. Quantiles by linear interpolation between order statistics (pandas/numpy default).
 */
export function winsorize(values: Series, opts: { lower?: number; upper?: number } = {}): Float64Array {
  const x = toF64(values, "winsorize");
  const lo = checkNumber(opts.lower ?? 0.05, "winsorize", "lower", 0, 1);
  const hi = checkNumber(opts.upper ?? 0.95, "winsorize", "upper", 0, 1);
  if (lo > hi) throw contextError({ where: "winsorize", what: `lower (${lo}) exceeds upper (${hi})` });
  const sorted = Array.from(x).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const out = Float64Array.from(x);
  if (sorted.length === 0) return out;
  const q = (p: number) => {
    const h = (sorted.length - 1) * p;
    const f = Math.floor(h);
    return f + 1 < sorted.length ? sorted[f]! + (h - f) * (sorted[f + 1]! - sorted[f]!) : sorted[f]!;
  };
  const a = q(lo), b = q(hi);
  for (let i = 0; i < out.length; i++) if (!Number.isNaN(out[i]!)) out[i] = Math.min(Math.max(out[i]!, a), b);
  return out;
}

/** Subtracts from each value the mean of its group (e.g. sector) over the non-NaN values of that group. */
export function demeanByGroup(values: Series, groups: ArrayLike<string | number>): Float64Array {
  const x = toF64(values, "demeanByGroup");
  if (groups.length !== x.length) {
    throw contextError({ where: "demeanByGroup", what: `groups has length ${groups.length}`, expected: `${x.length}` });
  }
  const acc = new Map<string | number, { sum: number; n: number }>();
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]!)) continue;
    const g = acc.get(groups[i]!) ?? { sum: 0, n: 0 };
    g.sum += x[i]!;
    g.n++;
    acc.set(groups[i]!, g);
  }
  const out = nans(x.length);
  for (let i = 0; i < x.length; i++) {
    const g = acc.get(groups[i]!);
    if (g && !Number.isNaN(x[i]!)) out[i] = x[i]! - g.sum / g.n;
  }
  return out;
}

/**
 * Applies a cross-sectional transform to every time row of a panel { symbol: series over time } (all the same
 * length) and returns a panel of the same shape.
 */
export function crossSection(
  panel: Record<string, Series>,
  transform: (row: Float64Array, symbols: readonly string[]) => Float64Array,
): Record<string, Float64Array> {
  const symbols = Object.keys(panel);
  const cols = symbols.map((s) => toF64(panel[s]!, "crossSection", s));
  const n = cols[0]?.length ?? 0;
  for (const [j, c] of cols.entries()) {
    if (c.length !== n) throw contextError({ where: "crossSection", what: `${symbols[j]} has length ${c.length}`, expected: `${n}` });
  }
  const out = cols.map(() => new Float64Array(n));
  const row = new Float64Array(symbols.length);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < cols.length; j++) row[j] = cols[j]![t]!;
    const r = transform(row, symbols);
    for (let j = 0; j < cols.length; j++) out[j]![t] = r[j]!;
  }
  return Object.fromEntries(symbols.map((s, j) => [s, out[j]!]));
}
