/**
 * The bar-level backtest engine: runs a strategy written against the trading ports (`StrategyContext`) over daily
 * or minute bars of several instruments aligned on one date index.
 *
 * The loop (pulled by the strategy)
 * - Before its first `await ctx.waitNext()` the strategy sees no bar. Each `waitNext()` completes one more bar t
 *   (all instruments at once) and resolves true; after the last bar it resolves false. `elapse(ns)` completes every
 *   bar whose time is <= now + ns. While the strategy looks at bar t, `marketData.bars(i, n)` returns the last n
 *   completed bars of instrument i (t and before; only dates on which i had a bar; n defaults to 1), and
 *   `clock.now()` is bar t's ts (the first bar's before the first `waitNext`).
 * - Orders submitted while looking at bar t are handled when the strategy yields:
 *   - fill "next_open" (default): market orders fill at bar t+1's open; limit orders are first judged against bar
 *     t+1's range.
 *   - fill "close": market orders fill at bar t's close; a limit order marketable at that close fills there,
 *     otherwise it rests and is judged against the ranges of the following bars.
 *   - A resting limit order fills by the `limitFill` rule (see `LimitFillRule`): completely, at min(open, L) for a
 *     buy and max(open, L) for a sell. IOC/FOK limits get one chance (the first bar they are judged on) and are
 *     then cancelled; GTX (post-only) limits are cancelled when marketable at their first reference price.
 *   - An instrument without a bar on the fill date cannot trade: a market order is cancelled with a reason; a
 *     resting limit order waits for a bar. Orders still pending when the data ends are cancelled.
 * - After the strategy returns, the remaining bars are still stepped (resting orders fill, equity is marked), so
 *   results always cover the whole date index.
 *
 * Accounting: positions are integer lots; cash flows and fees are summed exactly in micro-units (ledger.ts).
 * Equity at bar t = cash + sum_i position_i * close_i,t * tickSize_i * lotSize_i, with the last known close for
 * an instrument that has no bar that day. Cash may go negative (no margin model); `allowShort: false` rejects
 * sells below a zero position.
 */
import { table } from "arquero";
import { summarizePerformance, turnover } from "../../analytics/performance.js";
import type {
  Bar,
  ExecutionPort,
  Fill,
  InstrumentSpec,
  MarketDataPort,
  OrderRequest,
  OrderState,
  OrderStatus,
  OrderType,
  PnL,
  PortfolioPort,
  Side,
  StrategyContext,
  TimeInForce,
  TopOfBook,
} from "../../trading/ports/index.js";
import { contextError } from "../../util/errors.js";
import { commission as toCommission, noCommission, noSlippage, slippage as toSlippage } from "./costs.js";
import { fromMicros, toMicros } from "./ledger.js";
import { toPanel, type Panel } from "./panel.js";
import type { BarBacktestOptions, BarBacktestResult, CommissionModel, FillRule, InstrumentOverrides, LimitFillRule, SlippageModel } from "./types.js";

/** Price fields for `BarStrategyContext.history`. */
export type BarField = "open" | "high" | "low" | "close" | "volume";

/**
 * The context a bar host gives a strategy: the ports, plus aligned array access for strategies that want it
 * (reading these is optional; a port-only strategy runs unchanged on other hosts).
 */
export interface BarStrategyContext extends StrategyContext {
  /** Index of the last completed bar on the date index (-1 before the first `waitNext`). */
  barIndex(): number;
  /** Date of the last completed bar (the first date before the first `waitNext`). */
  date(): Date;
  /** Symbols, in instrument order. */
  symbols(): readonly string[];
  /**
   * The last `n` values of `field` for instrument `instrument` up to and including the current bar, aligned on the
   * date index (NaN where the instrument had no bar); shorter at the start of the data. A fresh copy.
   */
  history(instrument: number, n: number, field?: BarField): Float64Array;
  /** Equity marked at the current bar's closes (cash + positions), quote currency. */
  equity(): number;
}

/**
 * A strategy as the bar host runs it. Every port-only `Strategy<P>` (from omniquant's trading ports) is one: the
 * bar context is a `StrategyContext` with extras.
 */
export type BarStrategy<P> = (ctx: BarStrategyContext, params: P) => Promise<void>;

