/**
 * The batch format of the matching engine: one operation per row, as parallel typed-array columns of the same
 * length N, crossed into native code in one call by `OrderBook.processBatch`.
 *
 * | column       | type                            | meaning                                                        |
 * |--------------|---------------------------------|----------------------------------------------------------------|
 * | `op`         | Uint8Array (required)           | `Op`: submit 0, cancel 1, replace 2, advanceTime 3, endOfDay 4 |
 * | `id`         | BigInt64Array or Float64Array   | order id, a positive integer, unique among live orders         |
 * | `side`       | Uint8Array                      | `Side`: buy 0, sell 1                                          |
 * | `type`       | Uint8Array                      | `OrderType`: limit 0, market 1, stop 2, stopLimit 3, trailingStop 4 |
 * | `tif`        | Uint8Array                      | `TimeInForce`: GTC 0, IOC 1, FOK 2, DAY 3, GTD 4               |
 * | `price`      | BigInt64Array or Float64Array   | limit price in ticks (limit, stopLimit; replace)               |
 * | `qty`        | BigInt64Array or Float64Array   | quantity (replace: the new open quantity)                      |
 * | `stopPrice`  | BigInt64Array or Float64Array   | trigger price in ticks (stop, stopLimit)                       |
 * | `trail`      | BigInt64Array or Float64Array   | trailing distance in ticks (trailingStop)                      |
 * | `displayQty` | BigInt64Array or Float64Array   | iceberg display size, 0 = fully displayed                      |
 * | `expireNs`   | BigInt64Array or Float64Array   | GTD expiry, nanoseconds on the book clock                      |
 * | `ts`         | BigInt64Array or Float64Array   | operation time in nanoseconds; never earlier than the last one |
 * | `owner`      | Uint32Array                     | self-trade prevention group, 0 = none                          |
 * | `flags`      | Uint8Array                      | `Flag` bits: post-only reject/slide (submit), keep price/qty (replace) |
 *
 * Every column except `op` may be left out (it reads as zeros). Columns that do not apply to a row are ignored.
 * A Float64Array lets a row carry a non-integer value, which the engine rejects with the column's reason
 * (`priceOffTick` for a price, `invalidQuantity` for a quantity, ...); integers above 2^53 need BigInt64Array.
 *
 * Wrong column types or lengths throw a TypeError; wrong values are reject events (see `RejectReason`).
 */
import { Flag, Op, OrderType, Side, TimeInForce } from "./codes.js";
import type { OrderTypeName, SideName, TimeInForceName } from "./codes.js";

export type Int64Column = BigInt64Array | Float64Array;

export interface BatchColumns {
  op: Uint8Array;
  id?: Int64Column;
  side?: Uint8Array;
  type?: Uint8Array;
  tif?: Uint8Array;
  price?: Int64Column;
  qty?: Int64Column;
  stopPrice?: Int64Column;
  trail?: Int64Column;
  displayQty?: Int64Column;
  expireNs?: Int64Column;
  ts?: Int64Column;
  owner?: Uint32Array;
  flags?: Uint8Array;
}

/** An integer: a number (a non-integer number becomes a reject event) or a bigint. */
export type IntLike = number | bigint;

/** A new order, as the per-order API and `BatchBuilder.submit` take it. Prices are in ticks. */
export interface OrderRequest {
  id: IntLike;
  side: SideName;
  /** Default "limit". */
  type?: OrderTypeName;
  /** Default "GTC". Market orders never rest: any time in force but FOK acts as IOC for them. */
  tif?: TimeInForceName;
  /** Limit price in ticks: limit and stopLimit orders. */
  price?: IntLike;
  qty: IntLike;
  /** Trigger price in ticks: stop and stopLimit orders. */
  stopPrice?: IntLike;
  /** Trailing distance in ticks: trailingStop orders. */
  trail?: IntLike;
  /** Iceberg: the displayed slice; the rest is reserve, replenished at the back of the queue. */
  displayQty?: IntLike;
  /** GTD expiry, nanoseconds on the book clock. */
  expireNs?: IntLike;
  /** Operation time in nanoseconds (default 0). */
  ts?: IntLike;
  /** Self-trade prevention group (0 = none). */
  owner?: number;
  /** Post-only: reject the order, or slide it one tick behind the opposite best, when it would cross. */
  postOnly?: "reject" | "slide";
}

/** Changes to a resting order: a new price, a new open quantity (displayed plus reserve), or both. */
export interface ReplaceRequest {
  price?: IntLike;
  qty?: IntLike;
  ts?: IntLike;
}

const ORDER_KEYS = new Set([
  "id", "side", "type", "tif", "price", "qty", "stopPrice", "trail", "displayQty", "expireNs", "ts", "owner", "postOnly",
]);
const REPLACE_KEYS = new Set(["price", "qty", "ts"]);

/** A growable int64 column: BigInt64Array until a non-integer number arrives, then Float64Array. */
class IntColumn {
  big: BigInt64Array | undefined;
  f64: Float64Array | undefined;

  constructor(capacity: number) {
    this.big = new BigInt64Array(capacity);
  }

