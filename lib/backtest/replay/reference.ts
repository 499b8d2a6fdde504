/**
 * A deliberately plain TypeScript model of the replay engine (native/src/replay), written from its specification
 * (the header comments of replay.hpp, exchange.hpp and queue_models.hpp) with simple data structures: Maps for
 * book levels, arrays for our resting orders, bigints for money. It is the oracle of the property tests and the
 * peer of the replay benchmark.
 *
 * Scope: L2 data (DEPTH, DEPTH_CLEAR, DEPTH_SNAPSHOT, TRADE, BBO), the risk-averse and probabilistic queue models
 * without randomisation, constant latency (with cancel delay), both exchange modes and no-double-fill. No equity
 * samples, no trade recording, no L3.
 */
import type { InstrumentSpec, MarketEvents } from "../../data/market/events.js";
import { EventKind } from "../../data/market/events.js";
import { Op, OrderTypeCode, RejectReason, ResponseKind, RunStatus, TifCode } from "./codes.js";
import type { ConstantLatencyModel, FeeModel, QueueModel } from "./models.js";
import type { ReplayResponse } from "./engine.js";

export interface ReferenceConfig {
  instruments: readonly InstrumentSpec[];
  latency: ConstantLatencyModel;
  queue: QueueModel;
  fees: FeeModel;
  exchange?: "partial" | "noPartial";
  noDoubleFill?: boolean;
}

/** A response as the strategy receives it: the same record as the engine's (only the logic is kept apart). */
export type ReferenceResponse = ReplayResponse;

export interface ReferenceAccount {
  position: bigint;
  cash: bigint;
  fees: bigint;
  realised: bigint;
  volume: bigint;
  fills: number;
}

interface Row {
  exch: bigint;
  local: bigint;
  kind: number;
  side: number;
  price: number;
  qty: number;
  instrument: number;
}

interface Req {
  op: number;
  id: number;
  instrument: number;
  side: number;
  price: number;
  qty: number;
  type: number;
  tif: number;
  valid: boolean;
  reason: number;
}

interface Ord {
  id: number;
  instrument: number;
  side: number;
  price: number;
  leaves: number;
  type: number;
  tif: number;
  front: number;
  cumTrade: number;
}

/** One side of a book: price -> qty, best found by scanning (plain, not fast). */
class Side {
  readonly levels = new Map<number, number>();
  constructor(readonly isBid: boolean) {}
  qty(p: number): number {
    return this.levels.get(p) ?? 0;
  }
  set(p: number, q: number): number {
    const prev = this.qty(p);
    if (q === 0) this.levels.delete(p);
    else this.levels.set(p, q);
    return prev;
  }
  best(): number | undefined {
    let b: number | undefined;
    for (const p of this.levels.keys()) if (b === undefined || (this.isBid ? p > b : p < b)) b = p;
    return b;
  }
  /** Levels best first. */
  sorted(): [number, number][] {
    return [...this.levels.entries()].sort((a, b) => (this.isBid ? b[0] - a[0] : a[0] - b[0]));
  }
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }
}

class Book {
  bids = new Side(true);
  asks = new Side(false);
  side(s: number): Side {
    return s > 0 ? this.bids : this.asks;
  }
  mid2(): number {
    const b = this.bids.best();
    const a = this.asks.best();
    return b === undefined || a === undefined ? NaN : b + a;
  }
}

class Account implements ReferenceAccount {
  position = 0n;
  cash = 0n;
  fees = 0n;
  realised = 0n;
  volume = 0n;
  fills = 0;
  private lots: { price: bigint; qty: bigint }[] = [];