interface OrderRec extends OrderState {
  type: OrderType;
  tif: TimeInForce;
  tag: string;
  /** Bar the strategy was looking at when it submitted (-1 before the first bar). */
  submittedBar: number;
  /** Whether the order has been judged against a reference price at least once. */
  judged: boolean;
}

const DEFAULT_CASH = 1_000_000;
const OPTION_KEYS = new Set(["bars", "fill", "limitFill", "commission", "slippage", "initialCash", "instruments", "periodsPerYear", "allowShort"]);

/**
 * Runs `strategy(ctx, params)` over `opts.bars` and returns fills, orders, positions, round trips and the equity
 * curve as Arquero tables, with a summary (see `BarBacktestResult` and the module comment for the rules).
 */
export async function runBarBacktest<P>(strategy: BarStrategy<P>, params: P, opts: BarBacktestOptions): Promise<BarBacktestResult> {
  if (typeof strategy !== "function") throw contextError({ where: "runBarBacktest", what: "the strategy must be an async function (ctx, params) => Promise<void>", found: typeof strategy });
  const host = new BarHost(opts);
  const ctx = host.context();
  try {
    await strategy(ctx, params);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw contextError({ where: `runBarBacktest, bar ${host.t}${host.t >= 0 ? ` (${host.dateText(host.t)})` : ""}`, what: `the strategy threw: ${message}`, cause });
  }
  host.finish();
  return host.results();
}

class BarHost {
  readonly panel: Panel;
  readonly specs: InstrumentSpec[];
  readonly mult: Float64Array;
  readonly fillRule: FillRule;
  readonly limitRule: LimitFillRule;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly initialCash: number;
  readonly periodsPerYear: number;
  readonly allowShort: boolean;
  readonly N: number;
  readonly T: number;

  t = -1;
  finished = false;
  private recordedThrough = -1;
  private cash: bigint;
  private readonly pos: number[];
  private readonly avgCost: number[];
  private readonly realised: number[];
  private readonly feesByInstrument: number[];
  private readonly lastClose: Float64Array;
  private nextId = 1;
  private readonly orders = new Map<number, OrderRec>();
  /** Orders that may still fill, in submission order (may hold finished ones until the next sweep). */
  open: OrderRec[] = [];
  private pendingFills: Fill[] = [];
  private visibleFills: Fill[] = [];
  private readonly barCache: (Bar | undefined)[][];
  /** Index of each instrument's first bar (T if none): `bars()` never scans before it. */
  readonly firstBar: Int32Array;

  // Logs for the result tables.
  private readonly fillLog = { orderId: [] as number[], date: [] as Date[], instrument: [] as number[], symbol: [] as string[], side: [] as number[], qty: [] as number[], price: [] as number[], notional: [] as number[], fee: [] as number[], maker: [] as boolean[], tag: [] as string[] };
  private readonly eq = { date: [] as Date[], cash: [] as number[], marketValue: [] as number[], grossExposure: [] as number[], equity: [] as number[], ret: [] as number[] };
  private readonly posLog: number[][];
  private readonly tradedByBar: Float64Array;
  private feesTotal = 0n;
  private tradedTotal = 0;
  // Round trips, per instrument.
  private readonly trip: { start: number; side: number; maxQty: number; flow: number }[];
  private readonly trades = { symbol: [] as string[], side: [] as number[], entryDate: [] as Date[], exitDate: [] as Date[], qty: [] as number[], pnl: [] as number[], bars: [] as number[] };

