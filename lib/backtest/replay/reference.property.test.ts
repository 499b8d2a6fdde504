// Property test: the native replay engine against the plain TypeScript reference simulator (reference.ts), on
// random synthetic L2 data, random order flow (limit/IOC/FOK/post-only/market orders, cancels and replaces of
// random earlier orders, malformed requests), the risk-averse and power-family queue models, both exchange modes,
// no-double-fill on/off, constant latency with a cancel delay, and data appended in random chunk sizes. Every
// response (kind, times, prices, quantities, fees, mids) and the exact final accounts must be identical.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarketEvents } from "../../data/market/events.js";
import { ReplayEngine, type ReplayResponse } from "./engine.js";
import { ReferenceReplay, type ReferenceResponse } from "./reference.js";
import { Op, OrderTypeCode, RunStatus, TifCode } from "./codes.js";
import { constantLatency, makerTaker, powerProbQueue, powerProbQueue2, powerProbQueue3, riskAverseQueue, type QueueModel } from "./models.js";
import { syntheticMarketEvents } from "./synthetic.js";

interface Action {
  dt: number;
  kind: "limit" | "ioc" | "fok" | "gtx" | "market" | "cancel" | "replace" | "bad";
  side: 1 | -1;
  offset: number;
  qty: number;
  pick: number;
}

const QUEUES: QueueModel[] = [riskAverseQueue(), powerProbQueue(1), powerProbQueue(2), powerProbQueue(3), powerProbQueue2(2), powerProbQueue3(2)];

function slice(ev: MarketEvents, s: number, e: number): MarketEvents {
  return {
    exchTs: ev.exchTs.slice(s, e),
    localTs: ev.localTs.slice(s, e),
    kind: ev.kind.slice(s, e),
    side: ev.side.slice(s, e),
    price: ev.price.slice(s, e),
    qty: ev.qty.slice(s, e),
    orderId: ev.orderId.slice(s, e),
    instrument: ev.instrument.slice(s, e),
    instruments: ev.instruments,
  };
}

const clean = (r: ReplayResponse | ReferenceResponse) => ({ ...r });

