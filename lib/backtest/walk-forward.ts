/**
 * Out-of-sample walk-forward rebalancing backtest on the bar engine: every `rebalanceEvery` bars an optimiser sees
 * only the last `trainWindow` bars of prices (up to and including the rebalance bar's close) and returns target
 * weights; the engine's target-weight rebalancing (`rebalanceToWeights`) trades to them under its fill rule,
 * commissions and slippage.
 *
 * Conventions
 * - The first rebalance is on bar index trainWindow - 1 (the first bar with a full training window), then every
 *   `rebalanceEvery` bars. The out-of-sample period starts at that first rebalance bar; `equity` and the summary
 *   cover it only.
 * - Training data are read through the strategy context (`history`), which holds nothing after the current bar:
 *   the optimiser cannot see the future by construction.
 * - Eligible assets at a rebalance: a close on every bar of the training window (so listed for the whole window)
 *   and on the rebalance bar. The optimiser receives those only (as `{ tickers, rows, dates }`, a PriceInput of
 *   omniquant/portfolio); every other asset gets weight 0.
 * - Weights are fractions of equity marked at the rebalance bar's close (times 1 - cashBuffer), sized in lots of
 *   `lotSize` shares (default 1e-6: near-fractional shares, so realised weights match targets closely) and
 *   truncated toward zero.
 * - Turnover per rebalance: one-way over the assets (cash not counted), sum_i |target_i - drifted_i| / 2, where
 *   drifted_i is the weight held just before trading (position value / equity at the rebalance close): investing
 *   all cash is 0.5, swapping one fully invested portfolio for a disjoint one is 1.
 * - Under "next_open", lots are sized at the rebalance close and bought at the next open: cash can dip slightly
 *   below zero by that overnight move (and by costs unless `cashBuffer` covers them); no margin model applies.
 */
import { table, type ColumnTable } from "arquero";
import { summarizePerformance, type PerformanceSummary } from "../analytics/performance.js";
import type { WideMatrix } from "../portfolio/inputs.js";
import { contextError } from "../util/errors.js";
import { runBarBacktest, type BarStrategyContext } from "./bars/run-bar-backtest.js";
import { rebalanceToWeights } from "./bars/sizing.js";
import type { BarBacktestResult, BarInput, CommissionModel, CommissionSpec, FillRule, SlippageModel, SlippageSpec } from "./bars/types.js";

/** Training prices handed to the optimiser: eligible tickers, rows oldest first, with their dates. */
export type TrainingPrices = WideMatrix & { tickers: string[]; rows: number[][]; dates: Date[] };

/** Context of one rebalance, for optimisers that want it. */
export interface RebalanceInfo {
  date: Date;
  /** Bar index of the rebalance. */
  index: number;
  /** Weights held just before this rebalance (drifted), by ticker, every asset. */
  current: Readonly<Record<string, number>>;
}

/** Returns target weights by ticker (missing tickers get 0) or an array aligned with `training.tickers`. */
export type Optimiser = (training: TrainingPrices, info: RebalanceInfo) => Readonly<Record<string, number>> | ArrayLike<number>;

export interface WalkForwardOptions {
  /** Closes, date x ticker: a wide Arquero table (loadPrices), a BarPanel, or { tickers, rows, dates }. */
  prices: BarInput;
  /** Bars of history handed to the optimiser (including the rebalance bar). >= 2. */
  trainWindow: number;
  /** Bars between rebalances. >= 1. */
  rebalanceEvery: number;
  optimiser: Optimiser;
  /** Commission and slippage (defaults: none). */
  costs?: { commission?: CommissionModel | CommissionSpec; slippage?: SlippageModel | SlippageSpec };
  /** Default "next_open" (on close-only prices: the next bar's close). */
  fill?: FillRule;
  /** Default 1,000,000. */
  initialCash?: number;
  /** Shares per lot; default 1e-6. */
  lotSize?: number;
  /** Fraction of equity kept in cash at each rebalance (covers costs); default 0. */
  cashBuffer?: number;
  /** Default 252. */
  periodsPerYear?: number;
}