  constructor(opts: BarBacktestOptions) {
    if (opts === null || typeof opts !== "object") throw contextError({ where: "runBarBacktest", what: "the options must be an object", found: String(opts) });
    for (const key of Object.keys(opts)) {
      if (!OPTION_KEYS.has(key)) throw contextError({ where: "runBarBacktest", what: `unknown option '${key}'`, expected: `one of ${[...OPTION_KEYS].join(", ")}` });
    }
    if (opts.bars === undefined) throw contextError({ where: "runBarBacktest", what: "option 'bars' is missing", expected: "a BarPanel, a wide Arquero table or a { tickers, rows, dates } matrix" });
    this.panel = toPanel(opts.bars, "runBarBacktest bars");
    this.N = this.panel.symbols.length;
    this.T = this.panel.length;
    if (this.T === 0) throw contextError({ where: "runBarBacktest", what: "the bars have no dates", expected: "at least one bar" });
    this.fillRule = opts.fill ?? "next_open";
    if (this.fillRule !== "next_open" && this.fillRule !== "close") throw contextError({ where: "runBarBacktest", what: "option 'fill' is not a fill rule", expected: "'next_open' or 'close'", found: JSON.stringify(opts.fill) });
    this.limitRule = opts.limitFill ?? "through";
    if (this.limitRule !== "through" && this.limitRule !== "touch") throw contextError({ where: "runBarBacktest", what: "option 'limitFill' is not a limit fill rule", expected: "'through' or 'touch'", found: JSON.stringify(opts.limitFill) });
    this.commission = opts.commission === undefined ? noCommission : toCommission(opts.commission);
    this.slippage = opts.slippage === undefined ? noSlippage : toSlippage(opts.slippage);
    this.initialCash = opts.initialCash ?? DEFAULT_CASH;
    if (!Number.isFinite(this.initialCash)) throw contextError({ where: "runBarBacktest", what: "option 'initialCash' must be a finite number", found: String(opts.initialCash) });
    this.periodsPerYear = opts.periodsPerYear ?? 252;
    if (!(this.periodsPerYear > 0)) throw contextError({ where: "runBarBacktest", what: "option 'periodsPerYear' must be positive", found: String(opts.periodsPerYear) });
    this.allowShort = opts.allowShort ?? true;
    this.specs = this.panel.symbols.map((symbol) => spec(symbol, opts.instruments));
    this.mult = Float64Array.from(this.specs, (s) => s.tickSize * s.lotSize);
    this.cash = toMicros(this.initialCash);
    this.pos = new Array<number>(this.N).fill(0);
    this.avgCost = new Array<number>(this.N).fill(0);
    this.realised = new Array<number>(this.N).fill(0);
    this.feesByInstrument = new Array<number>(this.N).fill(0);
    this.lastClose = new Float64Array(this.N).fill(NaN);
    this.barCache = this.panel.symbols.map(() => new Array<Bar | undefined>(this.T).fill(undefined));
    this.firstBar = Int32Array.from(this.panel.close, (c) => {
      const k = c.findIndex((x) => Number.isFinite(x));
      return k < 0 ? this.T : k;
    });
    this.posLog = this.panel.symbols.map(() => []);
    this.tradedByBar = new Float64Array(this.T);
    this.trip = this.panel.symbols.map(() => ({ start: -1, side: 0, maxQty: 0, flow: 0 }));
  }

  dateText(t: number): string {
    return this.panel.dates[t]!.toISOString().slice(0, 10);
  }

  // ---- the loop -------------------------------------------------------------------------------------------------

  /** Completes one more bar; false when there is none. */
  advance(): boolean {
    if (this.t >= 0 && this.t <= this.T - 1) this.leaveBar(this.t);
    if (this.t >= this.T - 1) {
      this.finish();
      return false;
    }
    this.t += 1;
    this.enterBar(this.t);
    return true;
  }

  /** Bar t ends: "close" fills, then the equity row. */
  private leaveBar(t: number): void {
    if (this.recordedThrough >= t) return;
    if (this.fillRule === "close") this.judgeAtClose(t);
    this.record(t);
  }

  /** Bar t opens and trades: fills at its open and inside its range. */
  private enterBar(t: number): void {
    const p = this.panel;
    for (let i = 0; i < this.N; i++) if (Number.isFinite(p.close[i]![t]!)) this.lastClose[i] = p.close[i]![t]!;
    if (this.open.length === 0) return;
    const still: OrderRec[] = [];
    for (const o of this.open) {
      if (o.status !== "open" && o.status !== "pending") continue;
      const i = o.instrument;
      const has = Number.isFinite(p.close[i]![t]!);
      if (o.type === "market") {
        // Only reachable under "next_open" (under "close" market orders are handled at the close they were sent on).
        if (!has) {
          this.finalise(o, "cancelled", `${p.symbols[i]} has no bar on ${this.dateText(t)}`);
          continue;
        }
        const ref = p.open[i]![t]!;
        this.execute(o, this.slippage(ref, o.side, { instrument: i, qty: o.qty, bar: this.bar(i, t)! }), t, false);
        continue;
      }
      if (!has) {
        still.push(o);
        continue;
      }
      const open = p.open[i]![t]!;
      const firstLook = !o.judged;
      o.judged = true;
      if (firstLook && o.tif === "GTX" && marketable(o, open)) {
        this.finalise(o, "cancelled", "a post-only order would have taken liquidity at the open");
        continue;
      }
      if (marketable(o, open)) {
        this.execute(o, open, t, false);
        continue;
      }
      const through = o.side === 1 ? (this.limitRule === "touch" ? p.low[i]![t]! <= o.price : p.low[i]![t]! < o.price) : this.limitRule === "touch" ? p.high[i]![t]! >= o.price : p.high[i]![t]! > o.price;
      if (through) {
        this.execute(o, o.price, t, true);
        continue;
      }
      if (o.tif === "IOC" || o.tif === "FOK") {
        this.finalise(o, "cancelled", `an ${o.tif} order did not fill on ${this.dateText(t)}`);
        continue;
      }
      still.push(o);
    }
    this.open = still;
  }

