#!/usr/bin/env -S npx tsx
/**
 * Writes a seeded synthetic NASDAQ TotalView-ITCH 5.0 file and the final L2 book it leads to (JSON), for tests
 * and benchmarks of omniquant/itch.
 *
 *   npx tsx scripts/itch-gen.ts --out /tmp/day.itch --messages 1000000 [--seed 1] [--stocks 8]
 *       [--live-orders 10000] [--recency 0.75] [--zero-prefix] [--gzip] [--expected /tmp/day.expected.json]
 *
 * The expected JSON: { seed, messages, bytes, counts: { A: n, ... }, liveOrders,
 *   stocks: [{ locate, symbol, bids: [[price, shares, orders], ...best first], asks: [...] }] } with Price(4) prices.
 */
import { parseArgs } from "node:util";
import { writeItchFile } from "./itch/write-file.js";

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    messages: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    stocks: { type: "string", default: "8" },
    "live-orders": { type: "string", default: "10000" },
    recency: { type: "string", default: "0.75" },
    "zero-prefix": { type: "boolean", default: false },
    gzip: { type: "boolean", default: false },
    expected: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});

const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`itch-gen: --${name} must be a non-negative whole number, found '${v}'.\n`);
    process.exit(2);
  }
  return n;
};

if (values.help || !values.out) {
  process.stderr.write(
    "usage: npx tsx scripts/itch-gen.ts --out FILE [--messages N] [--seed S] [--stocks K] [--live-orders L] [--recency 0.75] [--zero-prefix] [--gzip] [--expected FILE.json]\n",
  );
  process.exit(values.help ? 0 : 2);
}

const t0 = performance.now();
const expected = writeItchFile(values.out, {
  seed: int("seed", values.seed),
  messages: int("messages", values.messages),
  stocks: int("stocks", values.stocks),
  liveOrders: int("live-orders", values["live-orders"]),
  recency: Math.min(1, Math.max(0, Number(values.recency))),
  prefix: values["zero-prefix"] ? "zero" : "length",
  gzip: values.gzip,
  ...(values.expected ? { expectedPath: values.expected } : {}),
});
const s = (performance.now() - t0) / 1000;
process.stderr.write(
  `itch-gen: wrote ${expected.messages.toLocaleString("en-US")} messages (${(expected.bytes / 1e6).toFixed(1)} MB uncompressed) to ${values.out} in ${s.toFixed(1)} s (${(expected.messages / s / 1e6).toFixed(1)}M msg/s); ${expected.liveOrders.toLocaleString("en-US")} orders live at the end.\n`,
);