export interface WalkForwardResult {
  /** Out-of-sample equity: date, equity, ret (from the first rebalance bar; its ret is vs initial cash). */
  equity: ColumnTable;
  /** Target weights at each rebalance: date plus one column per ticker (0 = not held or not eligible). */
  weights: ColumnTable;
  /** Per rebalance: date, turnover (one-way), eligible (number of assets the optimiser saw). */
  rebalances: ColumnTable;
  summary: PerformanceSummary & { rebalances: number; averageTurnover: number; fees: number; finalEquity: number };
  /** The underlying bar backtest (fills, orders, positions, full equity curve). */
  backtest: BarBacktestResult;
}

const KEYS = new Set(["prices", "trainWindow", "rebalanceEvery", "optimiser", "costs", "fill", "initialCash", "lotSize", "cashBuffer", "periodsPerYear"]);

/** Runs the walk-forward backtest (see the module comment for the conventions). */
export async function walkForward(opts: WalkForwardOptions): Promise<WalkForwardResult> {
  if (opts === null || typeof opts !== "object") throw contextError({ where: "walkForward", what: "the options must be an object", found: String(opts) });
  for (const key of Object.keys(opts)) if (!KEYS.has(key)) throw contextError({ where: "walkForward", what: `unknown option '${key}'`, expected: `one of ${[...KEYS].join(", ")}` });
  const { trainWindow, rebalanceEvery, optimiser } = opts;
  if (!Number.isInteger(trainWindow) || trainWindow < 2) throw contextError({ where: "walkForward", what: "trainWindow must be an integer >= 2", found: String(trainWindow) });
  if (!Number.isInteger(rebalanceEvery) || rebalanceEvery < 1) throw contextError({ where: "walkForward", what: "rebalanceEvery must be an integer >= 1", found: String(rebalanceEvery) });
  if (typeof optimiser !== "function") throw contextError({ where: "walkForward", what: "optimiser must be a function (trainingPrices, info) => weights", found: typeof optimiser });
  const cashBuffer = opts.cashBuffer ?? 0;
  if (!(cashBuffer >= 0 && cashBuffer < 1)) throw contextError({ where: "walkForward", what: "cashBuffer must be in [0, 1)", found: String(opts.cashBuffer) });
  const periodsPerYear = opts.periodsPerYear ?? 252;

  const weightLog: { date: Date; w: Float64Array }[] = [];
  const rebalanceLog = { date: [] as Date[], turnover: [] as number[], eligible: [] as number[] };
  let firstRebalance = -1;

  const strategy = async (ctx: BarStrategyContext): Promise<void> => {
    const symbols = ctx.symbols();
    const N = symbols.length;
    const specs = ctx.marketData.instruments();
    const seen: Date[] = []; // dates of the bars completed so far (the loop visits every bar)
    while (await ctx.waitNext()) {
      const t = ctx.barIndex();
      seen.push(ctx.date());
      if (t < trainWindow - 1 || (t - (trainWindow - 1)) % rebalanceEvery !== 0) continue;
      if (firstRebalance < 0) firstRebalance = t;
      const date = ctx.date();

      // Training window, read through the context (nothing after bar t exists there).
      const cols: Float64Array[] = [];
      const eligible: number[] = [];
      for (let i = 0; i < N; i++) {
        const h = ctx.history(i, trainWindow, "close");
        cols.push(h);
        if (h.length === trainWindow && h.every((x) => Number.isFinite(x))) eligible.push(i);
      }
      const rowDates = seen.slice(Math.max(0, t - trainWindow + 1), t + 1);

      const equity = ctx.equity();
      const current: Record<string, number> = {};
      const drifted = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const q = ctx.portfolio.position(i);
        const px = cols[i]![cols[i]!.length - 1]!;
        drifted[i] = q === 0 ? 0 : (q * px * specs[i]!.tickSize * specs[i]!.lotSize) / equity;
        current[symbols[i]!] = drifted[i]!;
      }

      const target = new Float64Array(N);
      if (eligible.length > 0) {
        const training: TrainingPrices = {
          tickers: eligible.map((i) => symbols[i]!),
          rows: rowDates.map((_, k) => eligible.map((i) => cols[i]![k]!)),
          dates: rowDates,
        };
        let raw: Readonly<Record<string, number>> | ArrayLike<number>;
        try {
          raw = optimiser(training, { date, index: t, current });
        } catch (cause) {
          throw contextError({ where: `walkForward, rebalance on ${date.toISOString().slice(0, 10)}`, what: `the optimiser threw: ${cause instanceof Error ? cause.message : String(cause)}`, cause });
        }
        readWeights(raw, eligible, symbols, target, date);
      }
      let turnover = 0;
      for (let i = 0; i < N; i++) turnover += Math.abs(target[i]! - drifted[i]!);
      weightLog.push({ date, w: target });
      rebalanceLog.date.push(date);
      rebalanceLog.turnover.push(turnover / 2);
      rebalanceLog.eligible.push(eligible.length);
      rebalanceToWeights(ctx, target, { equity: equity * (1 - cashBuffer) });
    }
  };

  const backtest = await runBarBacktest(strategy, undefined, {
    bars: opts.prices,
    fill: opts.fill ?? "next_open",
    commission: opts.costs?.commission,
    slippage: opts.costs?.slippage,
    initialCash: opts.initialCash ?? 1_000_000,
    instruments: { lotSize: opts.lotSize ?? 1e-6 },
    periodsPerYear,
  });

  const allDates = backtest.equity.array("date") as Date[];
  const allEquity = backtest.equity.array("equity") as ArrayLike<number>;
  const start = firstRebalance < 0 ? allDates.length : firstRebalance;
  const initialCash = backtest.summary.initialCash;
  const oosEquity = Float64Array.from({ length: allDates.length - start }, (_, k) => allEquity[start + k]!);
  const oosRet = oosEquity.map((e, k) => e / (k === 0 ? initialCash : oosEquity[k - 1]!) - 1);
  const curve = new Float64Array(oosEquity.length + 1);
  curve[0] = initialCash;
  curve.set(oosEquity, 1);
  const perf = summarizePerformance(oosRet, { periodsPerYear, equity: curve });

  const symbols = backtest.instruments.map((s) => s.symbol);
  const weightCols: Record<string, unknown[]> = { date: weightLog.map((r) => r.date) };
  symbols.forEach((s, i) => {
    weightCols[s] = weightLog.map((r) => r.w[i]!);
  });
  const turnovers = rebalanceLog.turnover;
  return {
    equity: table({ date: allDates.slice(start), equity: Array.from(oosEquity), ret: Array.from(oosRet) }),
    weights: table(weightCols),
    rebalances: table(rebalanceLog),
    summary: {
      ...perf,
      rebalances: turnovers.length,
      averageTurnover: turnovers.length ? turnovers.reduce((a, b) => a + b, 0) / turnovers.length : NaN,
      fees: backtest.summary.fees,
      finalEquity: backtest.summary.finalEquity,
    },
    backtest,
  };
}

