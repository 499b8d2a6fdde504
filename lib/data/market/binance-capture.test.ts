/**
 * The Binance capture converter against the real hftbacktest captures (bundled), checked three ways:
 * - differentially, against a naive reading of the same file written here (JSON.parse, parseFloat and rounding,
 *   the documented sync rule applied by filtering): every TRADE, BBO and DEPTH row;
 * - against Binance itself: replaying the rows into the reference book, the top of the book right after the depth
 *   update whose last id u equals a bookTicker's u must be that bookTicker, price and quantity;
 * - against hand-made broken files: gaps, bad rows, bad options.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "../datasets.js";
import { loadBinanceCapture, type BinanceCapture } from "./binance-capture.js";
import { EventKind } from "./events.js";
import { ReferenceBook } from "./reference-book.js";
import { validateEvents } from "./validate-events.js";

type Msg = Record<string, unknown> & { data?: Record<string, unknown> };
interface Raw {
  line: number;
  local: bigint;
  m: Msg;
}

function readRaw(file: string): Raw[] {
  const text = gunzipSync(readFileSync(file)).toString("utf8");
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l, i) => ({ line: i + 1, local: BigInt(l.slice(0, l.indexOf(" "))), m: JSON.parse(l.slice(l.indexOf(" ") + 1)) as Msg }));
}

/** The first i in [0, n) where got(i) and want(i) differ (as JSON with bigints as text), or null: one expect per column. */
function firstMismatch(n: number, got: (i: number) => unknown[], want: (i: number) => unknown[]): string | null {
  const show = (v: unknown[]) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
  for (let i = 0; i < n; i++) {
    const a = show(got(i));
    const b = show(want(i));
    if (a !== b) return `at ${i}: got ${a}, want ${b}`;
  }
  return null;
}

const toTicks = (s: unknown, perUnit: number) => BigInt(Math.round(Number.parseFloat(s as string) * perUnit));

const FILES = {
  spot: { file: datasetPath("orderbook/hftbacktest_binance_spot_btcusdt_20240808.gz"), tick: 100, lot: 1e6, lines: 41249 },
  usdm: { file: datasetPath("orderbook/hftbacktest_binance_usdm_btcusdt_20240808.gz"), tick: 10, lot: 1e3, lines: 93954 },
} as const;