describe("native replay engine == TypeScript reference", () => {
  it("on random data and random order flow", () => {
    const seen = new Map<number, number>();
    let makerFills = 0;
    fc.assert(
      fc.property(
        fc.record({
          dataSeed: fc.integer({ min: 1, max: 1_000_000 }),
          events: fc.integer({ min: 40, max: 500 }),
          levels: fc.integer({ min: 2, max: 6 }),
          levelQty: fc.integer({ min: 1, max: 8 }),
          tradeProb: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
          jitter: fc.integer({ min: 0, max: 400_000 }),
          queue: fc.integer({ min: 0, max: QUEUES.length - 1 }),
          partial: fc.boolean(),
          noDoubleFill: fc.boolean(),
          entry: fc.integer({ min: 0, max: 2_000_000 }),
          response: fc.integer({ min: 0, max: 2_000_000 }),
          cancelDelay: fc.integer({ min: 0, max: 500_000 }),
          chunk: fc.integer({ min: 7, max: 600 }),
          actions: fc.array(
            fc.record({
              dt: fc.integer({ min: 0, max: 3_000_000 }),
              kind: fc.constantFrom<Action["kind"]>("limit", "limit", "limit", "limit", "ioc", "fok", "gtx", "market", "cancel", "replace", "replace", "bad"),
              side: fc.constantFrom<1 | -1>(1, -1),
              offset: fc.integer({ min: -3, max: 4 }),
              qty: fc.integer({ min: 1, max: 12 }),
              pick: fc.nat(),
            }),
            { maxLength: 80 },
          ),
        }),
        (p) => {
          const ev = syntheticMarketEvents({
            seed: p.dataSeed,
            events: p.events,
            levels: p.levels,
            levelQty: p.levelQty,
            tradeProb: p.tradeProb,
            feedJitterNs: p.jitter,
            meanGapNs: 300_000,
          });
          const cfg = {
            instruments: ev.instruments,
            latency: constantLatency({ entryNs: p.entry, responseNs: p.response, cancelDelayNs: p.cancelDelay }),
            queue: QUEUES[p.queue]!,
            fees: makerTaker(-0.0001, 0.0004),
            exchange: p.partial ? ("partial" as const) : ("noPartial" as const),
            noDoubleFill: p.noDoubleFill,
          };
          const eng = new ReplayEngine(cfg);
          const ref = new ReferenceReplay(cfg);
          const n = ev.kind.length;
          let nextEng = 0;
          let nextRef = 0;
          const engOut: ReplayResponse[] = [];
          const refOut: ReferenceResponse[] = [];
          const runEng = (until: bigint) => {
            for (;;) {
              const s = eng.run(until);
              for (let k = 0; k < eng.responseCount; k++) engOut.push(eng.response(k));
              if (s === RunStatus.needData) {
                if (nextEng < n) {
                  eng.append(ev, { start: nextEng, end: Math.min(n, nextEng + p.chunk) });
                  nextEng += p.chunk;
                } else eng.finish();
                continue;
              }
              if (s !== RunStatus.outputFull) return s;
            }
          };
          const runRef = (until: bigint) => {
            for (;;) {
              const s = ref.run(until);
              refOut.push(...ref.delivered);
              if (s === RunStatus.needData) {
                if (nextRef < n) {
                  ref.append(slice(ev, nextRef, Math.min(n, nextRef + p.chunk)));
                  nextRef += p.chunk;
                } else ref.finish();
                continue;
              }
              return s;
            }
          };
          let t = ev.localTs[0]!;
          const ids: number[] = [];
          let id = 1;
          for (const a of p.actions) {
            t += BigInt(a.dt);
            const se = runEng(t);
            const sr = runRef(t);
            expect(se).toBe(sr);
            expect(eng.now).toBe(ref.now);
            const top = eng.top();
            const rtop = ref.top();
            expect([top.bidPrice, top.askPrice]).toEqual([rtop.bidPrice, rtop.askPrice]);
            const both = (op: number, oid: number, side: number, price: number, qty: number, type = 0, tif = 0) => {
              eng.submit(op, oid, 0, side, price, qty, type, tif);
              ref.submit(op, oid, 0, side, price, qty, type, tif);
            };
            const touch = a.side > 0 ? top.bidPrice : top.askPrice;
            const price = Number.isNaN(touch) ? 1000 + a.offset : a.side > 0 ? touch + a.offset : touch - a.offset;
            switch (a.kind) {
              case "cancel":
                if (ids.length) both(Op.cancel, ids[a.pick % ids.length]!, 0, 0, 0);
                break;
              case "replace":
                if (ids.length) both(Op.replace, ids[a.pick % ids.length]!, 0, price, a.qty);
                break;
              case "bad":
                both(Op.new, id, a.side, price, a.pick % 2 ? 0 : 1.5, 0, 0);
                ids.push(id++);
                break;
              case "market":
                both(Op.new, id, a.side, 0, a.qty, OrderTypeCode.market, TifCode.IOC);
                ids.push(id++);
                break;
              default: {
                const tif = a.kind === "ioc" ? TifCode.IOC : a.kind === "fok" ? TifCode.FOK : a.kind === "gtx" ? TifCode.GTX : TifCode.GTC;
                both(Op.new, id, a.side, price, a.qty, OrderTypeCode.limit, tif);
                ids.push(id++);
              }
            }
          }
          const end = (1n << 62n) - 1n;
          expect(runEng(end)).toBe(RunStatus.end);
          expect(runRef(end)).toBe(RunStatus.end);
          expect(engOut.map(clean)).toEqual(refOut.map(clean));
          for (const r of engOut) {
            seen.set(r.kind, (seen.get(r.kind) ?? 0) + 1);
            if (r.kind === 2 && r.maker) makerFills++;
          }
          const totals = eng.totals();
          for (const [mine, theirs] of [
            [totals.exchange[0]!, ref.accounts[0]!],
            [totals.local[0]!, ref.localAccounts[0]!],
          ] as const) {
            expect([mine.position, mine.cash, mine.fees, mine.realised, mine.volume, mine.fills]).toEqual([
              theirs.position,
              theirs.cash,
              theirs.fees,
              theirs.realised,
              theirs.volume,
              theirs.fills,
            ]);
          }
          // Everything was delivered: the strategy's view equals the venue's.
          expect(totals.local[0]!.cash).toBe(totals.exchange[0]!.cash);
        },
      ),
      { numRuns: 300 },
    );
    // The generated cases exercise every response kind, and queue-position (maker) fills in numbers.
    for (const kind of [1, 2, 3, 4, 5, 6, 7, 8]) expect(seen.get(kind) ?? 0).toBeGreaterThan(0);
    expect(makerFills).toBeGreaterThan(100);
    console.log("response kinds seen:", Object.fromEntries(seen), "maker fills:", makerFills);
  });
});