  apply(side: number, price: number, qty: number, ratePpb: number): void {
    const p = BigInt(price);
    const q = BigInt(qty);
    this.cash -= BigInt(side) * p * q;
    this.fees += p * q * BigInt(ratePpb);
    this.volume += q;
    this.fills += 1;
    let left = q;
    while (left > 0n && this.position !== 0n && this.position > 0n !== side > 0) {
      const lot = this.lots[0]!;
      const m = lot.qty < left ? lot.qty : left;
      this.realised += (this.position > 0n ? p - lot.price : lot.price - p) * m;
      lot.qty -= m;
      left -= m;
      this.position += BigInt(side) * m;
      if (lot.qty === 0n) this.lots.shift();
    }
    if (left > 0n) {
      this.lots.push({ price: p, qty: left });
      this.position += BigInt(side) * left;
    }
  }
}

function queueProb(q: QueueModel, front: number, back: number): number {
  if (front < 0) front = 0;
  if (back < 0) back = 0;
  const pw = (x: number) => {
    if (Number.isInteger(q.n) && q.n >= 1 && q.n <= 16) {
      let r = x;
      for (let i = 1; i < q.n; i++) r *= x;
      return r;
    }
    return Math.pow(x, q.n);
  };
  switch (q.kind) {
    case "power":
      return pw(back) / (pw(back) + pw(front));
    case "power2":
      return pw(back) / pw(back + front);
    case "power3":
      return 1 - pw(front / (front + back));
    case "log":
      return Math.log1p(back) / (Math.log1p(back) + Math.log1p(front));
    case "log2":
      return Math.log1p(back) / Math.log1p(back + front);
    default:
      return 1;
  }
}

export class ReferenceReplay {
  private readonly cfg: ReferenceConfig;
  private readonly partial: boolean;
  private readonly unit: number[];
  private rows: Row[] = [];
  private exchOrder: number[] = [];
  private ei = 0;
  private li = 0;
  private final = false;
  now: bigint | undefined;
  private reqBus: { at: bigint; req: Req }[] = [];
  private respBus: ReferenceResponse[] = [];
  private lastReq: bigint | undefined;
  private lastResp: bigint | undefined;
  private readonly books: Book[];
  private readonly localBooks: Book[];
  private readonly resting: { buys: Ord[]; sells: Ord[] }[];
  private readonly consumed: Map<number, number>[][];
  private readonly live = new Map<number, Ord>();
  readonly accounts: Account[];
  readonly localAccounts: Account[];
  /** Responses delivered by the last run call. */
  delivered: ReferenceResponse[] = [];

  constructor(cfg: ReferenceConfig) {
    this.cfg = cfg;
    this.partial = (cfg.exchange ?? "partial") === "partial";
    const n = cfg.instruments.length;
    this.unit = cfg.instruments.map((s) => s.tickSize * s.lotSize);
    this.books = Array.from({ length: n }, () => new Book());
    this.localBooks = Array.from({ length: n }, () => new Book());
    this.resting = Array.from({ length: n }, () => ({ buys: [], sells: [] }));
    this.consumed = Array.from({ length: n }, () => [new Map(), new Map()]);
    this.accounts = Array.from({ length: n }, () => new Account());
    this.localAccounts = Array.from({ length: n }, () => new Account());
  }

  /** Appends a chunk (all rows; validation is the native engine's business, rows are assumed well formed). */
  append(ev: MarketEvents, tsOffsetNs = 0n): void {
    const start = this.rows.length;
    for (let i = 0; i < ev.kind.length; i++) {
      this.rows.push({
        exch: ev.exchTs[i]! + tsOffsetNs,
        local: ev.localTs[i]! + tsOffsetNs,
        kind: ev.kind[i]!,
        side: ev.side[i]!,
        price: Number(ev.price[i]!),
        qty: Number(ev.qty[i]!),
        instrument: ev.instrument ? ev.instrument[i]! : 0,
      });
    }
    const idx: number[] = [];
    for (let i = start; i < this.rows.length; i++) idx.push(i);
    // Stable sort by exchange time within the chunk (Array.prototype.sort is stable).
    idx.sort((a, b) => (this.rows[a]!.exch < this.rows[b]!.exch ? -1 : this.rows[a]!.exch > this.rows[b]!.exch ? 1 : 0));
    for (const k of idx) this.exchOrder.push(k); // not push(...idx): a 600k-row chunk overflows the call stack
    if (this.now === undefined && idx.length > 0) {
      const e = this.rows[idx[0]!]!.exch;
      const l = this.rows[start]!.local;
      this.now = e < l ? e : l;
    }
  }