  /** Fill rule "close": orders sent while looking at bar t are judged at its close. */
  private judgeAtClose(t: number): void {
    if (this.open.length === 0) return;
    const p = this.panel;
    const still: OrderRec[] = [];
    for (const o of this.open) {
      if (o.status !== "open" && o.status !== "pending") continue;
      if (o.judged || o.submittedBar !== t) {
        still.push(o);
        continue;
      }
      o.judged = true;
      const i = o.instrument;
      const close = p.close[i]![t]!;
      if (!Number.isFinite(close)) {
        if (o.type === "market") this.finalise(o, "cancelled", `${p.symbols[i]} has no bar on ${this.dateText(t)}`);
        else if (o.tif === "IOC" || o.tif === "FOK") this.finalise(o, "cancelled", `${p.symbols[i]} has no bar on ${this.dateText(t)}`);
        else still.push(o);
        continue;
      }
      if (o.type === "market") {
        this.execute(o, this.slippage(close, o.side, { instrument: i, qty: o.qty, bar: this.bar(i, t)! }), t, false);
        continue;
      }
      if (marketable(o, close)) {
        if (o.tif === "GTX") this.finalise(o, "cancelled", "a post-only order would have taken liquidity at the close");
        else this.execute(o, close, t, false);
        continue;
      }
      if (o.tif === "IOC" || o.tif === "FOK") {
        this.finalise(o, "cancelled", `an ${o.tif} order was not marketable at the close of ${this.dateText(t)}`);
        continue;
      }
      still.push(o);
    }
    this.open = still;
  }

