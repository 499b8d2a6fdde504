import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mulberry32 } from "../../util/prng.js";
import type { OrderRequest, StrategyContext } from "../../trading/ports/index.js";
import { runBarBacktest, type BarStrategyContext } from "./run-bar-backtest.js";
import { toMicros } from "./ledger.js";
import type { BarPanel, FillRule, SlippageSpec } from "./types.js";

const DATES = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"];

/** Two instruments over five days; B lists on the third day. */
function panel(): BarPanel {
  return {
    dates: DATES,
    symbols: ["A", "B"],
    open: [
      [10, 11, 12, 13, 14],
      [NaN, NaN, 50, 52, 49],
    ],
    high: [
      [10.5, 11.8, 12.5, 13.5, 14.2],
      [NaN, NaN, 51, 53, 50],
    ],
    low: [
      [9.5, 10.6, 11.5, 12.0, 13.0],
      [NaN, NaN, 49, 51, 48],
    ],
    close: [
      [10.2, 11.5, 12.2, 13.2, 14.1],
      [NaN, NaN, 50.5, 51.5, 49.5],
    ],
  };
}

/** Runs `actions[t]` while looking at bar t (t = -1 before the first bar). */
async function run(actions: Record<number, (ctx: BarStrategyContext) => void>, opts: Partial<Parameters<typeof runBarBacktest>[2]> = {}) {
  return runBarBacktest(
    async (ctx: BarStrategyContext) => {
      actions[-1]?.(ctx);
      while (await ctx.waitNext()) actions[ctx.barIndex()]?.(ctx);
    },
    undefined,
    { bars: panel(), initialCash: 10_000, ...opts },
  );
}

const buy = (qty: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ side: 1, qty, price: NaN, type: "market", ...extra });
const sell = (qty: number, extra: Partial<OrderRequest> = {}): OrderRequest => ({ side: -1, qty, price: NaN, type: "market", ...extra });
const col = <T>(t: { array(name: string): ArrayLike<unknown> }, name: string) => Array.from(t.array(name)) as T[];

describe("fill rules", () => {
  it("fills a market order sent after bar t at bar t+1's open by default", async () => {
    const res = await run({ 0: (ctx) => ctx.execution.submit(buy(100)) });
    expect(col<number>(res.fills, "price")).toEqual([11]);
    expect(col<Date>(res.fills, "date")[0]!.toISOString().slice(0, 10)).toBe("2024-01-03");
    expect(res.cashMicros).toBe(toMicros(10_000 - 1_100));
    // Equity on bar 1 is marked at its close: 8900 + 100 * 11.5.
    expect(col<number>(res.equity, "equity")).toEqual([10_000, 10_050, 10_120, 10_220, 10_310]);
    expect(col<number>(res.positions, "A")).toEqual([0, 100, 100, 100, 100]);
  });

  it("fills at bar t's close under fill 'close'", async () => {
    const res = await run({ 0: (ctx) => ctx.execution.submit(buy(100)) }, { fill: "close" });
    expect(col<number>(res.fills, "price")).toEqual([10.2]);
    expect(col<number>(res.equity, "equity")).toEqual([10_000, 10_130, 10_200, 10_300, 10_390]);
  });

  it("rejects an order sent before any bar under fill 'close', and fills it at the first open under 'next_open'", async () => {
    const close = await run({ [-1]: (ctx) => ctx.execution.submit(buy(1)) }, { fill: "close" });
    expect(col<string>(close.orders, "status")).toEqual(["rejected"]);
    expect(col<string>(close.orders, "reason")[0]).toMatch(/no bar has closed yet/);
    const next = await run({ [-1]: (ctx) => ctx.execution.submit(buy(1)) });
    expect(col<number>(next.fills, "price")).toEqual([10]);
  });

  it("cancels a market order for an instrument without a bar on the fill date", async () => {
    const res = await run({ 0: (ctx) => ctx.execution.submit(buy(1, { instrument: 1 })) });
    expect(res.fills.numRows()).toBe(0);
    expect(col<string>(res.orders, "status")).toEqual(["cancelled"]);
    expect(col<string>(res.orders, "reason")[0]).toBe("B has no bar on 2024-01-03");
  });

  it("shows only bars up to the current one, and only dates on which the instrument had a bar", async () => {
    const seen: string[] = [];
    await run({
      1: (ctx) => {
        expect(ctx.marketData.bars(1, 5)).toEqual([]);
        expect(ctx.marketData.bars(0, 5).map((b) => b.close)).toEqual([10.2, 11.5]);
        expect(Array.from(ctx.history(1, 3))).toEqual([NaN, NaN]);
      },
      3: (ctx) => {
        const bars = ctx.marketData.bars(1, 10);
        expect(bars.map((b) => b.close)).toEqual([50.5, 51.5]);
        expect(bars[1]).toEqual({ ts: BigInt(Date.parse("2024-01-05")) * 1_000_000n, open: 52, high: 53, low: 51, close: 51.5, volume: 0 });
        expect(ctx.clock.now()).toBe(bars[1]!.ts);
        seen.push(ctx.date().toISOString().slice(0, 10));
      },
    });
    expect(seen).toEqual(["2024-01-05"]);
  });
});

