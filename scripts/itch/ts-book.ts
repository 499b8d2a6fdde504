/**
 * A straightforward per-order book in TypeScript (the benchmark's peer for the native ItchBookBuilder): orders in
 * a Map keyed by reference, aggregated levels in one Map per stock and side, the best price kept up to date (a
 * rescan of the side's levels when the best level empties). Fed by TsItchDecoder's order fields.
 */
import type { OrderFields } from "./ts-decoder.js";

interface TsOrder {
  locate: number;
  side: number; // +1 buy, -1 sell
  price: number;
  shares: number;
}

interface TsSide {
  levels: Map<number, { shares: number; orders: number }>;
  best: number; // 0: empty
}

export class TsBook {
  readonly orders = new Map<number, TsOrder>();
  private readonly sides = new Map<number, TsSide>();
  trades = 0;
  bboChanges = 0;

  private side(locate: number, side: number): TsSide {
    const key = locate * 2 + (side > 0 ? 0 : 1);
    let s = this.sides.get(key);
    if (!s) this.sides.set(key, (s = { levels: new Map(), best: 0 }));
    return s;
  }

  private change(o: TsOrder, shares: number, orders: number): void {
    const s = this.side(o.locate, o.side);
    const l = s.levels.get(o.price);
    if (l === undefined) {
      s.levels.set(o.price, { shares, orders });
      if (s.best === 0 || (o.side > 0 ? o.price > s.best : o.price < s.best)) {
        s.best = o.price;
        this.bboChanges++;
      }
      return;
    }
    l.shares += shares;
    l.orders += orders;
    if (o.price === s.best) this.bboChanges++;
    if (l.orders === 0) {
      s.levels.delete(o.price);
      if (o.price === s.best) {
        let best = 0;
        for (const p of s.levels.keys()) if (best === 0 || (o.side > 0 ? p > best : p < best)) best = p;
        s.best = best;
      }
    }
  }

  apply(f: OrderFields): void {
    switch (f.type) {
      case 65: // A
      case 70: {
        // F
        const o = { locate: f.locate, side: f.side === 66 ? 1 : -1, price: f.price, shares: f.shares };
        this.orders.set(f.orderRef, o);
        this.change(o, o.shares, 1);
        return;
      }
      case 69: // E
      case 67: // C
      case 88: {
        // X
        const o = this.orders.get(f.orderRef);
        if (!o) return;
        const n = Math.min(f.shares, o.shares);
        o.shares -= n;
        if (f.type !== 88) this.trades++;
        if (o.shares === 0) {
          this.orders.delete(f.orderRef);
          this.change(o, -n, -1);
        } else {
          this.change(o, -n, 0);
        }
        return;
      }
      case 68: {
        // D
        const o = this.orders.get(f.orderRef);
        if (!o) return;
        this.orders.delete(f.orderRef);
        this.change(o, -o.shares, -1);
        return;
      }
      case 85: {
        // U
        const o = this.orders.get(f.orderRef);
        if (!o) return;
        this.orders.delete(f.orderRef);
        this.change(o, -o.shares, -1);
        const n = { locate: o.locate, side: o.side, price: f.price, shares: f.shares };
        this.orders.set(f.newOrderRef, n);
        this.change(n, n.shares, 1);
        return;
      }
      case 80: // P
        this.trades++;
        return;
    }
  }

  /** Best-first [price, shares, orders] of one side. */
  levels(locate: number, side: number): [number, number, number][] {
    const s = this.side(locate, side);
    return [...s.levels.entries()].sort((a, b) => side * (b[0] - a[0])).map(([p, l]) => [p, l.shares, l.orders]);
  }
}