  set(i: number, v: IntLike): void {
    if (this.big !== undefined) {
      if (typeof v === "bigint") {
        this.big[i] = v;
        return;
      }
      if (Number.isInteger(v)) {
        this.big[i] = BigInt(v);
        return;
      }
      this.f64 = Float64Array.from(this.big, Number);
      this.big = undefined;
    }
    this.f64![i] = Number(v);
  }

  /** Back to BigInt64Array storage (after a batch that needed Float64Array). */
  reset(capacity: number): void {
    if (this.big === undefined) {
      this.big = new BigInt64Array(capacity);
      this.f64 = undefined;
    }
  }

  grow(capacity: number): void {
    if (this.big !== undefined) {
      const next = new BigInt64Array(capacity);
      next.set(this.big);
      this.big = next;
    } else {
      const next = new Float64Array(capacity);
      next.set(this.f64!);
      this.f64 = next;
    }
  }

  view(n: number): Int64Column {
    return this.big !== undefined ? this.big.subarray(0, n) : this.f64!.subarray(0, n);
  }
}

function fail(where: string, what: string): never {
  throw new TypeError(`${where}: ${what}.`);
}

function checkInt(where: string, key: string, v: unknown): IntLike {
  if (typeof v === "number" || typeof v === "bigint") return v;
  return fail(where, `${key} must be a number or a bigint, found ${v === null ? "null" : typeof v}`);
}

function lookup<T extends Record<string, number>>(where: string, key: string, table: T, v: unknown): number {
  if (typeof v === "string" && Object.prototype.hasOwnProperty.call(table, v)) return table[v]!;
  return fail(where, `${key} must be one of ${Object.keys(table).map((k) => `'${k}'`).join(", ")}, found ${JSON.stringify(v) ?? String(v)}`);
}

/**
 * Fills batch columns from order objects, for notebooks and tests:
 *
 *   const batch = new BatchBuilder()
 *     .submit({ id: 1, side: "buy", price: 10_000, qty: 5 })
 *     .submit({ id: 2, side: "sell", type: "market", qty: 2, ts: 1_000n })
 *     .replace(1, { price: 10_001 })
 *     .cancel(1)
 *     .build();
 *
 * Structural mistakes (unknown keys, a side that is not "buy"/"sell", a string where a number belongs) throw a
 * TypeError; values the engine would refuse (quantity 0, a price of 100.5 ticks) are written as given so that the
 * engine answers them with a reject event.
 */
export class BatchBuilder {
  private n = 0;
  private cap: number;
  private op: Uint8Array;
  private side: Uint8Array;
  private type: Uint8Array;
  private tif: Uint8Array;
  private owner: Uint32Array;
  private flags: Uint8Array;
  private readonly id: IntColumn;
  private readonly price: IntColumn;
  private readonly qty: IntColumn;
  private readonly stopPrice: IntColumn;
  private readonly trail: IntColumn;
  private readonly displayQty: IntColumn;
  private readonly expireNs: IntColumn;
  private readonly ts: IntColumn;

  constructor(capacity = 64) {
    this.cap = Math.max(1, capacity);
    this.op = new Uint8Array(this.cap);
    this.side = new Uint8Array(this.cap);
    this.type = new Uint8Array(this.cap);
    this.tif = new Uint8Array(this.cap);
    this.owner = new Uint32Array(this.cap);
    this.flags = new Uint8Array(this.cap);
    this.id = new IntColumn(this.cap);
    this.price = new IntColumn(this.cap);
    this.qty = new IntColumn(this.cap);
    this.stopPrice = new IntColumn(this.cap);
    this.trail = new IntColumn(this.cap);
    this.displayQty = new IntColumn(this.cap);
    this.expireNs = new IntColumn(this.cap);
    this.ts = new IntColumn(this.cap);
  }

  /** Rows so far. */
  get length(): number {
    return this.n;
  }

  /** Forgets the rows (keeps the storage). */
  clear(): this {
    this.n = 0;
    for (const c of this.intColumns()) c.reset(this.cap);
    return this;
  }

