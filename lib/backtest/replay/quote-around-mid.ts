/**
 * A minimal market-making strategy over the ports: every `stepNs` of market time it quotes a bid `halfSpread`
 * ticks under the mid and an ask `halfSpread` ticks over it (post-only), moving its live quotes by
 * cancel/replace instead of sending new orders, and stops quoting a side when the position reaches
 * `maxPosition` lots. It is the workload of the replay benchmark and a template for real quoting strategies
 * (lib/strategies has the Avellaneda-Stoikov one).
 *
 * Set `everyEvent` to wake on every market event and response (`waitNext`) instead of every `stepNs`.
 */
import type { OrderState, Strategy, StrategyContext } from "../../trading/ports/index.js";

export interface QuoteAroundMidParams {
  /** Wake-up period in ns of market time (default 100 ms). */
  stepNs?: bigint;
  /** Ticks between the mid and each quote (default 2). */
  halfSpread?: number;
  /** Lots per quote (default 1). */
  qty?: number;
  /** Position limit in lots (default 10). */
  maxPosition?: number;
  instrument?: number;
  /** Wake on every event instead of every stepNs. */
  everyEvent?: boolean;
}

const live = (o: OrderState | undefined) => o !== undefined && (o.status === "pending" || o.status === "open" || o.status === "partially_filled");

export const quoteAroundMid: Strategy<QuoteAroundMidParams> = async (ctx: StrategyContext, p: QuoteAroundMidParams) => {
  const step = p.stepNs ?? 100_000_000n;
  const half = p.halfSpread ?? 2;
  const qty = p.qty ?? 1;
  const maxPos = p.maxPosition ?? 10;
  const inst = p.instrument ?? 0;
  let bidId = -1;
  let askId = -1;
  let lastBid = NaN;
  let lastAsk = NaN;
  const { execution: ex } = ctx;
  for (;;) {
    const more = p.everyEvent ? await ctx.waitNext() : await ctx.elapse(step);
    if (!more) return;
    const top = ctx.marketData.top(inst);
    if (Number.isNaN(top.bidPrice) || Number.isNaN(top.askPrice)) continue;
    const mid = Math.floor((top.bidPrice + top.askPrice) / 2);
    const pos = ctx.portfolio.position(inst);
    const bidPx = mid - half;
    const askPx = mid + half + ((top.bidPrice + top.askPrice) % 2 === 0 ? 0 : 1);
    const bid = ex.order(bidId);
    if (pos < maxPos) {
      if (!live(bid)) {
        bidId = ex.submit({ instrument: inst, side: 1, price: bidPx, qty, tif: "GTX", tag: "bid" });
        lastBid = bidPx;
      } else if (bidPx !== lastBid && bid!.status !== "pending") {
        ex.replace(bidId, bidPx, qty);
        lastBid = bidPx;
      }
    } else if (live(bid) && bid!.status !== "pending") {
      ex.cancel(bidId);
    }
    const ask = ex.order(askId);
    if (pos > -maxPos) {
      if (!live(ask)) {
        askId = ex.submit({ instrument: inst, side: -1, price: askPx, qty, tif: "GTX", tag: "ask" });
        lastAsk = askPx;
      } else if (askPx !== lastAsk && ask!.status !== "pending") {
        ex.replace(askId, askPx, qty);
        lastAsk = askPx;
      }
    } else if (live(ask) && ask!.status !== "pending") {
      ex.cancel(askId);
    }
  }
};