describe.each(["spot", "usdm"] as const)("loadBinanceCapture on the %s BTCUSDT capture", (market) => {
  const { file, tick, lot, lines } = FILES[market];
  let raw: Raw[];
  let cap: BinanceCapture;
  let ms = 0;
  beforeAll(async () => {
    raw = readRaw(file);
    const t0 = performance.now();
    cap = await loadBinanceCapture(file);
    ms = performance.now() - t0;
  });

  it("converts every message, counts what it did, and honours the MarketEvents contract", () => {
    const { events: ev, stats } = cap;
    validateEvents(ev);
    const depth = raw.filter((r) => r.m.data?.e === "depthUpdate");
    expect(stats).toMatchObject({ lines, market, symbol: "BTCUSDT", snapshots: 1, snapshotLevels: 2000, gaps: [], depthUnsynced: 0, otherMessages: 0 });
    expect(stats.depthUpdates).toBe(depth.length);
    expect(stats.depthApplied + stats.depthStale).toBe(depth.length);
    expect(stats.trades).toBe(raw.filter((r) => r.m.data?.e === "trade").length);
    expect(stats.bookTickers).toBe(raw.filter((r) => r.m.stream?.toString().endsWith("@bookTicker")).length);
    expect(ev.instruments).toEqual([{ symbol: "BTCUSDT", tickSize: 1 / tick, lotSize: 1 / lot, venue: market === "usdm" ? "BINANCE_USDM" : "BINANCE" }]);
    const count = (k: number) => ev.kind.reduce((n, x) => n + (x === k ? 1 : 0), 0);
    expect(count(EventKind.DEPTH)).toBe(stats.depthLevels);
    expect(count(EventKind.DEPTH_CLEAR)).toBe(1);
    expect(count(EventKind.DEPTH_SNAPSHOT)).toBe(2000);
    expect(count(EventKind.TRADE)).toBe(stats.trades);
    expect(count(EventKind.BBO)).toBe(2 * stats.bookTickers);
    console.log(`${market}: ${lines} lines -> ${ev.kind.length} rows in ${ms.toFixed(0)} ms`);
  });

  it("gives every trade and quote the naive reading's prices, sizes, sides and times", () => {
    const { events: ev } = cap;
    const trades = raw.filter((r) => r.m.data?.e === "trade").map((r) => r.m.data!);
    const tradeRows = [...ev.kind.keys()].filter((i) => ev.kind[i] === EventKind.TRADE);
    expect(tradeRows.length).toBe(trades.length);
    expect(
      firstMismatch(
        trades.length,
        (k) => [ev.price[tradeRows[k]!], ev.qty[tradeRows[k]!], ev.side[tradeRows[k]!], ev.exchTs[tradeRows[k]!]],
        (k) => [toTicks(trades[k]!.p, tick), toTicks(trades[k]!.q, lot), trades[k]!.m ? -1 : 1, BigInt(trades[k]!.T as number) * 1_000_000n],
      ),
    ).toBeNull();
    const quotes = raw.filter((r) => r.m.stream?.toString().endsWith("@bookTicker"));
    const bboRows = [...ev.kind.keys()].filter((i) => ev.kind[i] === EventKind.BBO);
    expect(bboRows.length).toBe(2 * quotes.length);
    expect(
      firstMismatch(
        bboRows.length,
        (j) => [ev.side[bboRows[j]!], ev.price[bboRows[j]!], ev.qty[bboRows[j]!], ev.localTs[bboRows[j]!]],
        (j) => {
          const r = quotes[j >> 1]!;
          const d = r.m.data!;
          return j % 2 === 0 ? [1, toTicks(d.b, tick), toTicks(d.B, lot), r.local] : [-1, toTicks(d.a, tick), toTicks(d.A, lot), r.local];
        },
      ),
    ).toBeNull();
  });

  it("applies exactly the depth updates Binance's sync rule keeps, level by level, in order", () => {
    const { events: ev } = cap;
    const snapIdx = raw.findIndex((r) => "lastUpdateId" in r.m);
    const L = raw[snapIdx]!.m.lastUpdateId as number;
    const kept = raw.filter((r) => r.m.data?.e === "depthUpdate" && (market === "usdm" ? (r.m.data.u as number) >= L : (r.m.data.u as number) > L));
    // The first kept update straddles the snapshot; the ones received before it are applied at its local time.
    const first = kept[0]!.m.data!;
    expect(first.U as number).toBeLessThanOrEqual(market === "usdm" ? L : L + 1);
    expect(first.u as number).toBeGreaterThanOrEqual(market === "usdm" ? L : L + 1);
    const expected: [bigint, number, bigint, bigint, bigint][] = [];
    for (const r of kept) {
      const local = r.line < raw[snapIdx]!.line ? raw[snapIdx]!.local : r.local;
      const d = r.m.data!;
      for (const [side, key] of [[1, "b"], [-1, "a"]] as const) {
        for (const [p, q] of d[key] as [string, string][]) expected.push([local, side, toTicks(p, tick), toTicks(q, lot), BigInt((d.T ?? d.E) as number) * 1_000_000n]);
      }
    }
    const rows = [...ev.kind.keys()].filter((i) => ev.kind[i] === EventKind.DEPTH);
    expect(rows.length).toBe(expected.length);
    expect(firstMismatch(rows.length, (k) => [ev.localTs[rows[k]!], ev.side[rows[k]!], ev.price[rows[k]!], ev.qty[rows[k]!], ev.exchTs[rows[k]!]], (k) => expected[k]!)).toBeNull();
    expect(cap.stats.depthReplayedAtSnapshot).toBe(kept.filter((r) => r.line < raw[snapIdx]!.line).length);
    expect(cap.stats.depthReplayedAtSnapshot).toBeGreaterThan(0);
  });

  it("rebuilds a book whose top equals Binance's bookTicker at the same update id, and is never crossed", () => {
    const { events: ev } = cap;
    const snap = raw.find((r) => "lastUpdateId" in r.m)!;
    const L = snap.m.lastUpdateId as number;
    const kept = raw.filter((r) => r.m.data?.e === "depthUpdate" && (market === "usdm" ? (r.m.data.u as number) >= L : (r.m.data.u as number) > L));
    const levelsOf = (d: Record<string, unknown>) => (d.b as unknown[]).length + (d.a as unknown[]).length;
    const withLevels = kept.filter((r) => levelsOf(r.m.data!) > 0);
    // Top of the book after each kept update, keyed by its last update id.
    const topAt = new Map<number, [bigint, bigint, bigint, bigint]>();
    const book = new ReferenceBook();
    let k = 0;
    let left = -1;
    let crossed = 0;
    for (let i = 0; i < ev.kind.length; i++) {
      const kind = ev.kind[i]!;
      if (kind !== EventKind.BBO && kind !== EventKind.TRADE) book.apply(ev, i);
      if (kind !== EventKind.DEPTH) continue;
      if (left < 0) left = levelsOf(withLevels[k]!.m.data!);
      if (--left === 0) {
        const bid = book.bestBid()!;
        const ask = book.bestAsk()!;
        if (bid[0] >= ask[0]) crossed++;
        topAt.set(withLevels[k]!.m.data!.u as number, [bid[0], bid[1], ask[0], ask[1]]);
        k++;
        left = -1;
      }
    }
    expect(k).toBe(withLevels.length);
    expect(crossed).toBe(0);
    let same = 0;
    for (const r of raw) {
      const d = r.m.data;
      if (!r.m.stream?.toString().endsWith("@bookTicker") || d === undefined) continue;
      const top = topAt.get(d.u as number);
      if (top === undefined) continue;
      const want = [toTicks(d.b, tick), toTicks(d.B, lot), toTicks(d.a, tick), toTicks(d.A, lot)];
      if (top.some((x, j) => x !== want[j])) expect({ line: r.line, top }).toEqual({ line: r.line, top: want });
      same++;
    }
    expect(same).toBeGreaterThan(500);

    // By local time instead (separate streams, depth@100ms on spot), the two agree less often: report the rate.
    const timed = new ReferenceBook();
    let synced = false;
    let n = 0;
    let agree = 0;
    for (let i = 0; i < ev.kind.length; i++) {
      const kind = ev.kind[i]!;
      if (kind === EventKind.DEPTH_CLEAR) synced = true;
      if (kind === EventKind.BBO) {
        if (!synced) continue;
        const top = ev.side[i]! > 0 ? timed.bestBid() : timed.bestAsk();
        n++;
        if (top !== null && top[0] === ev.price[i]) agree++;
      } else timed.apply(ev, i);
    }
    console.log(`${market}: bookTicker = depth top at equal update id ${same}/${same}; by local time, best price agrees on ${((100 * agree) / n).toFixed(1)}% of ${n} BBO rows`);
    expect(agree / n).toBeGreaterThan(0.5);
  });

  it("gives the same rows and stats through JSON.parse as through the fast scanner", async () => {
    const json = await loadBinanceCapture(file, { parser: "json" });
    expect(json.stats).toEqual(cap.stats);
    expect(json.events.instruments).toEqual(cap.events.instruments);
    for (const c of ["exchTs", "localTs", "kind", "side", "price", "qty", "orderId", "instrument"] as const) {
      expect(Buffer.compare(Buffer.from(json.events[c].buffer, 0, json.events[c].byteLength), Buffer.from(cap.events[c].buffer, 0, cap.events[c].byteLength)), c).toBe(0);
    }
  });

  it("estimates or reports the venue time and can correct a local clock that runs behind", async () => {
    const { events: ev, stats } = cap;
    const lat = stats.feedLatencyNs!;
    // The capture machine's clock was ~1.27 s behind Binance's.
    expect(Number(lat.median) / 1e9).toBeCloseTo(-1.27, 1);
    expect(lat.min <= lat.median && lat.median <= lat.max).toBe(true);
    if (market === "spot") {
      expect(stats.exchTsEstimated).toBe(2 * stats.bookTickers + 2001);
      let off = 0;
      for (let i = 0; i < ev.kind.length; i++) if (ev.kind[i] === EventKind.BBO && ev.localTs[i]! - ev.exchTs[i]! !== lat.median) off++;
      expect(off).toBe(0);
    } else {
      expect(stats.exchTsEstimated).toBe(0);
    }
    const fixed = await loadBinanceCapture(file, { correctLocalTs: { baseLatencyNs: 1000n } });
    expect(fixed.stats.localTsShiftNs).toBe(-lat.min + 1000n);
    let min = fixed.events.localTs[0]! - fixed.events.exchTs[0]!;
    let unshifted = 0;
    for (let i = 0; i < fixed.events.kind.length; i++) {
      const d = fixed.events.localTs[i]! - fixed.events.exchTs[i]!;
      if (d < min) min = d;
      if (fixed.events.localTs[i]! - ev.localTs[i]! !== fixed.stats.localTsShiftNs) unshifted++;
    }
    expect(unshifted).toBe(0);
    expect(min).toBe(1000n);
  });
});

