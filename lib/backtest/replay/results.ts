/**
 * Results of a replay backtest: Arquero tables of fills, the order log and the equity curve, and summary
 * statistics.
 *
 * Conventions
 * - Money is in quote currency, converted once from the engine's exact integer sums (`totals` keeps them).
 * - The equity curve has one row per instrument per sample time (every `sampleEvery` of market time, aligned to
 *   multiples of it, plus the final state). `pnl` = realised + unrealised - fees; `equity` = initial capital + the
 *   pnl summed over instruments at that time (the same on each instrument's row).
 * - Sharpe and Sortino (lib/analytics/performance.ts, empyrical's conventions, ddof 1) are computed on the
 *   per-sample changes of PnL when the initial capital is 0 (ratios are scale-free, so no capital is needed),
 *   else on the simple returns of equity; annualised with periodsPerYear = year / sample interval, a year being
 *   365.25 days of continuous trading by default (crypto); pass periodsPerYear for other calendars.
 * - Max drawdown is in currency (largest fall of PnL from a running peak that starts at 0), and as a fraction of
 *   the equity peak when an initial capital is given.
 * - Fill ratio: lots filled / lots sent in new orders. Spread captured: over maker fills, the mean of
 *   side x (venue mid at the fill - price), weighted by quantity, in ticks and in basis points of the mid. A sweep
 *   that takes a far quote counts against the mid before the sweep, so read it with the mark-out: over the same
 *   fills, side x (mid 1 s after the fill - price), the mid taken at the first equity sample at least 1 s after
 *   the fill's venue time (NaN without samples); negative = the market went on moving through our price.
 * - Inventory statistics are over the equity samples (equally spaced in time, so time-weighted).
 */
import { table, type ColumnTable } from "arquero";
import { drawdown, returnsFromEquity, sharpeRatio, sortinoRatio } from "../../analytics/performance.js";
import type { InstrumentSpec } from "../../data/market/events.js";
import type { NativeAccount } from "./addon.js";
import { ORDER_EVENTS, type Recorder } from "./recorder.js";
import { REJECT_REASON_TEXT } from "./codes.js";

export interface InventoryStats {
  instrument: number;
  /** Mean signed position (lots). */
  mean: number;
  meanAbs: number;
  std: number;
  maxAbs: number;
  final: number;
}

export interface BacktestSummary {
  /** Final PnL: realised + unrealised - fees (currency). */
  pnl: number;
  realised: number;
  unrealised: number;
  fees: number;
  /** Initial capital + pnl. */
  finalEquity: number;
  sharpe: number;
  sortino: number;
  /** Largest peak-to-trough fall of PnL, currency. */
  maxDrawdown: number;
  /** Largest fall as a fraction of the equity peak (NaN without initial capital). */
  maxDrawdownPct: number;
  /** Traded notional, currency. */
  turnover: number;
  /** Lots traded. */
  volume: number;
  fills: number;
  makerFills: number;
  takerFills: number;
  orders: number;
  /** Lots filled / lots sent in new orders. */
  fillRatio: number;
  /** Quantity-weighted side x (mid - price) over maker fills, ticks; NaN without maker fills. */
  spreadCapturedTicks: number;
  spreadCapturedBps: number;
  /** Quantity-weighted side x (mid >= 1 s after the fill - price) over maker fills, ticks and bps (see above). */
  markout1sTicks: number;
  markout1sBps: number;
  inventory: InventoryStats[];
  periodsPerYear: number;
  /** Market events replayed (local rows). */
  events: number;
  wallMs: number;
  eventsPerSecond: number;
}

export interface BacktestResult {
  fills: ColumnTable;
  orders: ColumnTable;
  equity: ColumnTable;
  log: ColumnTable;
  summary: BacktestSummary;
  /** Exact integer accounts per instrument: the venue's truth and the strategy's view. */
  totals: { exchange: NativeAccount[]; local: NativeAccount[] };
  /** Local time at the end of the run (ns). */
  endTs: bigint;
  /** Problems with the data that make the result less trustworthy (e.g. rows seen before the venue sent them). */
  warnings: string[];
}

const NS_PER_YEAR = 365.25 * 86400 * 1e9;

function msOf(ts: readonly bigint[]): Float64Array {
  const out = new Float64Array(ts.length);
  for (let i = 0; i < ts.length; i++) out[i] = Number(ts[i]!) / 1e6;
  return out;
}

