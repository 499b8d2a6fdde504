import type { BookColumns } from "./book.js";
import { contextError } from "../util/errors.js";
import { nans, toF64, type Series } from "./series.js";

/**
 * Order flow imbalance of Cont, Kukanov & Stoikov (2014), per book update n >= 1 (best level only):
 *   e_n = 1{Pb_n >= Pb_{n-1}} qb_n - 1{Pb_n <= Pb_{n-1}} qb_{n-1} - 1{Pa_n <= Pa_{n-1}} qa_n + 1{Pa_n >= Pa_{n-1}} qa_{n-1}
 * Positive e_n is buying pressure (bid size added or ask size removed). e_0 is NaN (no previous state).
 * OFI over an interval is the sum of e_n over the updates in it (see `ofiByInterval`). Causal: e_n reads rows n-1, n.
 */
export function orderFlowImbalance(book: BookColumns): Float64Array {
  const pb = book.bidPrice[0]!, qb = book.bidSize[0]!, pa = book.askPrice[0]!, qa = book.askSize[0]!;
  const n = pb.length;
  const e = nans(n);
  for (let i = 1; i < n; i++) {
    e[i] =
      (pb[i]! >= pb[i - 1]! ? qb[i]! : 0) -
      (pb[i]! <= pb[i - 1]! ? qb[i - 1]! : 0) -
      (pa[i]! <= pa[i - 1]! ? qa[i]! : 0) +
      (pa[i]! >= pa[i - 1]! ? qa[i - 1]! : 0);
  }
  return e;
}

/**
 * Sums per-event values (e.g. OFI e_n) into consecutive time intervals [start + k dt, start + (k+1) dt), with
 * start = floor(time[0] / dt) dt. Returns each interval's end time, the sum (NaN events skipped) and the event
 * count, plus `last`, the index of the last event in each interval (-1 when empty), to align other series with.
 * `time` must be non-decreasing.
 */
export function ofiByInterval(
  time: Series,
  values: Series,
  dt: number,
): { end: Float64Array; sum: Float64Array; count: Float64Array; last: Int32Array } {
  const t = toF64(time, "ofiByInterval", "time");
  const v = toF64(values, "ofiByInterval", "values");
  if (!(dt > 0)) throw contextError({ where: "ofiByInterval", what: "dt must be positive", found: String(dt) });
  if (t.length === 0) return { end: new Float64Array(0), sum: new Float64Array(0), count: new Float64Array(0), last: new Int32Array(0) };
  const start = Math.floor(t[0]! / dt) * dt;
  const buckets = Math.floor((t[t.length - 1]! - start) / dt) + 1;
  const end = new Float64Array(buckets), sum = new Float64Array(buckets), count = new Float64Array(buckets);
  const last = new Int32Array(buckets).fill(-1);
  for (let k = 0; k < buckets; k++) end[k] = start + (k + 1) * dt;
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && t[i]! < t[i - 1]!) {
      throw contextError({ where: "ofiByInterval", what: `time decreases at index ${i}`, expected: "non-decreasing times" });
    }
    const k = Math.floor((t[i]! - start) / dt);
    last[k] = i;
    count[k]! += 1;
    if (!Number.isNaN(v[i]!)) sum[k]! += v[i]!;
  }
  return { end, sum, count, last };
}