function readWeights(raw: unknown, eligible: readonly number[], symbols: readonly string[], target: Float64Array, date: Date): void {
  const where = `walkForward, optimiser weights on ${date.toISOString().slice(0, 10)}`;
  if (raw !== null && typeof raw === "object" && (Array.isArray(raw) || ArrayBuffer.isView(raw))) {
    const arr = raw as ArrayLike<number>;
    if (arr.length !== eligible.length) throw contextError({ where, what: "the weight array has the wrong length", expected: `${eligible.length} (one per eligible ticker)`, found: String(arr.length) });
    eligible.forEach((i, k) => {
      target[i] = checkWeight(arr[k], where, symbols[i]!);
    });
    return;
  }
  if (raw === null || typeof raw !== "object") throw contextError({ where, what: "the optimiser returned no weights", expected: "{ ticker: weight } or an array", found: String(raw) });
  const allowed = new Set(eligible.map((i) => symbols[i]!));
  for (const [key, v] of Object.entries(raw as Record<string, number>)) {
    if (!allowed.has(key)) {
      if (v === 0) continue;
      throw contextError({ where, what: `a weight is given for '${key}', which was not eligible (not in the training tickers)`, found: String(v) });
    }
  }
  for (const i of eligible) target[i] = checkWeight((raw as Record<string, number>)[symbols[i]!] ?? 0, where, symbols[i]!);
}

function checkWeight(v: unknown, where: string, symbol: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw contextError({ where, what: `the weight of '${symbol}' is not a finite number`, found: String(v) });
  return v;
}