  finish(): void {
    this.final = true;
  }

  /** Sends a request at the current time (same fields and validation as the native request record). */
  submit(op: number, id: number, instrument: number, side: number, price: number, qty: number, type = 0, tif = 0): void {
    const r = this.parse([op, id, instrument, side, price, qty, type, tif]);
    const now = this.now ?? 0n;
    let e = this.cfg.latency.entryNs;
    if (r.op === Op.cancel || r.op === Op.replace) e += this.cfg.latency.cancelDelayNs;
    let at = now + e;
    if (this.lastReq !== undefined && this.lastReq > at) at = this.lastReq;
    this.lastReq = at;
    this.reqBus.push({ at, req: r });
  }

  run(until: bigint, step = false): number {
    const UNTIL_END = (1n << 63n) - 2n;
    this.delivered = [];
    for (;;) {
      const now = this.now ?? 0n;
      const er = this.ei < this.exchOrder.length ? this.rows[this.exchOrder[this.ei]!]! : undefined;
      const lr = this.li < this.rows.length ? this.rows[this.li]! : undefined;
      if ((!er || !lr) && !this.final) return RunStatus.needData;
      const NEVER = 1n << 63n;
      const te = er ? (er.exch > now ? er.exch : now) : NEVER;
      const tl = lr ? (lr.local > now ? lr.local : now) : NEVER;
      const tq = this.reqBus.length ? this.reqBus[0]!.at : NEVER;
      const tr = this.respBus.length ? this.respBus[0]!.ts : NEVER;
      let tmin = te;
      for (const t of [tl, tq, tr]) if (t < tmin) tmin = t;
      if (tmin === NEVER) {
        // The data is over; the clock still runs to a finite `until` (native kUntilEnd = 2^63 - 2 does not move it).
        if (until < UNTIL_END && until > now) this.now = until;
        return RunStatus.end;
      }
      if (tmin > until) {
        if (until > now) this.now = until;
        return RunStatus.reached;
      }
      this.now = tmin;
      if (te === tmin) {
        this.onRow(er!, te);
        this.ei++;
      } else if (tq === tmin) {
        const { req } = this.reqBus.shift()!;
        this.onRequest(req, tq);
      } else if (tr === tmin) {
        const r = this.respBus.shift()!;
        this.delivered.push(r);
        if (r.kind === ResponseKind.fill) {
          const f = this.cfg.fees;
          this.localAccounts[r.instrument]!.apply(r.side, r.price, r.qty, r.maker ? f.makerPpb : f.takerPpb);
        }
        if (step) return RunStatus.stepped;
      } else {
        this.onLocal(lr!);
        this.li++;
        if (step) return RunStatus.stepped;
      }
    }
  }

  /** Top of the local book. */
  top(i = 0): { bidPrice: number; askPrice: number } {
    return { bidPrice: this.localBooks[i]!.bids.best() ?? NaN, askPrice: this.localBooks[i]!.asks.best() ?? NaN };
  }

  // --- requests -------------------------------------------------------------------------------------------------