/** Builds result tables and the summary from what a run recorded. */
export function buildResult(args: {
  recorder: Recorder;
  instruments: readonly InstrumentSpec[];
  totals: { exchange: NativeAccount[]; local: NativeAccount[] };
  endTs: bigint;
  initialCapital: number;
  sampleNs: bigint;
  periodsPerYear?: number;
  events: number;
  wallMs: number;
}): BacktestResult {
  const { recorder: r, instruments, totals } = args;
  const nInst = instruments.length;
  const unit = instruments.map((s) => s.tickSize * s.lotSize);

  // Final state from the exact totals, appended as the last sample when it is later than the last one.
  const lastTs = r.sTs.length ? r.sTs[r.sTs.length - 1]! : undefined;
  if (lastTs === undefined || lastTs < args.endTs) {
    for (let i = 0; i < nInst; i++) {
      const a = totals.exchange[i]!;
      const u = unit[i]!;
      const mid2 = a.mid2 ?? null;
      let mid = mid2 === null ? NaN : Number(mid2) / 2;
      if (Number.isNaN(mid)) {
        // Last known mid of this instrument.
        for (let k = r.sTs.length - 1; k >= 0; k--) {
          if (r.sInstrument[k] === i && !Number.isNaN(r.sMid[k]!)) {
            mid = r.sMid[k]!;
            break;
          }
        }
      }
      const unreal2 = Number.isNaN(mid) ? NaN : a.position * BigInt(Math.round(mid * 2)) - 2n * a.cost;
      const f = new Float64Array([
        i,
        Number(a.position),
        mid,
        Number(a.cash) * u,
        (Number(a.fees) * u) / 1e8,
        Number(a.realised) * u,
        a.position === 0n ? 0 : typeof unreal2 === "bigint" ? (Number(unreal2) * u) / 2 : NaN,
        Number(a.volume),
      ]);
      r.sample(args.endTs, f, 0);
    }
  }

  // Equity per sample time.
  const ns = r.sTs.length;
  const pnlCol = new Float64Array(ns);
  const equityCol = new Float64Array(ns);
  const equitySeries: number[] = [];
  for (let k = 0; k < ns; ) {
    const ts = r.sTs[k]!;
    let total = 0;
    let j = k;
    for (; j < ns && r.sTs[j] === ts; j++) {
      const p = r.sRealised[j]! + r.sUnrealised[j]! - r.sFees[j]!;
      pnlCol[j] = p;
      total += p;
    }
    for (let q = k; q < j; q++) equityCol[q] = args.initialCapital + total;
    equitySeries.push(args.initialCapital + total);
    k = j;
  }
  const equity = table({
    tsNs: BigInt64Array.from(r.sTs),
    time: msOf(r.sTs),
    instrument: Int32Array.from(r.sInstrument),
    position: Float64Array.from(r.sPosition),
    mid: Float64Array.from(r.sMid),
    cash: Float64Array.from(r.sCash),
    fees: Float64Array.from(r.sFees),
    realised: Float64Array.from(r.sRealised),
    unrealised: Float64Array.from(r.sUnrealised),
    volume: Float64Array.from(r.sVolume),
    pnl: pnlCol,
    equity: equityCol,
  });

  const fills = table({
    tsNs: BigInt64Array.from(r.fTs),
    exchTsNs: BigInt64Array.from(r.fExchTs),
    time: msOf(r.fTs),
    orderId: Float64Array.from(r.fOrderId),
    instrument: Int32Array.from(r.fInstrument),
    side: Int8Array.from(r.fSide),
    price: Float64Array.from(r.fPrice),
    qty: Float64Array.from(r.fQty),
    maker: r.fMaker.slice(),
    fee: Float64Array.from(r.fFee),
    mid: Float64Array.from(r.fMid),
    tag: r.fTag.slice(),
  });

  const orders = table({
    tsNs: BigInt64Array.from(r.oTs),
    exchTsNs: BigInt64Array.from(r.oExchTs),
    time: msOf(r.oTs),
    event: r.oEvent.map((e) => ORDER_EVENTS[e] ?? String(e)),
    orderId: Float64Array.from(r.oOrderId),
    instrument: Int32Array.from(r.oInstrument),
    side: Int8Array.from(r.oSide),
    price: Float64Array.from(r.oPrice),
    qty: Float64Array.from(r.oQty),
    leaves: Float64Array.from(r.oLeaves),
    reason: r.oReason.map((x) => REJECT_REASON_TEXT[x] ?? String(x)),
    tag: r.oTag.slice(),
  });

  const log = table({
    tsNs: BigInt64Array.from(r.log.map((l) => l.ts)),
    level: r.log.map((l) => l.level),
    message: r.log.map((l) => l.message),
    fields: r.log.map((l) => (l.fields === undefined ? null : JSON.stringify(l.fields, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))),
  });

  // --- summary ---
  let realised = 0;
  let unrealised = 0;
  let fees = 0;
  let turnover = 0;
  let volume = 0;
  for (let i = 0; i < nInst; i++) {
    const last = lastRowOf(r, i);
    const a = totals.exchange[i]!;
    realised += Number(a.realised) * unit[i]!;
    fees += (Number(a.fees) * unit[i]!) / 1e8;
    turnover += Number(a.turnover) * unit[i]!;
    volume += Number(a.volume);
    unrealised += last >= 0 ? r.sUnrealised[last]! : 0;
  }
  const pnl = realised + unrealised - fees;
  const ppy = args.periodsPerYear ?? (args.sampleNs > 0n ? NS_PER_YEAR / Number(args.sampleNs) : 365.25);
  let sharpe = NaN;
  let sortino = NaN;
  let maxDrawdownPct = NaN;
  if (equitySeries.length >= 3) {
    if (args.initialCapital > 0) {
      const ret = returnsFromEquity(equitySeries);
      sharpe = sharpeRatio(ret, { periodsPerYear: ppy });
      sortino = sortinoRatio(ret, { periodsPerYear: ppy });
      maxDrawdownPct = drawdown(equitySeries).maxDrawdown;
    } else {
      const d = new Float64Array(equitySeries.length - 1);
      for (let k = 1; k < equitySeries.length; k++) d[k - 1] = equitySeries[k]! - equitySeries[k - 1]!;
      sharpe = sharpeRatio(d, { periodsPerYear: ppy });
      sortino = sortinoRatio(d, { periodsPerYear: ppy });
    }
  }
  let peak = args.initialCapital;
  let maxDd = 0;
  for (const e of equitySeries) {
    if (Number.isNaN(e)) continue;
    if (e > peak) peak = e;
    if (peak - e > maxDd) maxDd = peak - e;
  }

  // Over maker fills, quantity-weighted side x (reference mid - price) in ticks and bps: against the venue mid at
  // the fill (spread captured) and against the mid at the first equity sample >= 1 s after it (mark-out).
  const captured = { ticks: 0, bps: 0, qty: 0 };
  const markout = { ticks: 0, bps: 0, qty: 0 };
  const addEdge = (acc: typeof captured, k: number, mid: number) => {
    const q = r.fQty[k]!;
    const d = r.fSide[k]! * (mid - r.fPrice[k]!);
    acc.ticks += d * q;
    acc.bps += (d / mid) * 1e4 * q;
    acc.qty += q;
  };
  const horizon = 1_000_000_000n;
  let makerFills = 0;
  let filledQty = 0;
  for (let k = 0; k < r.fTs.length; k++) {
    filledQty += r.fQty[k]!;
    if (!r.fMaker[k]) continue;
    makerFills++;
    if (!Number.isNaN(r.fMid[k]!)) addEdge(captured, k, r.fMid[k]!);
    // Samples are in time order: binary search for the first at or after the horizon, then that instrument's.
    const t = r.fExchTs[k]! + horizon;
    let lo = 0;
    let hi = r.sTs.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (r.sTs[m]! < t) lo = m + 1;
      else hi = m;
    }
    while (lo < r.sTs.length && (r.sInstrument[lo] !== r.fInstrument[k] || Number.isNaN(r.sMid[lo]!))) lo++;
    if (lo < r.sTs.length) addEdge(markout, k, r.sMid[lo]!);
  }

  const inventory: InventoryStats[] = [];
  for (let i = 0; i < nInst; i++) {
    let n = 0;
    let s = 0;
    let sa = 0;
    let ss = 0;
    let mx = 0;
    let fin = 0;
    for (let k = 0; k < ns; k++) {
      if (r.sInstrument[k] !== i) continue;
      const p = r.sPosition[k]!;
      n++;
      s += p;
      sa += Math.abs(p);
      ss += p * p;
      if (Math.abs(p) > mx) mx = Math.abs(p);
      fin = p;
    }
    const mean = n ? s / n : NaN;
    inventory.push({
      instrument: i,
      mean,
      meanAbs: n ? sa / n : NaN,
      std: n > 1 ? Math.sqrt(Math.max(0, (ss - n * mean * mean) / (n - 1))) : NaN,
      maxAbs: mx,
      final: fin,
    });
  }

  const summary: BacktestSummary = {
    pnl,
    realised,
    unrealised,
    fees,
    finalEquity: args.initialCapital + pnl,
    sharpe,
    sortino,
    maxDrawdown: maxDd,
    maxDrawdownPct,
    turnover,
    volume,
    fills: r.fTs.length,
    makerFills,
    takerFills: r.fTs.length - makerFills,
    orders: r.newOrders,
    fillRatio: r.submittedQty > 0 ? filledQty / r.submittedQty : NaN,
    spreadCapturedTicks: captured.qty > 0 ? captured.ticks / captured.qty : NaN,
    spreadCapturedBps: captured.qty > 0 ? captured.bps / captured.qty : NaN,
    markout1sTicks: markout.qty > 0 ? markout.ticks / markout.qty : NaN,
    markout1sBps: markout.qty > 0 ? markout.bps / markout.qty : NaN,
    inventory,
    periodsPerYear: ppy,
    events: args.events,
    wallMs: args.wallMs,
    eventsPerSecond: args.wallMs > 0 ? args.events / (args.wallMs / 1000) : NaN,
  };
  return { fills, orders, equity, log, summary, totals, endTs: args.endTs, warnings: [] };
}

function lastRowOf(r: Recorder, instrument: number): number {
  for (let k = r.sTs.length - 1; k >= 0; k--) if (r.sInstrument[k] === instrument) return k;
  return -1;
}
