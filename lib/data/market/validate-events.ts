import { contextError } from "../../util/errors.js";
import { EventKind, type MarketEvents } from "./events.js";

const KINDS = new Set<number>(Object.values(EventKind));
const COLUMNS = ["exchTs", "localTs", "kind", "side", "price", "qty", "orderId", "instrument"] as const;
const TYPES = {
  exchTs: BigInt64Array,
  localTs: BigInt64Array,
  kind: Uint8Array,
  side: Int8Array,
  price: BigInt64Array,
  qty: BigInt64Array,
  orderId: BigUint64Array,
  instrument: Uint16Array,
} as const;

/**
 * Checks that `ev` honours the MarketEvents contract: every column of its typed-array type and of one length,
 * known kinds, sides in {-1, 0, 1}, instrument indices inside `instruments`, localTs non-decreasing, and each
 * instrument with a positive tick and lot. Throws an error naming `name`, the row and the column otherwise.
 */
export function validateEvents(ev: MarketEvents, name = "events"): void {
  const n = ev.kind?.length;
  for (const c of COLUMNS) {
    const a = ev[c] as unknown;
    if (!(a instanceof TYPES[c])) {
      throw contextError({ where: name, what: `the column ${c} is not a ${TYPES[c].name}`, found: a === undefined ? "nothing" : (a as object).constructor?.name });
    }
    if ((a as { length: number }).length !== n) {
      throw contextError({ where: name, what: `the column ${c} has ${(a as { length: number }).length} rows`, expected: `${n}, as kind` });
    }
  }
  if (!Array.isArray(ev.instruments)) throw contextError({ where: name, what: "instruments is not an array" });
  ev.instruments.forEach((spec, k) => {
    if (!(spec.tickSize > 0) || !(spec.lotSize > 0) || typeof spec.symbol !== "string") {
      throw contextError({ where: `${name} instrument ${k}`, what: "the spec is wrong", expected: "a symbol and a positive tickSize and lotSize", found: JSON.stringify(spec) });
    }
  });
  const m = ev.instruments.length;
  for (let i = 0; i < n; i++) {
    if (!KINDS.has(ev.kind[i]!)) throw contextError({ where: `${name} row ${i}`, what: `kind is ${ev.kind[i]}`, expected: "an EventKind (1..10)" });
    const s = ev.side[i]!;
    if (s !== 1 && s !== -1 && s !== 0) throw contextError({ where: `${name} row ${i}`, what: `side is ${s}`, expected: "-1, 0 or 1" });
    if (ev.instrument[i]! >= m) throw contextError({ where: `${name} row ${i}`, what: `instrument is ${ev.instrument[i]}`, expected: `an index below ${m} (the number of instruments)` });
    if (i > 0 && ev.localTs[i]! < ev.localTs[i - 1]!) {
      throw contextError({ where: `${name} row ${i}`, what: "localTs goes backwards", expected: `at least ${ev.localTs[i - 1]}`, found: String(ev.localTs[i]) });
    }
  }
}