  private parse(f: number[]): Req {
    const [opD, idD, instD, sideD, priceD, qtyD, typeD, tifD] = f as [number, number, number, number, number, number, number, number];
    const r: Req = { op: 0, id: 0, instrument: 0, side: 0, price: 0, qty: 0, type: 0, tif: 0, valid: true, reason: 0 };
    const bad = (why: number) => {
      if (r.valid) {
        r.valid = false;
        r.reason = why;
      }
    };
    const integral = (v: number, lim: number) => Number.isFinite(v) && Math.trunc(v) === v && Math.abs(v) < lim;
    r.op = opD === 1 || opD === 2 || opD === 3 ? opD : 0;
    if (r.op === 0) bad(RejectReason.badOp);
    if (integral(idD, 2 ** 53) && idD >= 1) r.id = idD;
    else bad(RejectReason.badId);
    if (integral(instD, 65536) && instD >= 0 && instD < this.cfg.instruments.length) r.instrument = instD;
    else if (r.op === Op.new) bad(RejectReason.badInstrument);
    r.side = sideD === 1 ? 1 : sideD === -1 ? -1 : 0;
    if (r.side === 0 && r.op === Op.new) bad(RejectReason.badSide);
    r.type = typeD === 0 ? 0 : typeD === 1 ? 1 : 255;
    r.tif = tifD === 0 || tifD === 1 || tifD === 2 || tifD === 3 ? tifD : 255;
    if (r.op === Op.new && (r.type === 255 || r.tif === 255)) bad(RejectReason.badType);
    const needsPrice = (r.op === Op.new && r.type === OrderTypeCode.limit) || r.op === Op.replace;
    const needsQty = r.op === Op.new || r.op === Op.replace;
    if (integral(priceD, 2 ** 62)) r.price = priceD;
    else if (needsPrice) bad(RejectReason.badPrice);
    if (integral(qtyD, 2 ** 62) && qtyD >= 1) r.qty = qtyD;
    else if (needsQty) bad(RejectReason.badQty);
    return r;
  }

  private onRequest(r: Req, t: bigint): void {
    if (r.op === Op.new) this.newOrder(r, t);
    else if (r.op === Op.cancel) this.cancel(r, t);
    else if (r.op === Op.replace) this.replace(r, t);
    else this.reject(r, ResponseKind.rejected, RejectReason.badOp, t);
  }

  private marketable(i: number, side: number, price: number): boolean {
    const b = this.books[i]!;
    if (side > 0) {
      const a = b.asks.best();
      return a !== undefined && price >= a;
    }
    const bb = b.bids.best();
    return bb !== undefined && price <= bb;
  }

  private newOrder(r: Req, t: bigint): void {
    if (!r.valid) return this.reject(r, ResponseKind.rejected, r.reason, t);
    if (this.live.has(r.id)) return this.reject(r, ResponseKind.rejected, RejectReason.duplicateId, t);
    const i = r.instrument;
    const o: Ord = { id: r.id, instrument: i, side: r.side, price: r.price, leaves: r.qty, type: r.type, tif: r.tif, front: 0, cumTrade: 0 };
    const opp = this.books[i]!.side(-r.side);
    if (r.type === OrderTypeCode.market) {
      o.price = 0;
      const best = opp.best();
      if (best === undefined) return this.emit(o, ResponseKind.expired, RejectReason.noLiquidity, t, 0, o.leaves, 0);
      if (!this.partial) return this.fill(o, t, best, o.leaves, false);
      this.take(o, t, false);
      if (o.leaves > 0) this.emit(o, ResponseKind.expired, RejectReason.noLiquidity, t, 0, o.leaves, 0);
      return;
    }
    if (this.marketable(i, o.side, o.price)) {
      if (o.tif === TifCode.GTX) return this.reject(r, ResponseKind.rejected, RejectReason.postOnlyWouldCross, t);
      if (!this.partial) return this.fill(o, t, opp.best()!, o.leaves, false);
      if (o.tif === TifCode.FOK) {
        let avail = 0;
        for (const [p, q] of opp.sorted()) {
          if (o.side > 0 ? p > o.price : p < o.price) break;
          avail += this.available(i, -o.side, p, q);
        }
        if (avail < o.leaves) return this.emit(o, ResponseKind.expired, 0, t, o.price, o.leaves, 0);
      }
      this.take(o, t, true);
      if (o.leaves <= 0) return;
      if (o.tif !== TifCode.GTC) return this.emit(o, ResponseKind.expired, 0, t, o.price, o.leaves, 0);
      if (!this.cfg.noDoubleFill) return this.fill(o, t, o.price, o.leaves, false);
      this.rest(o);
      o.front = 0;
      return this.emit(o, ResponseKind.accepted, 0, t, o.price, o.leaves, o.leaves);
    }
    if (o.tif === TifCode.IOC || o.tif === TifCode.FOK) return this.emit(o, ResponseKind.expired, 0, t, o.price, o.leaves, 0);
    this.rest(o);
    this.emit(o, ResponseKind.accepted, 0, t, o.price, o.leaves, o.leaves);
  }

