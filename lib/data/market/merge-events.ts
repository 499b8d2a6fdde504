import { contextError } from "../../util/errors.js";
import { firstUnsorted } from "./builder.js";
import type { MarketEvents } from "./events.js";
import { unionInstruments } from "./instruments.js";
import { allocEvents } from "./slice-events.js";

/**
 * Merges event sets (each sorted by localTs) into one sorted by localTs, e.g. several instruments' feeds. Stable:
 * rows with equal localTs keep their order within a set, and across sets come in the order of `sets`. Instrument
 * indices are remapped onto the union of the sets' instruments (identical specs become one instrument).
 * O(n * k) for k sets.
 */
export function mergeEvents(sets: readonly MarketEvents[]): MarketEvents {
  sets.forEach((ev, s) => {
    const bad = firstUnsorted(ev.localTs);
    if (bad >= 0) {
      throw contextError({
        where: `mergeEvents set ${s} row ${bad}`,
        what: "the set is not sorted by localTs",
        expected: `at least ${ev.localTs[bad - 1]}`,
        found: String(ev.localTs[bad]),
        hint: "Sort it first (sortByLocalTs)",
      });
    }
  });
  const { instruments, maps } = unionInstruments(sets);
  const total = sets.reduce((n, ev) => n + ev.kind.length, 0);
  const out = allocEvents(total, instruments);
  const k = sets.length;
  const pos = new Array<number>(k).fill(0);
  const len = sets.map((ev) => ev.kind.length);
  for (let o = 0; o < total; o++) {
    let best = -1;
    let bestTs = 0n;
    for (let s = 0; s < k; s++) {
      if (pos[s]! < len[s]!) {
        const ts = sets[s]!.localTs[pos[s]!]!;
        if (best < 0 || ts < bestTs) {
          best = s;
          bestTs = ts;
        }
      }
    }
    const ev = sets[best]!;
    const i = pos[best]!++;
    out.exchTs[o] = ev.exchTs[i]!;
    out.localTs[o] = bestTs;
    out.kind[o] = ev.kind[i]!;
    out.side[o] = ev.side[i]!;
    out.price[o] = ev.price[i]!;
    out.qty[o] = ev.qty[i]!;
    out.orderId[o] = ev.orderId[i]!;
    out.instrument[o] = maps[best]![ev.instrument[i]!]!;
  }
  return out;
}
