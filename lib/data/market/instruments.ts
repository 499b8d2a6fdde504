import { contextError } from "../../util/errors.js";
import type { InstrumentSpec, MarketEvents } from "./events.js";

/**
 * The instruments of several sets as one list, identical specs (symbol, venue, tick, lot) merged, and for each set
 * the map from its instrument indices to the list's.
 */
export function unionInstruments(sets: readonly MarketEvents[]): { instruments: InstrumentSpec[]; maps: Uint16Array[] } {
  const instruments: InstrumentSpec[] = [];
  const index = new Map<string, number>();
  const maps = sets.map((ev) =>
    Uint16Array.from(ev.instruments, (spec) => {
      const key = JSON.stringify([spec.symbol, spec.venue ?? null, spec.tickSize, spec.lotSize]);
      let k = index.get(key);
      if (k === undefined) {
        k = instruments.length;
        if (k > 0xffff) throw contextError({ what: "the sets have more than 65536 instruments together" });
        index.set(key, k);
        instruments.push({ ...spec });
      }
      return k;
    }),
  );
  return { instruments, maps };
}

/** True when the map is the identity (no remapping needed). */
export function isIdentity(map: Uint16Array): boolean {
  for (let k = 0; k < map.length; k++) if (map[k] !== k) return false;
  return true;
}
