// Conservation: cash, position and fees reconcile exactly with the fills, and with each other, to the last
// integer unit (and so to the cent once converted); the equity curve ends on the same PnL.
import { describe, expect, it } from "vitest";
import { Backtest } from "./backtest.js";
import { constantLatency, makerTaker, normalLatency, powerProbQueue } from "./models.js";
import { quoteAroundMid } from "./quote-around-mid.js";
import { syntheticMarketEvents } from "./synthetic.js";
import type { Strategy } from "../../trading/ports/index.js";

const ev = syntheticMarketEvents({ events: 60_000, seed: 42, levels: 8, levelQty: 6, tradeProb: 0.3 });
const MAKER = -0.0001;
const TAKER = 0.0004;

/** Quotes around the mid and now and then crosses the spread with an IOC, so both maker and taker fills occur. */
const mixed: Strategy<Record<string, never>> = async (ctx) => {
  let k = 0;
  const inner = quoteAroundMid(
    {
      clock: ctx.clock,
      marketData: ctx.marketData,
      execution: ctx.execution,
      portfolio: ctx.portfolio,
      log: ctx.log,
      waitNext: (t?: bigint) => ctx.waitNext(t),
      elapse: async (ns: bigint) => {
        const more = await ctx.elapse(ns);
        if (more && ++k % 7 === 0) {
          const t = ctx.marketData.top();
          const side = k % 2 ? 1 : -1;
          if (!Number.isNaN(t.askPrice)) ctx.execution.submit({ side, price: side > 0 ? t.askPrice : t.bidPrice, qty: 2, tif: "IOC" });
        }
        return more;
      },
    },
    { stepNs: 20_000_000n, halfSpread: 1, qty: 3, maxPosition: 30 },
  );
  await inner;
};

describe("exact accounting", () => {
  for (const [name, latency] of [
    ["constant latency", constantLatency({ entryNs: 300_000, responseNs: 200_000 })],
    ["normal jitter", normalLatency({ entryNs: 300_000, responseNs: 200_000, entrySdNs: 100_000, responseSdNs: 100_000 })],
  ] as const) {
    it(`cash, fees and position equal the sums over the fills (${name})`, async () => {
      const bt = Backtest.builder().data(ev).latency(latency).queue(powerProbQueue(2)).fees(makerTaker(MAKER, TAKER)).build();
      const r = await bt.run(mixed, {});
      const fills = r.fills.objects() as { side: number; price: number; qty: number; maker: boolean; fee: number; mid: number }[];
      expect(fills.length).toBeGreaterThan(50);
      expect(fills.some((f) => f.maker)).toBe(true);
      expect(fills.some((f) => !f.maker)).toBe(true);

      let cash = 0n;
      let fees = 0n;
      let pos = 0n;
      let volume = 0n;
      for (const f of fills) {
        const notional = BigInt(f.price) * BigInt(f.qty);
        cash -= BigInt(f.side) * notional;
        fees += notional * BigInt(f.maker ? Math.round(MAKER * 1e8) : Math.round(TAKER * 1e8));
        pos += BigInt(f.side) * BigInt(f.qty);
        volume += BigInt(f.qty);
      }
      const local = r.totals.local[0]!;
      expect([local.cash, local.fees, local.position, local.volume]).toEqual([cash, fees, pos, volume]);
      // The venue's books agree with what the strategy received, except fills still in flight at the end.
      const venue = r.totals.exchange[0]!;
      expect(venue.volume >= local.volume).toBe(true);

      // FIFO lots: cash = realised - cost of the open lots, exactly.
      for (const a of [local, venue]) expect(a.cash).toBe(a.realised - a.cost);

      // Currency: each fill's fee is price * qty * tick * lot * rate; their sum matches the exact total.
      const unit = ev.instruments[0]!.tickSize * ev.instruments[0]!.lotSize;
      const feeSum = fills.reduce((s, f) => s + f.fee, 0);
      expect(Math.abs(feeSum - (Number(local.fees) * unit) / 1e8)).toBeLessThan(1e-9);
      for (const f of fills) {
        expect(f.fee).toBeCloseTo(f.price * f.qty * unit * (f.maker ? MAKER : TAKER), 12);
      }

      // The final PnL from the exact venue totals, to the cent.
      const mid2 = venue.mid2!;
      const pnl = (Number(venue.cash) + (Number(venue.position) * Number(mid2)) / 2) * unit - (Number(venue.fees) * unit) / 1e8;
      expect(Math.abs(r.summary.pnl - pnl)).toBeLessThan(0.005);
      expect(Math.abs(r.summary.realised + r.summary.unrealised - r.summary.fees - pnl)).toBeLessThan(0.005);
      const eq = r.equity.objects() as { pnl: number; equity: number; position: number }[];
      expect(Math.abs(eq.at(-1)!.pnl - pnl)).toBeLessThan(0.005);
      expect(eq.at(-1)!.position).toBe(Number(venue.position));
    });
  }
});