  /** A new order. */
  submit(order: OrderRequest): this {
    const where = "BatchBuilder.submit";
    if (order === null || typeof order !== "object") fail(where, "the order must be an object");
    for (const key of Object.keys(order)) {
      if (!ORDER_KEYS.has(key)) fail(where, `unknown key '${key}' (expected ${[...ORDER_KEYS].join(", ")})`);
    }
    const i = this.row(Op.submit, checkInt(where, "id", order.id), order.ts);
    this.side[i] = lookup(where, "side", Side, order.side);
    this.type[i] = order.type === undefined ? OrderType.limit : lookup(where, "type", OrderType, order.type);
    this.tif[i] = order.tif === undefined ? TimeInForce.GTC : lookup(where, "tif", TimeInForce, order.tif);
    this.qty.set(i, checkInt(where, "qty", order.qty));
    if (order.price !== undefined) this.price.set(i, checkInt(where, "price", order.price));
    if (order.stopPrice !== undefined) this.stopPrice.set(i, checkInt(where, "stopPrice", order.stopPrice));
    if (order.trail !== undefined) this.trail.set(i, checkInt(where, "trail", order.trail));
    if (order.displayQty !== undefined) this.displayQty.set(i, checkInt(where, "displayQty", order.displayQty));
    if (order.expireNs !== undefined) this.expireNs.set(i, checkInt(where, "expireNs", order.expireNs));
    if (order.owner !== undefined) {
      if (!Number.isInteger(order.owner) || order.owner < 0 || order.owner > 0xffffffff) {
        fail(where, `owner must be an integer in [0, 2^32), found ${String(order.owner)}`);
      }
      this.owner[i] = order.owner;
    }
    if (order.postOnly !== undefined) {
      this.flags[i] = lookup(where, "postOnly", { reject: Flag.postOnlyReject, slide: Flag.postOnlySlide }, order.postOnly);
    }
    const type = this.type[i]!;
    const needs = (cond: boolean, key: string, v: unknown): void => {
      if (cond && v === undefined) fail(where, `a ${order.type ?? "limit"} order needs ${key}`);
    };
    needs(type === OrderType.limit || type === OrderType.stopLimit, "price", order.price);
    needs(type === OrderType.stop || type === OrderType.stopLimit, "stopPrice", order.stopPrice);
    needs(type === OrderType.trailingStop, "trail", order.trail);
    needs(this.tif[i] === TimeInForce.GTD, "expireNs", order.expireNs);
    return this;
  }

  /** Cancels a live order (resting or pending stop). */
  cancel(id: IntLike, ts?: IntLike): this {
    this.row(Op.cancel, checkInt("BatchBuilder.cancel", "id", id), ts);
    return this;
  }

  /** Changes the price and/or the open quantity of a resting order; what is not given stays. */
  replace(id: IntLike, changes: ReplaceRequest): this {
    const where = "BatchBuilder.replace";
    if (changes === null || typeof changes !== "object") fail(where, "changes must be an object");
    for (const key of Object.keys(changes)) {
      if (!REPLACE_KEYS.has(key)) fail(where, `unknown key '${key}' (expected price, qty, ts)`);
    }
    const i = this.row(Op.replace, checkInt(where, "id", id), changes.ts);
    let flags = 0;
    if (changes.price === undefined) flags |= Flag.keepPrice;
    else this.price.set(i, checkInt(where, "price", changes.price));
    if (changes.qty === undefined) flags |= Flag.keepQty;
    else this.qty.set(i, checkInt(where, "qty", changes.qty));
    this.flags[i] = flags;
    return this;
  }

  /** Moves the book clock to `ts`; GTD orders due by then expire. */
  advanceTime(ts: IntLike): this {
    this.row(Op.advanceTime, 0, checkInt("BatchBuilder.advanceTime", "ts", ts));
    return this;
  }

  /** Moves the clock to `ts` and expires every DAY order. */
  endOfDay(ts: IntLike): this {
    this.row(Op.endOfDay, 0, checkInt("BatchBuilder.endOfDay", "ts", ts));
    return this;
  }

  /** The columns, as views of length `length` (valid until the builder is changed). */
  build(): Required<BatchColumns> {
    const n = this.n;
    return {
      op: this.op.subarray(0, n),
      id: this.id.view(n),
      side: this.side.subarray(0, n),
      type: this.type.subarray(0, n),
      tif: this.tif.subarray(0, n),
      price: this.price.view(n),
      qty: this.qty.view(n),
      stopPrice: this.stopPrice.view(n),
      trail: this.trail.view(n),
      displayQty: this.displayQty.view(n),
      expireNs: this.expireNs.view(n),
      ts: this.ts.view(n),
      owner: this.owner.subarray(0, n),
      flags: this.flags.subarray(0, n),
    };
  }

  private row(op: number, id: IntLike, ts: unknown): number {
    if (this.n === this.cap) this.grow(this.cap * 2);
    const i = this.n++;
    this.op[i] = op;
    this.side[i] = 0;
    this.type[i] = 0;
    this.tif[i] = 0;
    this.owner[i] = 0;
    this.flags[i] = 0;
    this.id.set(i, id);
    for (const c of [this.price, this.qty, this.stopPrice, this.trail, this.displayQty, this.expireNs]) c.set(i, 0);
    this.ts.set(i, ts === undefined ? 0 : checkInt("BatchBuilder", "ts", ts));
    return i;
  }

  private intColumns(): IntColumn[] {
    return [this.id, this.price, this.qty, this.stopPrice, this.trail, this.displayQty, this.expireNs, this.ts];
  }

  private grow(cap: number): void {
    const grown = <T extends Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const next = make(cap);
      next.set(a);
      return next;
    };
    this.op = grown(this.op, (n) => new Uint8Array(n));
    this.side = grown(this.side, (n) => new Uint8Array(n));
    this.type = grown(this.type, (n) => new Uint8Array(n));
    this.tif = grown(this.tif, (n) => new Uint8Array(n));
    this.flags = grown(this.flags, (n) => new Uint8Array(n));
    this.owner = grown(this.owner, (n) => new Uint32Array(n));
    for (const c of this.intColumns()) c.grow(cap);
    this.cap = cap;
  }
}
