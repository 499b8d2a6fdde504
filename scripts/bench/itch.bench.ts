/**
 * NASDAQ TotalView-ITCH 5.0 on a synthetic day of 50M messages (scripts/itch-gen.ts's generator, seed 1, 16
 * stocks, ~50k live orders; ~1.6 GB written to /tmp if absent, after checking free space, and deleted afterwards
 * unless OMQ_ITCH_BENCH_KEEP=1).
 *
 * The file is read in 4 MiB chunks and only the decode calls are timed. For decoding, each chunk goes to our
 * decoder and to the peer in turn (same bytes, same machine load); the books get a pass each (interleaved, they
 * would evict each other's orders from the caches):
 *  - itch_decode: framing, checks and counts by type: the native ItchDecoder against a straightforward TypeScript
 *    decoder over a DataView doing the same (scripts/itch/ts-decoder.ts). Also: decodeItch(file) end to end
 *    (file reads included).
 *  - itch_book: the per-order books of every stock: the native ItchBookBuilder (no output tables, then with the
 *    l2, bbo and trades tables written) against the TypeScript decoder feeding a Map-based book
 *    (scripts/itch/ts-book.ts). The final books are checked against the generator's.
 * Targets: 60M msg/s decode, 15M msg/s with the book. `value` is wall time of the decode calls; `cpu_msg_per_s` is
 * CPU time (user + system), steadier when other jobs share the machine.
 *
 * Run: npm run bench -- itch   (OMQ_ITCH_BENCH_MESSAGES=5000000 for a quick run; OMQ_ITCH_BENCH_FILE=path)
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statfsSync, statSync } from "node:fs";
import path from "node:path";
import { decodeItch, ItchBookBuilder, ItchDecoder } from "../../lib/itch/index.js";
import { writeItchFile } from "../itch/write-file.js";
import type { ExpectedBooks } from "../itch/market.js";
import { TsBook } from "../itch/ts-book.js";
import { TsItchDecoder } from "../itch/ts-decoder.js";
import { machine, report } from "./lib.js";

const MESSAGES = Number(process.env.OMQ_ITCH_BENCH_MESSAGES ?? 50_000_000);
const FILE = process.env.OMQ_ITCH_BENCH_FILE ?? `/tmp/omq-itch-bench-${MESSAGES}-seed1.itch`;
const EXPECTED = `${FILE}.expected.json`;
const KEEP = process.env.OMQ_ITCH_BENCH_KEEP === "1";
const CHUNK = 4 << 20;
const STOCKS = 16;
const LIVE = 50_000;

const log = (s: string) => process.stderr.write(`itch.bench: ${s}\n`);
const now = () => process.hrtime.bigint();

// ---- the file -------------------------------------------------------------------------------------------------
let expected: ExpectedBooks;
const generated = !(existsSync(FILE) && existsSync(EXPECTED));
if (generated) {
  const need = MESSAGES * 40;
  const fs = statfsSync(path.dirname(FILE));
  const free = fs.bavail * fs.bsize;
  if (free < need * 1.5) {
    throw new Error(`itch.bench: ${path.dirname(FILE)} has ${(free / 1e9).toFixed(1)} GB free, expected at least ${((need * 1.5) / 1e9).toFixed(1)} GB for the ${MESSAGES.toLocaleString("en-US")}-message file.`);
  }
  const t = performance.now();
  expected = writeItchFile(FILE, { seed: 1, messages: MESSAGES, stocks: STOCKS, liveOrders: LIVE, expectedPath: EXPECTED });
  log(`generated ${FILE} (${(expected.bytes / 1e9).toFixed(2)} GB, ${MESSAGES.toLocaleString("en-US")} messages) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
} else {
  expected = JSON.parse(readFileSync(EXPECTED, "utf8")) as ExpectedBooks;
}
const bytes = statSync(FILE).size;

/** CPU seconds (user + system) each consumer of the last pass took: steadier than wall time on a shared machine. */
let cpu: number[] = [];

/** Reads the file in CHUNK-byte chunks, calling each consumer on each chunk in turn and timing each (wall). */
function pass(consumers: ((chunk: Uint8Array) => void)[]): number[] {
  const ns = consumers.map(() => 0n);
  const us = consumers.map(() => 0);
  const buf = new Uint8Array(CHUNK);
  const fd = openSync(FILE, "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      consumers.forEach((c, i) => {
        const u = process.cpuUsage();
        const t = now();
        c(chunk);
        ns[i]! += now() - t;
        const d = process.cpuUsage(u);
        us[i]! += d.user + d.system;
      });
    }
  } finally {
    closeSync(fd);
  }
  cpu = us.map((x) => x / 1e6);
  return ns.map((x) => Number(x) / 1e9);
}