  /** Runs the remaining bars without the strategy, records the last one and cancels what is left. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    while (this.t < this.T - 1) {
      if (this.t >= 0) this.leaveBar(this.t);
      this.t += 1;
      this.enterBar(this.t);
    }
    if (this.t >= 0) this.leaveBar(this.t);
    for (const o of this.open) if (o.status === "open" || o.status === "pending") this.finalise(o, "cancelled", "the data ended before the order filled");
    this.open = [];
  }

  // ---- orders and fills -----------------------------------------------------------------------------------------

  submit(req: OrderRequest): number {
    const id = this.nextId++;
    const instrument = req?.instrument ?? 0;
    const o: OrderRec = {
      id,
      instrument: typeof instrument === "number" ? instrument : -1,
      side: req?.side,
      price: req?.price,
      qty: req?.qty,
      filledQty: 0,
      status: "pending",
      type: req?.type ?? "limit",
      tif: req?.tif ?? "GTC",
      tag: req?.tag ?? "",
      submittedBar: this.t,
      judged: false,
    };
    this.orders.set(id, o);
    const reason = this.validate(o);
    if (reason !== undefined) {
      o.status = "rejected";
      o.reason = reason;
      return id;
    }
    o.status = "open";
    this.open.push(o);
    return id;
  }

  private validate(o: OrderRec): string | undefined {
    if (this.finished) return "the backtest has ended";
    if (!Number.isInteger(o.instrument) || o.instrument < 0 || o.instrument >= this.N) return `instrument must be an index in [0, ${this.N - 1}], found ${String(o.instrument)}`;
    if (o.side !== 1 && o.side !== -1) return `side must be 1 (buy) or -1 (sell), found ${String(o.side)}`;
    if (!Number.isSafeInteger(o.qty) || o.qty <= 0) return `quantity must be a positive integer number of lots, found ${String(o.qty)}`;
    if (o.type !== "market" && o.type !== "limit") return `type must be 'market' or 'limit', found ${String(o.type)}`;
    if (!["GTC", "IOC", "FOK", "GTX"].includes(o.tif)) return `tif must be GTC, IOC, FOK or GTX, found ${String(o.tif)}`;
    if (o.type === "limit" && !(typeof o.price === "number" && Number.isFinite(o.price) && o.price > 0)) return `a limit order needs a finite positive price, found ${String(o.price)}`;
    if (o.type === "market" && o.tif === "GTX") return "a market order cannot be post-only (GTX)";
    if (this.fillRule === "close" && this.t < 0) return "no bar has closed yet (fill rule 'close' fills at the close of the bar the strategy looked at)";
    if (this.t >= this.T - 1 && this.fillRule === "next_open") return "there is no next bar to fill on (the data ends)";
    if (o.type === "market") o.price = NaN;
    return undefined;
  }

  cancel(id: number): void {
    const o = this.orders.get(id);
    if (o && (o.status === "open" || o.status === "pending")) this.finalise(o, "cancelled", "cancelled by the strategy");
  }

  replace(id: number, price: number, qty: number): void {
    const o = this.orders.get(id);
    if (!o || (o.status !== "open" && o.status !== "pending")) return;
    if (!Number.isSafeInteger(qty) || qty <= 0 || (o.type === "limit" && !(Number.isFinite(price) && price > 0))) {
      this.finalise(o, "rejected", `replace needs a positive integer quantity and, for a limit order, a positive price; found price ${price}, qty ${qty}`);
      return;
    }
    if (o.type === "limit") o.price = price;
    o.qty = qty;
    // A replaced order is a new order at the venue: judged afresh from the current bar.
    o.submittedBar = this.t;
    o.judged = false;
  }

  private finalise(o: OrderRec, status: OrderStatus, reason: string): void {
    o.status = status;
    o.reason = reason;
  }

  private execute(o: OrderRec, price: number, t: number, maker: boolean): void {
    const i = o.instrument;
    const side = o.side as Side;
    const before = this.pos[i]!;
    const after = before + side * o.qty;
    if (!this.allowShort && after < 0) {
      o.status = "rejected";
      o.reason = `the sell would take the position to ${after} lots and shorting is off (allowShort: false)`;
      return;
    }
    if (!Number.isSafeInteger(after)) {
      o.status = "rejected";
      o.reason = `the position would exceed the safe integer range (${after} lots)`;
      return;
    }
    if (!(Number.isFinite(price) && price > 0)) {
      o.status = "rejected";
      o.reason = `the execution price is not a positive number (${price}); check the slippage model`;
      return;
    }
    const spec = this.specs[i]!;
    const shares = o.qty * spec.lotSize;
    const notional = price * o.qty * this.mult[i]!;
    const fee = this.commission({ instrument: i, symbol: spec.symbol, side, price, qty: o.qty, shares, notional, maker });
    if (!Number.isFinite(fee)) throw contextError({ where: `runBarBacktest, commission for order ${o.id}`, what: "the commission model returned a non-finite fee", found: String(fee) });
    const flow = toMicros(side * notional);
    const feeMicros = toMicros(fee);
    this.cash -= flow + feeMicros;
    this.feesTotal += feeMicros;
    this.tradedTotal += notional;
    this.tradedByBar[t] = this.tradedByBar[t]! + notional;
    this.feesByInstrument[i] = this.feesByInstrument[i]! + fee;

    // Average-cost realised PnL.
    const m = this.mult[i]!;
    if (before === 0 || Math.sign(before) === side) {
      this.avgCost[i] = (this.avgCost[i]! * Math.abs(before) + price * o.qty) / Math.abs(after);
    } else {
      const closed = Math.min(Math.abs(before), o.qty);
      this.realised[i] = this.realised[i]! + closed * (price - this.avgCost[i]!) * Math.sign(before) * m;
      if (Math.abs(o.qty) > Math.abs(before)) this.avgCost[i] = price;
      else if (after === 0) this.avgCost[i] = 0;
    }
    this.pos[i] = after;
    this.roundTrip(i, t, before, after, side, price, o.qty, fee);

    o.filledQty = o.qty;
    o.status = "filled";
    const fill: Fill = { orderId: o.id, ts: this.panel.ts[t]!, instrument: i, side, price, qty: o.qty, maker, fee };
    this.pendingFills.push(fill);
    const f = this.fillLog;
    f.orderId.push(o.id);
    f.date.push(this.panel.dates[t]!);
    f.instrument.push(i);
    f.symbol.push(spec.symbol);
    f.side.push(side);
    f.qty.push(o.qty);
    f.price.push(price);
    f.notional.push(notional);
    f.fee.push(fee);
    f.maker.push(maker);
    f.tag.push(o.tag);
  }

  private roundTrip(i: number, t: number, before: number, after: number, side: Side, price: number, qty: number, fee: number): void {
    const tr = this.trip[i]!;
    const m = this.mult[i]!;
    if (before === 0) {
      tr.start = t;
      tr.side = side;
      tr.maxQty = qty;
      tr.flow = -side * price * qty * m - fee;
      return;
    }
    const closing = Math.sign(before) !== side;
    const closedQty = closing ? Math.min(Math.abs(before), qty) : 0;
    const closeFee = closing ? (fee * closedQty) / qty : 0;
    tr.flow += -side * price * (closing ? closedQty : qty) * m - (closing ? closeFee : fee);
    if (!closing) tr.maxQty = Math.max(tr.maxQty, Math.abs(after));
    if (closing && (after === 0 || Math.sign(after) !== Math.sign(before))) {
      const tb = this.trades;
      tb.symbol.push(this.specs[i]!.symbol);
      tb.side.push(tr.side);
      tb.entryDate.push(this.panel.dates[tr.start]!);
      tb.exitDate.push(this.panel.dates[t]!);
      tb.qty.push(tr.maxQty);
      tb.pnl.push(tr.flow);
      tb.bars.push(t - tr.start);
      if (after !== 0) {
        const rest = qty - closedQty;
        tr.start = t;
        tr.side = side;
        tr.maxQty = rest;
        tr.flow = -side * price * rest * m - (fee - closeFee);
      } else {
        tr.start = -1;
        tr.side = 0;
        tr.maxQty = 0;
        tr.flow = 0;
      }
    }
  }

  // ---- valuation and logs ---------------------------------------------------------------------------------------

  marketValue(): { value: number; gross: number } {
    let value = 0;
    let gross = 0;
    for (let i = 0; i < this.N; i++) {
      const q = this.pos[i]!;
      if (q === 0) continue;
      const v = q * this.lastClose[i]! * this.mult[i]!;
      value += v;
      gross += Math.abs(v);
    }
    return { value, gross };
  }

  cashValue(): number {
    return fromMicros(this.cash);
  }

  equityValue(): number {
    return this.cashValue() + this.marketValue().value;
  }

  private record(t: number): void {
    this.recordedThrough = t;
    const cash = this.cashValue();
    const { value, gross } = this.marketValue();
    const equity = cash + value;
    const prev = this.eq.equity.length === 0 ? this.initialCash : this.eq.equity[this.eq.equity.length - 1]!;
    this.eq.date.push(this.panel.dates[t]!);
    this.eq.cash.push(cash);
    this.eq.marketValue.push(value);
    this.eq.grossExposure.push(gross);
    this.eq.equity.push(equity);
    this.eq.ret.push(equity / prev - 1);
    for (let i = 0; i < this.N; i++) this.posLog[i]!.push(this.pos[i]!);
  }

  /** The last `n` bars of instrument i up to the current bar (oldest first), skipping dates without a bar. */
  lastBars(i: number, n: number): Bar[] {
    const first = this.firstBar[i]!;
    const close = this.panel.close[i]!;
    // Count the bars first, then fill from the end: no intermediate array, no reverse.
    let count = 0;
    let t = this.t;
    for (; t >= first && count < n; t--) if (close[t] === close[t]) count++;
    const out = new Array<Bar>(count);
    let k = count;
    for (let u = this.t; k > 0; u--) {
      if (close[u] !== close[u]) continue; // NaN: no bar that day
      out[--k] = this.barCache[i]![u] ?? this.bar(i, u)!;
    }
    return out;
  }

