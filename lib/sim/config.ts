/** The configuration of an order book, validated once at the boundary and frozen. */
import { checkKeys, contextError } from "../util/errors.js";
import { StpMode } from "./codes.js";
import type { StpModeName } from "./codes.js";

export interface BookConfig {
  /** Price units per tick (e.g. 0.01), for `toTicks`/`fromTicks`. The engine itself works in ticks. */
  tickSize: number;
  /** Lowest accepted price, in ticks (default -(2^62)). */
  minPrice?: number | bigint;
  /** Highest accepted price, in ticks (default 2^62). */
  maxPrice?: number | bigint;
  /** Self-trade prevention between orders of the same non-zero owner (default "none"). */
  stp?: StpModeName;
}

export interface ResolvedBookConfig {
  readonly tickSize: number;
  readonly minPrice: bigint;
  readonly maxPrice: bigint;
  readonly stp: StpModeName;
}

const KEYS = ["tickSize", "minPrice", "maxPrice", "stp"];
const LIMIT = 1n << 62n;

function toBigInt(v: unknown, key: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  throw contextError({ where: "OrderBook config", what: `${key} is ${String(v)}`, expected: "an integer number of ticks" });
}

export function resolveBookConfig(config: unknown): ResolvedBookConfig {
  const where = "OrderBook config";
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw contextError({ where, what: "the config must be an object", expected: "{ tickSize, minPrice?, maxPrice?, stp? }" });
  }
  const c = config as Record<string, unknown>;
  checkKeys(c, KEYS, where, "");
  const tickSize = c.tickSize;
  if (typeof tickSize !== "number" || !(tickSize > 0) || !Number.isFinite(tickSize)) {
    throw contextError({ where, what: `tickSize is ${String(tickSize)}`, expected: "a positive finite number of price units" });
  }
  const minPrice = c.minPrice === undefined ? -LIMIT : toBigInt(c.minPrice, "minPrice");
  const maxPrice = c.maxPrice === undefined ? LIMIT : toBigInt(c.maxPrice, "maxPrice");
  if (minPrice < -LIMIT || maxPrice > LIMIT || minPrice > maxPrice) {
    throw contextError({ where, what: `the price range [${minPrice}, ${maxPrice}] is invalid`, expected: "-(2^62) <= minPrice <= maxPrice <= 2^62" });
  }
  const stp = c.stp === undefined ? "none" : c.stp;
  if (typeof stp !== "string" || !Object.prototype.hasOwnProperty.call(StpMode, stp)) {
    throw contextError({ where, what: `stp is ${JSON.stringify(stp)}`, expected: `one of ${Object.keys(StpMode).join(", ")}` });
  }
  return Object.freeze({ tickSize, minPrice, maxPrice, stp: stp as StpModeName });
}