try {
  // ---- decode ---------------------------------------------------------------------------------------------------
  const ours = new ItchDecoder();
  let peer = new TsItchDecoder();
  pass([(c) => void ours.push(c), (c) => peer.push(c)]); // warm-up: page cache, JIT
  const ours2 = new ItchDecoder();
  peer = new TsItchDecoder();
  const [decodeS, peerDecodeS] = pass([(c) => void ours2.push(c), (c) => peer.push(c)]) as [number, number];
  const [decodeCpu, peerDecodeCpu] = cpu as [number, number];
  ours2.end();
  peer.end();
  const counts = ours2.counts();
  if (counts.messages !== MESSAGES || peer.messages !== MESSAGES) throw new Error(`itch.bench: decoded ${counts.messages} (peer ${peer.messages}) messages, expected ${MESSAGES}`);
  for (const [t, n] of Object.entries(expected.counts)) {
    if (counts.byType[t as "A"] !== n || peer.counts[t.charCodeAt(0)] !== n) throw new Error(`itch.bench: '${t}' counted ${counts.byType[t as "A"]} (peer ${peer.counts[t.charCodeAt(0)]}), expected ${n}`);
  }
  const t0 = performance.now();
  await decodeItch(FILE);
  const fileS = (performance.now() - t0) / 1000;

  report({
    bench: "itch_decode",
    value: Math.round(MESSAGES / decodeS),
    unit: "msg/s",
    peer: "typescript-dataview-decoder",
    peer_value: Math.round(MESSAGES / peerDecodeS),
    ratio: Math.round((peerDecodeS / decodeS) * 100) / 100,
    mb_per_s: Math.round(bytes / 1e6 / decodeS),
    peer_mb_per_s: Math.round(bytes / 1e6 / peerDecodeS),
    cpu_msg_per_s: Math.round(MESSAGES / decodeCpu),
    peer_cpu_msg_per_s: Math.round(MESSAGES / peerDecodeCpu),
    end_to_end_msg_per_s: Math.round(MESSAGES / fileS),
    end_to_end_mb_per_s: Math.round(bytes / 1e6 / fileS),
    target_msg_per_s: 60_000_000,
    messages: MESSAGES,
    bytes,
    chunk_bytes: CHUNK,
    data: `synthetic ITCH 5.0, seed 1, ${STOCKS} stocks, ~${LIVE} live orders`,
    ...machine(),
  });

  // ---- book -----------------------------------------------------------------------------------------------------
  const bare = new ItchBookBuilder({ tables: { orders: false, l2: false, bbo: false, trades: false } });
  const tabled = new ItchBookBuilder({ tables: { orders: false } });
  let l2Rows = 0;
  let bboRows = 0;
  let tradeRows = 0;
  const onBatch = (b: { l2?: { message: ArrayLike<number> }; bbo?: { message: ArrayLike<number> }; trades?: { message: ArrayLike<number> } }) => {
    l2Rows += b.l2?.message.length ?? 0;
    bboRows += b.bbo?.message.length ?? 0;
    tradeRows += b.trades?.message.length ?? 0;
  };
  const tsBook = new TsBook();
  const tsDecoder = new TsItchDecoder((f) => tsBook.apply(f));
  // One pass each: interleaved per chunk, the three books would evict each other's orders from the caches.
  const [bareS] = pass([(c) => bare.pushViews(c, () => {})]) as [number];
  const [bareCpu] = cpu as [number];
  const [tabledS] = pass([(c) => tabled.pushViews(c, onBatch)]) as [number];
  const [tabledCpu] = cpu as [number];
  const [peerBookS] = pass([(c) => tsDecoder.push(c)]) as [number];
  const [peerBookCpu] = cpu as [number];
  bare.endViews(() => {});
  tabled.endViews(onBatch);
  tsDecoder.end();

  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const s of expected.stocks) {
    for (const [b, name] of [[bare, "native"], [tabled, "native with tables"]] as const) {
      const d = b.depth(s.locate, 0);
      const bids = Array.from(d.bids.price, (p, i) => [p, d.bids.shares[i], d.bids.orders[i]]);
      const asks = Array.from(d.asks.price, (p, i) => [p, d.asks.shares[i], d.asks.orders[i]]);
      if (!same(bids, s.bids) || !same(asks, s.asks)) throw new Error(`itch.bench: the ${name} book of ${s.symbol} differs from the generator's`);
    }
    if (!same(tsBook.levels(s.locate, 1), s.bids) || !same(tsBook.levels(s.locate, -1), s.asks)) {
      throw new Error(`itch.bench: the TypeScript book of ${s.symbol} differs from the generator's`);
    }
  }

  report({
    bench: "itch_book",
    value: Math.round(MESSAGES / bareS),
    unit: "msg/s",
    peer: "typescript-dataview-decoder + Map-based L3 book",
    peer_value: Math.round(MESSAGES / peerBookS),
    ratio: Math.round((peerBookS / bareS) * 100) / 100,
    mb_per_s: Math.round(bytes / 1e6 / bareS),
    cpu_msg_per_s: Math.round(MESSAGES / bareCpu),
    peer_cpu_msg_per_s: Math.round(MESSAGES / peerBookCpu),
    with_tables_cpu_msg_per_s: Math.round(MESSAGES / tabledCpu),
    with_tables_msg_per_s: Math.round(MESSAGES / tabledS),
    with_tables_mb_per_s: Math.round(bytes / 1e6 / tabledS),
    with_tables_ratio: Math.round((peerBookS / tabledS) * 100) / 100,
    tables: "l2 + bbo + trades (views, 65,536-row batches)",
    l2_rows: l2Rows,
    bbo_rows: bboRows,
    trade_rows: tradeRows,
    live_orders_at_end: expected.liveOrders,
    target_msg_per_s: 15_000_000,
    messages: MESSAGES,
    bytes,
    data: `synthetic ITCH 5.0, seed 1, ${STOCKS} stocks, ~${LIVE} live orders`,
    ...machine(),
  });
} finally {
  if (!KEEP && generated) {
    rmSync(FILE, { force: true });
    rmSync(EXPECTED, { force: true });
  }
}