  bar(i: number, t: number): Bar | undefined {
    const cached = this.barCache[i]![t];
    if (cached) return cached;
    const p = this.panel;
    if (!Number.isFinite(p.close[i]![t]!)) return undefined;
    const b: Bar = { ts: p.ts[t]!, open: p.open[i]![t]!, high: p.high[i]![t]!, low: p.low[i]![t]!, close: p.close[i]![t]!, volume: p.volume[i]![t]! };
    this.barCache[i]![t] = b;
    return b;
  }

  /** The instrument index for a port call (default 0), checked. */
  index(instrument: number | undefined, fn: string): number {
    const i = instrument ?? 0;
    if (!Number.isInteger(i) || i < 0 || i >= this.N) throw contextError({ where: `ctx.${fn}`, what: "the instrument is not an index of this backtest", expected: `an integer in [0, ${this.N - 1}]`, found: String(instrument) });
    return i;
  }

  pnl(i: number): PnL {
    const q = this.pos[i]!;
    const unrealised = q === 0 ? 0 : q * (this.lastClose[i]! - this.avgCost[i]!) * this.mult[i]!;
    const realised = this.realised[i]!;
    const fees = this.feesByInstrument[i]!;
    return { realised, unrealised, fees, total: realised + unrealised - fees };
  }