  private cancel(r: Req, t: bigint): void {
    const o = this.live.get(r.id);
    if (!o) return this.reject(r, ResponseKind.cancelRejected, RejectReason.notOpen, t);
    this.unrest(o);
    this.emit(o, ResponseKind.cancelled, 0, t, o.price, o.leaves, 0);
    o.leaves = 0;
    this.live.delete(o.id);
  }

  private replace(r: Req, t: bigint): void {
    const o = this.live.get(r.id);
    if (!o) return this.reject(r, ResponseKind.replaceRejected, RejectReason.notOpen, t);
    if (!r.valid) return this.reject(r, ResponseKind.replaceRejected, r.reason, t);
    if (r.price === o.price && r.qty <= o.leaves) {
      o.leaves = r.qty;
      return this.emit(o, ResponseKind.replaced, 0, t, o.price, o.leaves, o.leaves);
    }
    const mk = this.marketable(o.instrument, o.side, r.price);
    if (mk && o.tif === TifCode.GTX) return this.reject(r, ResponseKind.replaceRejected, RejectReason.postOnlyWouldCross, t);
    this.unrest(o);
    o.price = r.price;
    o.leaves = r.qty;
    this.emit(o, ResponseKind.replaced, 0, t, o.price, o.leaves, o.leaves);
    if (mk) {
      if (!this.partial) {
        this.fill(o, t, this.books[o.instrument]!.side(-o.side).best()!, o.leaves, false);
      } else {
        this.take(o, t, true);
        if (o.leaves > 0 && !this.cfg.noDoubleFill) this.fill(o, t, o.price, o.leaves, false);
      }
      if (o.leaves <= 0) {
        this.live.delete(o.id);
        return;
      }
      this.rest(o);
      o.front = 0;
      return;
    }
    this.rest(o);
  }

  private take(o: Ord, t: bigint, hasLimit: boolean): void {
    const bs = -o.side;
    for (const [p, q] of this.books[o.instrument]!.side(bs).sorted()) {
      if (o.leaves <= 0) break;
      if (hasLimit && (o.side > 0 ? p > o.price : p < o.price)) break;
      const avail = this.available(o.instrument, bs, p, q);
      if (avail <= 0) continue;
      const n = Math.min(avail, o.leaves);
      this.fill(o, t, p, n, false);
      if (this.cfg.noDoubleFill) {
        const m = this.consumed[o.instrument]![bs > 0 ? 0 : 1]!;
        m.set(p, (m.get(p) ?? 0) + n);
      }
    }
  }

  private available(i: number, bs: number, p: number, displayed: number): number {
    if (!this.cfg.noDoubleFill) return displayed;
    const c = this.consumed[i]![bs > 0 ? 0 : 1]!.get(p) ?? 0;
    return displayed > c ? displayed - c : 0;
  }

  private resetConsumed(i: number, bs: number, p: number): void {
    this.consumed[i]![bs > 0 ? 0 : 1]!.delete(p);
  }

  private rest(o: Ord): void {
    o.front = this.books[o.instrument]!.side(o.side).qty(o.price);
    o.cumTrade = 0;
    const r = this.resting[o.instrument]!;
    (o.side > 0 ? r.buys : r.sells).push(o);
    this.live.set(o.id, o);
  }

  private unrest(o: Ord): void {
    const r = this.resting[o.instrument]!;
    const v = o.side > 0 ? r.buys : r.sells;
    const k = v.indexOf(o);
    if (k >= 0) v.splice(k, 1);
  }

