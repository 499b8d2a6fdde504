import { contextError } from "../../util/errors.js";
import type { MarketEvents } from "./events.js";

/**
 * Shifts every localTs by one constant so that no row has a negative feed latency (localTs - exchTs), the way
 * hftbacktest's `correct_local_timestamp` does: when the smallest latency in the set is negative (the capture
 * machine's clock was behind the venue's), add `-minLatency + baseLatencyNs` to every localTs. Order is kept.
 *
 * hftbacktest's Binance BTCUSDT captures of 2024-08-08 need it: their local clock is about 1.27 s behind Binance's
 * event times, so a replay that sends orders at localTs + latency would reach a venue that is already 1.27 s
 * further on.
 *
 * Returns a new set whose `localTs` is a new array; the other columns are shared with `ev` (not copied).
 */
export function correctLocalTs(ev: MarketEvents, baseLatencyNs = 0n): { events: MarketEvents; shiftNs: bigint; minLatencyNs: bigint | null } {
  if (baseLatencyNs < 0n) {
    throw contextError({ where: "correctLocalTs", what: `baseLatencyNs is ${baseLatencyNs}`, expected: "a latency >= 0 ns" });
  }
  const n = ev.localTs.length;
  if (n === 0) return { events: ev, shiftNs: 0n, minLatencyNs: null };
  let min = ev.localTs[0]! - ev.exchTs[0]!;
  for (let i = 1; i < n; i++) {
    const d = ev.localTs[i]! - ev.exchTs[i]!;
    if (d < min) min = d;
  }
  if (min >= 0n) return { events: ev, shiftNs: 0n, minLatencyNs: min };
  const shift = -min + baseLatencyNs;
  const localTs = new BigInt64Array(n);
  for (let i = 0; i < n; i++) localTs[i] = ev.localTs[i]! + shift;
  return { events: { ...ev, localTs }, shiftNs: shift, minLatencyNs: min };
}