  // ---- the ports ------------------------------------------------------------------------------------------------

  context(): BarStrategyContext {
    const host = this;
    const marketData: MarketDataPort = {
      instruments: () => host.specs,
      top(instrument?: number): TopOfBook {
        const i = host.index(instrument, "marketData.top");
        const px = host.t >= 0 ? host.lastClose[i]! : NaN;
        return { bidPrice: px, bidQty: 0, askPrice: px, askQty: 0 };
      },
      depth: () => ({ bids: [], asks: [] }),
      trades: () => [],
      bars(instrument?: number, n = 1): readonly Bar[] {
        const i = host.index(instrument, "marketData.bars");
        return host.lastBars(i, n);
      },
    };
    const execution: ExecutionPort = {
      submit: (order) => host.submit(order),
      cancel: (id) => host.cancel(id),
      replace: (id, price, qty) => host.replace(id, price, qty),
      openOrders(instrument?: number): readonly OrderState[] {
        host.open = host.open.filter(isLive);
        return host.open.filter((o) => instrument === undefined || o.instrument === instrument).map(publicState);
      },
      order(id: number): OrderState | undefined {
        const o = host.orders.get(id);
        return o ? publicState(o) : undefined;
      },
      fills: () => host.visibleFills,
    };
    const portfolio: PortfolioPort = {
      position: (instrument?: number) => host.pos[host.index(instrument, "portfolio.position")]!,
      cash: () => host.cashValue(),
      pnl(instrument?: number): PnL {
        if (instrument !== undefined) return host.pnl(host.index(instrument, "portfolio.pnl"));
        const sum: PnL = { realised: 0, unrealised: 0, fees: 0, total: 0 };
        for (let i = 0; i < host.N; i++) {
          const p = host.pnl(i);
          sum.realised += p.realised;
          sum.unrealised += p.unrealised;
          sum.fees += p.fees;
          sum.total += p.total;
        }
        return sum;
      },
    };
    const wake = (moved: boolean): boolean => {
      host.visibleFills = host.pendingFills;
      host.pendingFills = [];
      return moved;
    };
    return {
      clock: { now: () => host.panel.ts[Math.max(0, host.t)]! },
      marketData,
      execution,
      portfolio,
      log: {
        info: (message, fields) => console.log(`[${host.t >= 0 ? host.dateText(host.t) : "start"}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`),
        warn: (message, fields) => console.warn(`[${host.t >= 0 ? host.dateText(host.t) : "start"}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`),
      },
      async waitNext(): Promise<boolean> {
        if (host.finished) return false;
        return wake(host.advance());
      },
      async elapse(ns: bigint): Promise<boolean> {
        if (host.finished) return false;
        // At the last bar there is nothing left to elapse into: finish, as waitNext does.
        if (host.t >= host.T - 1) return wake(host.advance());
        const target = host.panel.ts[Math.max(0, host.t)]! + ns;
        while (host.t < host.T - 1 && host.panel.ts[host.t + 1]! <= target) host.advance();
        return wake(true);
      },
      barIndex: () => host.t,
      date: () => host.panel.dates[Math.max(0, host.t)]!,
      symbols: () => host.panel.symbols,
      history(instrument: number, n: number, field: BarField = "close"): Float64Array {
        const i = host.index(instrument, "history");
        const src = host.panel[field][i]!;
        const end = host.t + 1;
        return src.slice(Math.max(0, end - Math.max(0, Math.floor(n))), end);
      },
      equity: () => host.equityValue(),
    };
  }