describe("limit orders", () => {
  it("fills a buy limit at the limit when the bar trades through it, as a maker", async () => {
    // Bar 1: open 11, low 10.6 < 10.8.
    const res = await run({ 0: (ctx) => ctx.execution.submit({ side: 1, qty: 10, price: 10.8 }) });
    expect(col<number>(res.fills, "price")).toEqual([10.8]);
    expect(col<boolean>(res.fills, "maker")).toEqual([true]);
  });

  it("does not fill on a touch under 'through' but does under 'touch'", async () => {
    // Bar 1's low is exactly 10.6.
    const through = await run({ 0: (ctx) => ctx.execution.submit({ side: 1, qty: 10, price: 10.6, tif: "IOC" }) });
    expect(through.fills.numRows()).toBe(0);
    expect(col<string>(through.orders, "status")).toEqual(["cancelled"]);
    const touch = await run({ 0: (ctx) => ctx.execution.submit({ side: 1, qty: 10, price: 10.6, tif: "IOC" }) }, { limitFill: "touch" });
    expect(col<number>(touch.fills, "price")).toEqual([10.6]);
  });

  it("fills at the open when the bar gaps through the limit, and rests until a later bar otherwise", async () => {
    // A sell limit at 10.9: bar 1 opens at 11 >= 10.9, so it fills at the better open as a taker.
    const gap = await run({ 0: (ctx) => ctx.execution.submit({ side: -1, qty: 5, price: 10.9 }) });
    expect(col<number>(gap.fills, "price")).toEqual([11]);
    expect(col<boolean>(gap.fills, "maker")).toEqual([false]);
    // A sell limit at 13.4 rests through bars 1 (high 11.8) and 2 (12.5), fills on bar 3 (high 13.5 > 13.4).
    const rest = await run({ 0: (ctx) => ctx.execution.submit({ side: -1, qty: 5, price: 13.4 }) });
    expect(col<number>(rest.fills, "price")).toEqual([13.4]);
    expect(col<Date>(rest.fills, "date")[0]!.toISOString().slice(0, 10)).toBe("2024-01-05");
  });

  it("cancels a post-only order that would take at the open, and lets the strategy cancel or replace", async () => {
    const res = await run({
      0: (ctx) => {
        ctx.execution.submit({ side: 1, qty: 1, price: 11.2, tif: "GTX" }); // open 11 <= 11.2: would take
        const a = ctx.execution.submit({ side: 1, qty: 1, price: 5 });
        const b = ctx.execution.submit({ side: 1, qty: 1, price: 5 });
        ctx.execution.cancel(a);
        ctx.execution.replace(b, 12.4, 3); // bar 1 opens 11 <= 12.4: fills at the open
      },
    });
    expect(col<string>(res.orders, "status")).toEqual(["cancelled", "cancelled", "filled"]);
    expect(col<string>(res.orders, "reason")[0]).toMatch(/post-only/);
    expect(col<number>(res.fills, "qty")).toEqual([3]);
    expect(col<number>(res.fills, "price")).toEqual([11]);
  });

  it("under fill 'close' fills a limit marketable at the close there, else judges later bars' ranges", async () => {
    const res = await run(
      {
        0: (ctx) => {
          ctx.execution.submit({ side: 1, qty: 1, price: 10.3 }); // close 10.2 <= 10.3: fills at 10.2
          ctx.execution.submit({ side: -1, qty: 1, price: 11.7 }); // above the close: rests; bar 1 high 11.8 > 11.7
        },
      },
      { fill: "close" },
    );
    expect(col<number>(res.fills, "price")).toEqual([10.2, 11.7]);
    expect(col<boolean>(res.fills, "maker")).toEqual([false, true]);
  });
});

