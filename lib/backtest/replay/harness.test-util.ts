/**
 * Test harness for the replay engine: hand-written rows in, a clock the test moves, every response collected.
 * (Used by the *.test.ts files beside it; not part of the library.)
 */
import type { InstrumentSpec } from "../../data/market/events.js";
import { ReplayEngine, type ReplayConfig, type ReplayResponse } from "./engine.js";
import { constantLatency, noFees, riskAverseQueue } from "./models.js";
import { marketEvents, type EventRow } from "./rows.js";
import { Op, OrderTypeCode, ResponseKind, TifCode } from "./codes.js";

export const TEST_INSTRUMENT: InstrumentSpec = { symbol: "TEST", tickSize: 0.01, lotSize: 1 };

export interface Harness {
  engine: ReplayEngine;
  responses: ReplayResponse[];
  /** Simulates until local time t (ns) and collects the responses received. */
  to(t: number | bigint): ReplayResponse[];
  buy(id: number, price: number, qty: number, tif?: keyof typeof TifCode): void;
  sell(id: number, price: number, qty: number, tif?: keyof typeof TifCode): void;
  market(id: number, side: 1 | -1, qty: number): void;
  cancel(id: number): void;
  replace(id: number, price: number, qty: number): void;
  ahead(id: number): number | undefined;
  fills(): ReplayResponse[];
  kinds(): string[];
}

const KIND_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ResponseKind).map(([k, v]) => [v, k]));

export function harness(rows: readonly EventRow[], cfg: Partial<ReplayConfig> = {}): Harness {
  const engine = new ReplayEngine({
    instruments: [TEST_INSTRUMENT],
    latency: constantLatency({ entryNs: 10, responseNs: 10 }),
    queue: riskAverseQueue(),
    fees: noFees(),
    ...cfg,
  });
  engine.append(marketEvents(rows, [TEST_INSTRUMENT]));
  engine.finish();
  const responses: ReplayResponse[] = [];
  const h: Harness = {
    engine,
    responses,
    to(t) {
      const got = engine.runCollect(BigInt(t)).responses;
      responses.push(...got);
      return got;
    },
    buy: (id, price, qty, tif = "GTC") => void engine.submit(Op.new, id, 0, 1, price, qty, OrderTypeCode.limit, TifCode[tif]),
    sell: (id, price, qty, tif = "GTC") => void engine.submit(Op.new, id, 0, -1, price, qty, OrderTypeCode.limit, TifCode[tif]),
    market: (id, side, qty) => void engine.submit(Op.new, id, 0, side, 0, qty, OrderTypeCode.market, TifCode.IOC),
    cancel: (id) => void engine.submit(Op.cancel, id, 0, 0, 0, 0),
    replace: (id, price, qty) => void engine.submit(Op.replace, id, 0, 0, price, qty),
    ahead: (id) => engine.queueAhead(id),
    fills: () => responses.filter((r) => r.kind === ResponseKind.fill),
    kinds: () => responses.map((r) => KIND_NAMES[r.kind] ?? String(r.kind)),
  };
  return h;
}

/** A two-sided book at t = 0: bid 100 x bidQty, ask 101 x askQty (one row each). */
export function book(bidQty = 10, askQty = 10): EventRow[] {
  return [
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: 1, price: 100, qty: bidQty },
    { ts: 0, kind: "DEPTH_SNAPSHOT", side: -1, price: 101, qty: askQty },
  ];
}