  /** Drops filled orders from a resting list (order kept). */
  private compact(i: number, side: number): void {
    const r = this.resting[i]!;
    const v = side > 0 ? r.buys : r.sells;
    const keep = v.filter((o) => o.leaves > 0);
    for (const o of v) if (o.leaves <= 0) this.live.delete(o.id);
    if (side > 0) r.buys = keep;
    else r.sells = keep;
  }

  private fill(o: Ord, t: bigint, price: number, qty: number, maker: boolean): void {
    if (qty <= 0) return;
    o.leaves -= qty;
    const rate = maker ? this.cfg.fees.makerPpb : this.cfg.fees.takerPpb;
    this.accounts[o.instrument]!.apply(o.side, price, qty, rate);
    const feeUnits = BigInt(price) * BigInt(qty) * BigInt(rate);
    const m2 = this.books[o.instrument]!.mid2();
    this.push({
      ts: 0n,
      exchTs: t,
      kind: ResponseKind.fill,
      reason: 0,
      orderId: o.id,
      instrument: o.instrument,
      side: o.side,
      price,
      qty,
      leaves: o.leaves,
      maker,
      fee: (Number(feeUnits) * this.unit[o.instrument]!) / 1e8,
      mid: Number.isNaN(m2) ? NaN : m2 / 2,
    });
  }

  private emit(o: Ord, kind: number, reason: number, t: bigint, price: number, qty: number, leaves: number): void {
    this.push({ ts: 0n, exchTs: t, kind, reason, orderId: o.id, instrument: o.instrument, side: o.side, price, qty, leaves, maker: false, fee: 0, mid: NaN });
  }

  private reject(r: Req, kind: number, reason: number, t: bigint): void {
    this.push({
      ts: 0n,
      exchTs: t,
      kind,
      reason,
      orderId: r.id,
      instrument: r.instrument < this.cfg.instruments.length ? r.instrument : 0,
      side: r.side,
      price: r.price,
      qty: r.qty,
      leaves: 0,
      maker: false,
      fee: 0,
      mid: NaN,
    });
  }

  private push(r: ReferenceResponse): void {
    let at = r.exchTs + this.cfg.latency.responseNs;
    if (this.lastResp !== undefined && this.lastResp > at) at = this.lastResp;
    this.lastResp = at;
    r.ts = at;
    this.respBus.push(r);
  }

  // --- market events --------------------------------------------------------------------------------------------

  private onRow(r: Row, t: bigint): void {
    const i = r.instrument;
    switch (r.kind) {
      case EventKind.DEPTH:
      case EventKind.DEPTH_SNAPSHOT:
        return this.depth(i, r.side, r.price, r.qty, t);
      case EventKind.DEPTH_CLEAR:
        for (const s of [1, -1]) {
          if (r.side !== 0 && r.side !== s) continue;
          this.books[i]!.side(s).levels.clear();
          this.consumed[i]![s > 0 ? 0 : 1]!.clear();
        }
        return;
      case EventKind.TRADE:
        return this.trade(i, r.side, r.price, r.qty, t);
      case EventKind.BBO: {
        const side = this.books[i]!.side(r.side);
        for (const [p] of side.sorted()) {
          if (!side.better(p, r.price)) break;
          const prev = side.set(p, 0);
          this.resetConsumed(i, r.side, p);
          this.levelChanged(i, r.side, p, prev, 0);
        }
        const prev = side.set(r.price, r.qty);
        this.resetConsumed(i, r.side, r.price);
        this.levelChanged(i, r.side, r.price, prev, r.qty);
        this.crossCheck(i, r.side, t);
        return;
      }
      default:
        return;
    }
  }

  private depth(i: number, side: number, price: number, qty: number, t: bigint): void {
    const prev = this.books[i]!.side(side).set(price, qty);
    this.resetConsumed(i, side, price);
    this.levelChanged(i, side, price, prev, qty);
    this.crossCheck(i, side, t);
  }