describe("costs, rejections and accounting", () => {
  it("charges commission (bps with a minimum, per share) and slippage on market orders", async () => {
    const res = await run({ 0: (ctx) => ctx.execution.submit(buy(100)), 2: (ctx) => ctx.execution.submit(sell(100)) }, {
      commission: { bps: 10, perShare: 0.01, minimum: 2.5 },
      slippage: { bps: 20, fixed: 0.01 },
    });
    // Buy at open 11 * 1.002 + 0.01 = 11.032; sell at open 13 * 0.998 - 0.01 = 12.964.
    const prices = col<number>(res.fills, "price");
    expect(prices[0]).toBeCloseTo(11.032, 12);
    expect(prices[1]).toBeCloseTo(12.964, 12);
    // Fee = max(2.5, 10bps * notional + 0.01 * 100).
    const fees = col<number>(res.fills, "fee");
    expect(fees[0]).toBeCloseTo(Math.max(2.5, 0.001 * 1103.2 + 1), 12);
    expect(fees[1]).toBeCloseTo(Math.max(2.5, 0.001 * 1296.4 + 1), 12);
    const pnl = 1296.4 - 1103.2 - fees[0]! - fees[1]!;
    expect(res.summary.finalEquity).toBeCloseTo(10_000 + pnl, 9);
    expect(col<number>(res.trades, "pnl")[0]).toBeCloseTo(pnl, 9);
    expect(res.summary.roundTrips).toBe(1);
    expect(res.summary.tradeHitRate).toBe(1);
    // The minimum applies to small fills.
    const small = await run({ 0: (ctx) => ctx.execution.submit(buy(1)) }, { commission: { bps: 10, minimum: 2.5 } });
    expect(col<number>(small.fills, "fee")).toEqual([2.5]);
  });

  it("rejects bad orders with a reason instead of throwing", async () => {
    const res = await run(
      {
        0: (ctx) => {
          ctx.execution.submit(buy(0));
          ctx.execution.submit(buy(1.5));
          ctx.execution.submit(buy(1, { instrument: 7 }));
          ctx.execution.submit({ side: 1, qty: 1, price: -3 });
          ctx.execution.submit(sell(1)); // short with allowShort false: rejected at fill time
        },
      },
      { allowShort: false },
    );
    expect(col<string>(res.orders, "status")).toEqual(["rejected", "rejected", "rejected", "rejected", "rejected"]);
    const reasons = col<string>(res.orders, "reason");
    expect(reasons[0]).toMatch(/quantity must be a positive integer/);
    expect(reasons[2]).toMatch(/instrument must be an index in \[0, 1\]/);
    expect(reasons[3]).toMatch(/limit order needs a finite positive price/);
    expect(reasons[4]).toMatch(/shorting is off/);
    expect(res.fills.numRows()).toBe(0);
  });

  it("splits round trips on a flip and reports realised and unrealised PnL by average cost", async () => {
    let pnlAfterFlip: ReturnType<StrategyContext["portfolio"]["pnl"]> | undefined;
    const res = await run({
      0: (ctx) => ctx.execution.submit(buy(10)), // 10 @ 11
      1: (ctx) => ctx.execution.submit(buy(10)), // 10 @ 12: average 11.5
      2: (ctx) => ctx.execution.submit(sell(30)), // 30 @ 13: closes 20 (+30), opens -10 @ 13
      3: (ctx) => {
        pnlAfterFlip = ctx.portfolio.pnl(0);
        expect(ctx.portfolio.position(0)).toBe(-10);
      },
    });
    expect(pnlAfterFlip!.realised).toBeCloseTo(20 * (13 - 11.5), 12);
    expect(pnlAfterFlip!.unrealised).toBeCloseTo(-10 * (13.2 - 13), 12);
    expect(col<number>(res.trades, "pnl")).toHaveLength(1);
    expect(col<number>(res.trades, "pnl")[0]).toBeCloseTo(30, 12);
    expect(col<number>(res.trades, "qty")[0]).toBe(20);
  });

  it("elapses by market time, runs out the data after the strategy returns, and names the bar when it throws", async () => {
    const days: number[] = [];
    const res = await runBarBacktest(
      async (ctx: BarStrategyContext) => {
        await ctx.elapse(2n * 86_400_000_000_000n); // from 2024-01-02: completes the bars of the 2nd, 3rd and 4th
        days.push(ctx.barIndex());
        ctx.execution.submit({ side: 1, qty: 1, price: 13.1 }); // rests; fills on bar 3 (low 12.0)
      },
      undefined,
      { bars: panel() },
    );
    expect(days).toEqual([2]);
    expect(res.equity.numRows()).toBe(5);
    expect(col<number>(res.fills, "price")).toEqual([13]); // bar 3 opens at 13 <= 13.1
    await expect(
      runBarBacktest(
        async (ctx) => {
          await ctx.waitNext();
          await ctx.waitNext();
          throw new Error("boom");
        },
        undefined,
        { bars: panel() },
      ),
    ).rejects.toThrow("runBarBacktest, bar 1 (2024-01-03): the strategy threw: boom.");
  });

  it("rejects bad bars with the symbol and date", async () => {
    const bad = panel();
    (bad.high as number[][])[0]![2] = 12.0; // below the close 12.2
    await expect(runBarBacktest(async () => {}, undefined, { bars: bad })).rejects.toThrow("runBarBacktest bars, symbol 'A' on 2024-01-04: the high is below the open or close, expected >= 12.2 but found 12.");
    await expect(runBarBacktest(async () => {}, undefined, { bars: { ...panel(), dates: [...DATES.slice(0, 4), "2024-01-01"] } })).rejects.toThrow(/row 5: dates are not strictly increasing/);
  });
});

