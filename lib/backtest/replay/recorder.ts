/**
 * What a backtest records while it runs, in growable columns: the order log (our requests and every response),
 * the fills, the equity samples and the strategy's log lines. `results.ts` turns it into Arquero tables.
 */
import type { ReplayResponse } from "./engine.js";

/** Order-log event names: requests first, then response kinds (codes.ts ResponseKind). */
export const ORDER_EVENTS = [
  "",
  "accepted",
  "fill",
  "cancelled",
  "expired",
  "rejected",
  "cancelRejected",
  "replaced",
  "replaceRejected",
  "submit",
  "cancel",
  "replace",
] as const;
export const SUBMIT_EVENT = 9;
export const CANCEL_EVENT = 10;
export const REPLACE_EVENT = 11;

export class Recorder {
  // order log
  readonly oTs: bigint[] = [];
  readonly oExchTs: bigint[] = [];
  readonly oEvent: number[] = [];
  readonly oOrderId: number[] = [];
  readonly oInstrument: number[] = [];
  readonly oSide: number[] = [];
  readonly oPrice: number[] = [];
  readonly oQty: number[] = [];
  readonly oLeaves: number[] = [];
  readonly oReason: number[] = [];
  readonly oTag: (string | null)[] = [];
  // fills
  readonly fTs: bigint[] = [];
  readonly fExchTs: bigint[] = [];
  readonly fOrderId: number[] = [];
  readonly fInstrument: number[] = [];
  readonly fSide: number[] = [];
  readonly fPrice: number[] = [];
  readonly fQty: number[] = [];
  readonly fMaker: boolean[] = [];
  readonly fFee: number[] = [];
  readonly fMid: number[] = [];
  readonly fTag: (string | null)[] = [];
  // equity samples
  readonly sTs: bigint[] = [];
  readonly sInstrument: number[] = [];
  readonly sPosition: number[] = [];
  readonly sMid: number[] = [];
  readonly sCash: number[] = [];
  readonly sFees: number[] = [];
  readonly sRealised: number[] = [];
  readonly sUnrealised: number[] = [];
  readonly sVolume: number[] = [];
  // log
  readonly log: { ts: bigint; level: "info" | "warn"; message: string; fields?: Record<string, unknown> }[] = [];
  /** Lots sent in new orders (for the fill ratio). */
  submittedQty = 0;
  newOrders = 0;

  constructor(readonly recordOrders = true) {}

  request(ts: bigint, event: number, orderId: number, instrument: number, side: number, price: number, qty: number, tag: string | null): void {
    if (event === SUBMIT_EVENT) {
      this.newOrders++;
      if (Number.isFinite(qty) && qty > 0) this.submittedQty += qty;
    }
    if (!this.recordOrders) return;
    this.oTs.push(ts);
    this.oExchTs.push(-1n);
    this.oEvent.push(event);
    this.oOrderId.push(orderId);
    this.oInstrument.push(instrument);
    this.oSide.push(side);
    this.oPrice.push(price);
    this.oQty.push(qty);
    this.oLeaves.push(NaN);
    this.oReason.push(0);
    this.oTag.push(tag);
  }

  response(r: ReplayResponse, tag: string | null): void {
    if (this.recordOrders) {
      this.oTs.push(r.ts);
      this.oExchTs.push(r.exchTs);
      this.oEvent.push(r.kind);
      this.oOrderId.push(r.orderId);
      this.oInstrument.push(r.instrument);
      this.oSide.push(r.side);
      this.oPrice.push(r.price);
      this.oQty.push(r.qty);
      this.oLeaves.push(r.leaves);
      this.oReason.push(r.reason);
      this.oTag.push(tag);
    }
    if (r.kind === 2) {
      this.fTs.push(r.ts);
      this.fExchTs.push(r.exchTs);
      this.fOrderId.push(r.orderId);
      this.fInstrument.push(r.instrument);
      this.fSide.push(r.side);
      this.fPrice.push(r.price);
      this.fQty.push(r.qty);
      this.fMaker.push(r.maker);
      this.fFee.push(r.fee);
      this.fMid.push(r.mid);
      this.fTag.push(tag);
    }
  }

  sample(ts: bigint, f: Float64Array, k: number): void {
    this.sTs.push(ts);
    this.sInstrument.push(f[k]!);
    this.sPosition.push(f[k + 1]!);
    this.sMid.push(f[k + 2]!);
    this.sCash.push(f[k + 3]!);
    this.sFees.push(f[k + 4]!);
    this.sRealised.push(f[k + 5]!);
    this.sUnrealised.push(f[k + 6]!);
    this.sVolume.push(f[k + 7]!);
  }
}