  private levelChanged(i: number, side: number, price: number, prev: number, now: number): void {
    const r = this.resting[i]!;
    for (const o of side > 0 ? r.buys : r.sells) if (o.price === price) this.queueDepth(o, prev, now);
  }

  private queueDepth(o: Ord, prev: number, now: number): void {
    const q = this.cfg.queue;
    if (q.kind === "riskAverse") {
      if (now < o.front) o.front = now;
      return;
    }
    const chg = prev - now - o.cumTrade;
    o.cumTrade = 0;
    if (chg <= 0 || o.front <= 0) {
      if (now < o.front) o.front = now;
      return;
    }
    const front = o.front;
    const back = prev - front;
    let p = queueProb(q, front, back);
    if (!Number.isFinite(p)) p = 1;
    const over = back - p * chg;
    let est = front - (1 - p) * chg + (over < 0 ? over : 0);
    if (now < est) est = now;
    if (est < 0) est = 0;
    o.front = est;
  }

  private crossCheck(i: number, bookSide: number, t: bigint): void {
    const b = this.books[i]!;
    const r = this.resting[i]!;
    if (bookSide <= 0 && r.buys.length) {
      const a = b.asks.best();
      if (a !== undefined && r.buys.some((o) => o.price >= a)) {
        for (const o of r.buys) if (o.price >= a && o.leaves > 0) this.fill(o, t, o.price, o.leaves, true);
        this.compact(i, 1);
      }
    }
    if (bookSide >= 0 && r.sells.length) {
      const bb = b.bids.best();
      if (bb !== undefined && r.sells.some((o) => o.price <= bb)) {
        for (const o of r.sells) if (o.price <= bb && o.leaves > 0) this.fill(o, t, o.price, o.leaves, true);
        this.compact(i, -1);
      }
    }
  }

  private trade(i: number, side: number, price: number, qty: number, t: bigint): void {
    const b = this.books[i]!;
    if (side === 0) {
      const a = b.asks.best();
      const bb = b.bids.best();
      if (a !== undefined && price >= a) side = 1;
      else if (bb !== undefined && price <= bb) side = -1;
      else return;
    }
    const ours = side < 0 ? 1 : -1;
    const r = this.resting[i]!;
    const v = ours > 0 ? r.buys : r.sells;
    let budget = qty;
    let any = false;
    for (const o of v) {
      if (o.leaves <= 0) continue;
      const through = ours > 0 ? o.price > price : o.price < price;
      if (through) {
        this.fill(o, t, o.price, o.leaves, true);
        any = true;
      } else if (o.price === price) {
        o.front -= qty;
        if (this.cfg.queue.kind !== "riskAverse") o.cumTrade += qty;
        const passed = o.front <= -1 ? Math.floor(-o.front) : 0;
        if (passed <= 0) continue;
        let exec = o.leaves;
        if (this.partial) {
          exec = Math.min(passed, budget, o.leaves);
          budget -= exec;
        }
        if (exec > 0) {
          this.fill(o, t, o.price, exec, true);
          any = true;
        }
      }
    }
    if (any) this.compact(i, ours);
  }

  private onLocal(r: Row): void {
    const b = this.localBooks[r.instrument]!;
    switch (r.kind) {
      case EventKind.DEPTH:
      case EventKind.DEPTH_SNAPSHOT:
        b.side(r.side).set(r.price, r.qty);
        break;
      case EventKind.DEPTH_CLEAR:
        if (r.side >= 0) b.bids.levels.clear();
        if (r.side <= 0) b.asks.levels.clear();
        break;
      case EventKind.BBO: {
        const s = b.side(r.side);
        for (const [p] of s.sorted()) {
          if (!s.better(p, r.price)) break;
          s.set(p, 0);
        }
        s.set(r.price, r.qty);
        break;
      }
      default:
        break;
    }
  }
}