// ---- property test against a slow reference simulator ----------------------------------------------------------

interface Sent {
  id: number;
  bar: number;
  req: Required<Pick<OrderRequest, "instrument" | "side" | "qty" | "type" | "price">>;
  cancelledAt: number;
}

function randomPanel(seed: number, T: number, N: number): BarPanel {
  const rnd = mulberry32(seed);
  const open: number[][] = [];
  const high: number[][] = [];
  const low: number[][] = [];
  const close: number[][] = [];
  for (let i = 0; i < N; i++) {
    const listed = i === 0 ? 0 : Math.floor(rnd() * (T / 2));
    let p = 20 + 80 * rnd();
    const o: number[] = [];
    const h: number[] = [];
    const l: number[] = [];
    const c: number[] = [];
    for (let t = 0; t < T; t++) {
      if (t < listed) {
        o.push(NaN);
        h.push(NaN);
        l.push(NaN);
        c.push(NaN);
        continue;
      }
      const op = Math.round(p * (1 + (rnd() - 0.5) * 0.02) * 100) / 100;
      const cl = Math.round(op * (1 + (rnd() - 0.5) * 0.04) * 100) / 100;
      o.push(op);
      c.push(cl);
      h.push(Math.max(op, cl) + Math.round(rnd() * 50) / 100);
      l.push(Math.min(op, cl) - Math.round(rnd() * 50) / 100);
      p = cl;
    }
    open.push(o);
    high.push(h);
    low.push(l);
    close.push(c);
  }
  const dates = Array.from({ length: T }, (_, t) => new Date(Date.UTC(2020, 0, 1 + t)));
  return { dates, symbols: Array.from({ length: N }, (_, i) => `S${i}`), open, high, low, close };
}

/** The fill rules written out once more, order by order, in the plainest way. */
function referenceFills(p: BarPanel, sent: Sent[], fill: FillRule, slip: Required<SlippageSpec>) {
  const T = p.dates.length;
  const has = (i: number, t: number) => Number.isFinite(p.close[i]![t]!);
  const slipped = (px: number, side: number) => px + side * (slip.bps * 1e-4 * px + slip.fixed);
  const out = new Map<number, { bar: number; price: number; maker: boolean }>();
  for (const o of sent) {
    const { instrument: i, side, type, price: L } = o.req;
    const c = o.cancelledAt; // the strategy cancelled while looking at bar c (Infinity: never)
    if (type === "market") {
      if (fill === "close") {
        if (c > o.bar && has(i, o.bar)) out.set(o.id, { bar: o.bar, price: slipped(p.close[i]![o.bar]!, side), maker: false });
      } else {
        const b = o.bar + 1;
        if (b < T && c >= b && has(i, b)) out.set(o.id, { bar: b, price: slipped(p.open![i]![b]!, side), maker: false });
      }
      continue;
    }
    const better = (px: number) => (side === 1 ? px <= L : px >= L);
    if (fill === "close" && c > o.bar && has(i, o.bar) && better(p.close[i]![o.bar]!)) {
      out.set(o.id, { bar: o.bar, price: p.close[i]![o.bar]!, maker: false });
      continue;
    }
    for (let b = o.bar + 1; b < T && b <= c; b++) {
      if (!has(i, b)) continue;
      const op = p.open![i]![b]!;
      if (better(op)) {
        out.set(o.id, { bar: b, price: op, maker: false });
        break;
      }
      if (side === 1 ? p.low![i]![b]! < L : p.high![i]![b]! > L) {
        out.set(o.id, { bar: b, price: L, maker: true });
        break;
      }
    }
  }
  return out;
}