describe("loadBinanceCapture on broken captures", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "omq-binance-"));
  const spot = gunzipSync(readFileSync(FILES.spot.file)).toString("utf8").split("\n");
  const write = (name: string, lines: string[], gz = false) => {
    const file = path.join(dir, name);
    writeFileSync(file, gz ? gzipSync(lines.join("\n")) : lines.join("\n"));
    return file;
  };
  const depthLines = spot.map((l, i) => (l.includes('"depthUpdate"') ? i : -1)).filter((i) => i >= 0);

  it("records a missing depth update as a gap with its line, and follows onGap", async () => {
    const drop = depthLines[100]!;
    const lines = spot.filter((_, i) => i !== drop);
    const file = write("gap.gz", lines, true);
    const cont = await loadBinanceCapture(file);
    expect(cont.stats.gaps).toHaveLength(1);
    expect(cont.stats.gaps[0]).toMatchObject({ line: depthLines[101]!, kind: "continuity" });
    expect(cont.stats.gaps[0]!.expected).toMatch(/^U = \d+ \(the previous u \+ 1\)$/);
    expect(cont.stats.depthApplied).toBe(3451 - 2 - 1);

    const dropped = await loadBinanceCapture(file, { onGap: "drop" });
    expect(dropped.stats.gaps).toHaveLength(1);
    // Everything from the gap on waits for a snapshot that never comes.
    expect(dropped.stats.depthUnsynced).toBe(3451 - 101);
    expect(dropped.stats.depthApplied).toBe(100 - 2);

    await expect(loadBinanceCapture(file, { onGap: "error" })).rejects.toThrow(`${file} line ${depthLines[101]! }: the depth-update sequence is broken (continuity)`);
  });

  it("reads JSON written differently (spaces, other symbols) through the general path to the same rows", async () => {
    const head = spot.slice(0, 600);
    const spaced = head.map((l) => `${l.slice(0, l.indexOf(" "))} ${l.slice(l.indexOf(" ") + 1).replaceAll('":', '": ').replaceAll(",", ", ")}`);
    const eth = '1723161254087896999 {"stream":"ethusdt@trade","data":{"e":"trade","E":1723161255343,"s":"ETHUSDT","t":1,"p":"2500.01","q":"1.5","T":1723161255342,"m":true,"M":true}}';
    const a = await loadBinanceCapture(write("plain.txt", head));
    const b = await loadBinanceCapture(write("spaced.txt", [...spaced.slice(0, 10), eth, ...spaced.slice(10)]));
    expect(b.stats.otherSymbols).toBe(1);
    expect({ ...b.stats, otherSymbols: 0, lines: 0 }).toEqual({ ...a.stats, lines: 0 });
    for (const c of ["exchTs", "localTs", "kind", "side", "price", "qty"] as const) expect([...b.events[c]], c).toEqual([...a.events[c]]);
  });

  it("drops updates it cannot sync when the file has no snapshot", async () => {
    const file = write("nosnap.txt", spot.filter((l) => !l.includes("lastUpdateId")));
    const r = await loadBinanceCapture(file);
    expect(r.stats).toMatchObject({ snapshots: 0, depthApplied: 0, depthUnsynced: 3451 });
    const unsynced = await loadBinanceCapture(file, { sync: false });
    expect(unsynced.stats.depthApplied).toBe(3451);
  });

  it("names the file, line, field, expected and found for bad rows", async () => {
    const at = depthLines[5]!;
    const badQty = spot.slice(0, at + 1);
    badQty[at] = badQty[at]!.replace(/"b":\[\["([0-9.]+)","([0-9.]+)"\]/, '"b":[["$1","0.1234567"]');
    let file = write("badqty.txt", badQty);
    await expect(loadBinanceCapture(file)).rejects.toThrow(`${file} line ${at + 1}: b[0] qty '0.1234567' has more decimals than the step 0.000001 allows`);

    const badJson = spot.slice(0, 20);
    badJson[12] = badJson[12]!.slice(0, 60);
    file = write("badjson.txt", badJson);
    await expect(loadBinanceCapture(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.]/g, "\\.")} line 13: the message is not valid JSON`));

    const noPrefix = spot.slice(0, 20);
    noPrefix[3] = noPrefix[3]!.slice(noPrefix[3]!.indexOf(" ") + 1);
    file = write("noprefix.txt", noPrefix);
    await expect(loadBinanceCapture(file)).rejects.toThrow(`${file} line 4: the line does not start with a local timestamp, expected '<ns since epoch> <JSON>'`);

    const badSide = spot.slice(0, 20);
    const t = badSide.findIndex((l) => l.includes('"trade"'));
    badSide[t] = badSide[t]!.replace('"m":true', '"m":"yes"').replace('"m":false', '"m":"yes"');
    file = write("badside.txt", badSide);
    await expect(loadBinanceCapture(file)).rejects.toThrow(`${file} line ${t + 1}: the field 'm' is wrong, expected true or false (buyer is maker) but found 'yes'.`);

    await expect(loadBinanceCapture(FILES.spot.file, { market: "coin" as never })).rejects.toThrow("the option market is wrong");
    await expect(loadBinanceCapture(FILES.spot.file, { tick: 1 } as never)).rejects.toThrow("options has an unknown key 'tick'");
  });

  it("infers tick and lot from the decimals when the symbol is not known, and reports progress", async () => {
    const lines = spot.slice(0, 1800).map((l) => l.replaceAll("BTCUSDT", "XYZUSDT").replaceAll("btcusdt", "xyzusdt"));
    const file = write("xyz.gz", lines, true);
    const seen: number[] = [];
    const r = await loadBinanceCapture(file, { onProgress: (p) => seen.push(p.bytesRead / p.totalBytes) });
    expect(r.stats.tickSize).toBe("0.01");
    expect(r.stats.lotSize).toBe("0.00001");
    expect(r.events.instruments[0]).toMatchObject({ symbol: "XYZUSDT", tickSize: 0.01, lotSize: 0.00001 });
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((x, i) => i === 0 || x >= seen[i - 1]!)).toBe(true);
  });
});