  // ---- results --------------------------------------------------------------------------------------------------

  results(): BarBacktestResult {
    const eqArr = Float64Array.from(this.eq.equity);
    const rets = Float64Array.from(this.eq.ret);
    const curve = new Float64Array(eqArr.length + 1);
    curve[0] = this.initialCash;
    curve.set(eqArr, 1);
    const perf = summarizePerformance(rets, { periodsPerYear: this.periodsPerYear, equity: curve });
    const pnls = this.trades.pnl;
    const wins = pnls.filter((x) => x > 0).length;
    const positions: Record<string, unknown[]> = { date: this.eq.date };
    this.panel.symbols.forEach((s, i) => {
      positions[s] = this.posLog[i]!;
    });
    const ordersCols = { id: [] as number[], submitted: [] as (Date | null)[], instrument: [] as number[], symbol: [] as string[], side: [] as number[], type: [] as string[], tif: [] as string[], price: [] as number[], qty: [] as number[], filledQty: [] as number[], status: [] as string[], reason: [] as string[], tag: [] as string[] };
    for (const o of this.orders.values()) {
      ordersCols.id.push(o.id);
      ordersCols.submitted.push(o.submittedBar >= 0 ? this.panel.dates[o.submittedBar]! : null);
      ordersCols.instrument.push(o.instrument);
      ordersCols.symbol.push(this.specs[o.instrument]?.symbol ?? "");
      ordersCols.side.push(o.side);
      ordersCols.type.push(o.type);
      ordersCols.tif.push(o.tif);
      ordersCols.price.push(o.price);
      ordersCols.qty.push(o.qty);
      ordersCols.filledQty.push(o.filledQty);
      ordersCols.status.push(o.status);
      ordersCols.reason.push(o.reason ?? "");
      ordersCols.tag.push(o.tag);
    }
    const finalEquity = eqArr.length ? eqArr[eqArr.length - 1]! : this.initialCash;
    return {
      equity: table(this.eq),
      fills: table(this.fillLog),
      orders: table(ordersCols),
      positions: table(positions),
      trades: table(this.trades),
      summary: {
        ...perf,
        initialCash: this.initialCash,
        finalEquity,
        fills: this.fillLog.orderId.length,
        roundTrips: pnls.length,
        tradeHitRate: pnls.length ? wins / pnls.length : NaN,
        fees: fromMicros(this.feesTotal),
        tradedNotional: this.tradedTotal,
        turnover: turnover(this.tradedByBar.subarray(0, eqArr.length), eqArr, { periodsPerYear: this.periodsPerYear }),
      },
      cashMicros: this.cash,
      instruments: this.specs,
    };
  }
}

function isLive(o: OrderRec): boolean {
  return o.status === "open" || o.status === "pending";
}

function marketable(o: OrderRec, price: number): boolean {
  return o.side === 1 ? price <= o.price : price >= o.price;
}

function publicState(o: OrderRec): OrderState {
  const s: OrderState = { id: o.id, instrument: o.instrument, side: o.side, price: o.price, qty: o.qty, filledQty: o.filledQty, status: o.status };
  if (o.reason !== undefined) s.reason = o.reason;
  return s;
}

function spec(symbol: string, overrides: BarBacktestOptions["instruments"]): InstrumentSpec {
  let o: InstrumentOverrides | undefined;
  if (overrides !== undefined) {
    if (overrides === null || typeof overrides !== "object") throw contextError({ where: "runBarBacktest", what: "option 'instruments' must be an object", found: String(overrides) });
    const keys = Object.keys(overrides);
    const isGlobal = keys.every((k) => k === "tickSize" || k === "lotSize");
    o = isGlobal ? (overrides as InstrumentOverrides) : (overrides as Record<string, InstrumentOverrides>)[symbol];
  }
  const tickSize = o?.tickSize ?? 1;
  const lotSize = o?.lotSize ?? 1;
  for (const [name, v] of [["tickSize", tickSize], ["lotSize", lotSize]] as const) {
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) throw contextError({ where: `runBarBacktest, instrument '${symbol}'`, what: `${name} must be a positive number`, found: String(v) });
  }
  return Object.freeze({ symbol, tickSize, lotSize, venue: "bars" });
}