describe("the engine against a slow reference simulator", () => {
  it("produces the same fills, positions and cash on random bars and random order flow", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom<FillRule>("next_open", "close"),
        fc.record({ bps: fc.constantFrom(0, 1, 7.5), perShare: fc.constantFrom(0, 0.005), minimum: fc.constantFrom(0, 1) }),
        fc.record({ bps: fc.constantFrom(0, 3), fixed: fc.constantFrom(0, 0.01) }),
        async (seed, fill, com, slip) => {
          const T = 30;
          const N = 3;
          const bars = randomPanel(seed, T, N);
          const rnd = mulberry32(seed ^ 0x5bd1e995);
          const sent: Sent[] = [];
          const res = await runBarBacktest(
            async (ctx: BarStrategyContext) => {
              while (await ctx.waitNext()) {
                const t = ctx.barIndex();
                const k = Math.floor(rnd() * 3);
                for (let j = 0; j < k; j++) {
                  const instrument = Math.floor(rnd() * N);
                  const side = rnd() < 0.5 ? 1 : -1;
                  const qty = 1 + Math.floor(rnd() * 50);
                  const last = ctx.marketData.bars(instrument, 1)[0]?.close ?? 50;
                  const type = rnd() < 0.5 ? "market" : "limit";
                  const price = type === "limit" ? Math.round(last * (1 + (rnd() - 0.5 + side * -0.2) * 0.05) * 100) / 100 : NaN;
                  const req = { instrument, side, qty, type, price } as Sent["req"];
                  const id = ctx.execution.submit(req);
                  if (ctx.execution.order(id)!.status !== "rejected") sent.push({ id, bar: t, req, cancelledAt: Infinity });
                }
                if (rnd() < 0.3) {
                  const open = ctx.execution.openOrders();
                  if (open.length > 0) {
                    const victim = open[Math.floor(rnd() * open.length)]!;
                    ctx.execution.cancel(victim.id);
                    sent.find((s) => s.id === victim.id)!.cancelledAt = t;
                  }
                }
              }
            },
            undefined,
            { bars, fill, commission: com, slippage: slip, initialCash: 100_000 },
          );

          const ref = referenceFills(bars, sent, fill, slip);
          const ids = col<number>(res.fills, "orderId");
          expect(new Set(ids)).toEqual(new Set(ref.keys()));
          const dates = col<Date>(res.fills, "date");
          const prices = col<number>(res.fills, "price");
          const makers = col<boolean>(res.fills, "maker");
          ids.forEach((id, k) => {
            const r = ref.get(id)!;
            expect(dates[k]!.getTime()).toBe((bars.dates[r.bar] as Date).getTime());
            expect(prices[k]).toBeCloseTo(r.price, 10);
            expect(makers[k]).toBe(r.maker);
          });

          // Cash reconciles exactly, in micro-units, with the fills table.
          const sides = col<number>(res.fills, "side");
          const notionals = col<number>(res.fills, "notional");
          const fees = col<number>(res.fills, "fee");
          let micros = toMicros(100_000);
          ids.forEach((_, k) => {
            micros -= toMicros(sides[k]! * notionals[k]!) + toMicros(fees[k]!);
            const expectedFee = Math.max(com.minimum, com.bps * 1e-4 * notionals[k]! + com.perShare * col<number>(res.fills, "qty")[k]!);
            expect(fees[k]).toBeCloseTo(expectedFee, 10);
          });
          expect(res.cashMicros).toBe(micros);

          // Positions at each close are the running sum of that day's and earlier fills.
          const instr = col<number>(res.fills, "instrument");
          const qtys = col<number>(res.fills, "qty");
          for (let i = 0; i < N; i++) {
            const logged = col<number>(res.positions, `S${i}`);
            let q = 0;
            for (let t = 0; t < T; t++) {
              ids.forEach((_, k) => {
                if (instr[k] === i && dates[k]!.getTime() === (bars.dates[t] as Date).getTime()) q += sides[k]! * qtys[k]!;
              });
              expect(logged[t]).toBe(q);
            }
          }
          // Equity = cash + marked positions on every bar.
          const cash = col<number>(res.equity, "cash");
          const mv = col<number>(res.equity, "marketValue");
          const eq = col<number>(res.equity, "equity");
          eq.forEach((e, t) => expect(e).toBeCloseTo(cash[t]! + mv[t]!, 6));
        },
      ),
      { numRuns: 60 },
    );
  });
});
