import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { itchProgressBar, registerItch } from "../../kernel/cli/itch.js";
import { buildBooks } from "../../lib/itch/index.js";
import { packageRoot } from "../../lib/util/package-root.js";

const RITCH = path.join(packageRoot(), "datasets", "itch", "ritch_ex20101224.TEST_ITCH_50");
const tmp = mkdtempSync(path.join(tmpdir(), "omq-itch-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function omq(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const ctx = { exitCode: 0, out: "", err: "" };
  const cli = { get exitCode() { return ctx.exitCode; }, set exitCode(v: number) { ctx.exitCode = v; }, out: (s: string) => void (ctx.out += s), err: (s: string) => void (ctx.err += s) };
  const program = new Command("omq").exitOverride().configureOutput({ writeOut: cli.out, writeErr: cli.err });
  registerItch(program, cli);
  try {
    await program.parseAsync(["node", "omq", ...args]);
  } catch (err) {
    return { code: 2, out: ctx.out, err: ctx.err + String(err) };
  }
  return { code: ctx.exitCode, out: ctx.out, err: ctx.err };
}

async function query(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRows();
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

describe("omq itch convert", () => {
  it("writes the RITCH sample's tables as Parquet, matching buildBooks row for row", async () => {
    const dir = path.join(tmp, "ritch");
    const r = await omq("itch", "convert", `${RITCH}.gz`, "--to", "parquet", dir, "--no-progress");
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["bbo.parquet", "l2.parquet", "orders.parquet", "stocks.parquet", "trades.parquet"]);
    expect(r.out).toMatch(/^table\s+rows\s+file/);
    expect(r.out).toContain("12,012 messages");
    expect(r.err).toMatch(/note: .*every length prefix is 0x0000/);

    const books = await buildBooks(RITCH);
    const count = async (t: string) => Number((await query(`SELECT count(*) FROM '${dir}/${t}.parquet'`))[0]![0]);
    expect(await count("orders")).toBe(books.orders.message.length);
    expect(await count("trades")).toBe(books.trades.message.length);
    expect(await count("bbo")).toBe(books.bbo.message.length);
    expect(await count("l2")).toBe(books.l2.message.length);
    expect(await query(`SELECT locate, symbol FROM '${dir}/stocks.parquet' ORDER BY locate`)).toEqual([[1, "ALC"], [2, "BOB"], [3, "CHAR"]]);

    // Row order and values survive: the l2 table's last 3 rows, and P trades by symbol.
    const n = books.l2.message.length;
    const last = await query(`SELECT message, timestamp_ns, symbol, side, price, shares, orders FROM '${dir}/l2.parquet' OFFSET ${n - 3}`);
    expect(last).toEqual(
      [n - 3, n - 2, n - 1].map((i) => [
        BigInt(books.l2.message[i]!),
        BigInt(books.l2.timestamp[i]!),
        books.book.symbol(books.l2.locate[i]!),
        books.l2.side[i],
        books.l2.price[i],
        BigInt(books.l2.shares[i]!),
        books.l2.orders[i],
      ]),
    );
    const pBySymbol = await query(`SELECT symbol, count(*)::INTEGER FROM '${dir}/trades.parquet' WHERE kind = 'P' GROUP BY symbol ORDER BY symbol`);
    expect(pBySymbol.reduce((s, [, c]) => s + (c as number), 0)).toBe(5000);
  });

  it("keeps only the symbols asked for", async () => {
    const dir = path.join(tmp, "bob");
    const r = await omq("itch", "convert", RITCH, dir, "--to", "parquet", "--symbols", "bob", "--tables", "trades,l2", "--no-progress");
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["l2.parquet", "stocks.parquet", "trades.parquet"]);
    expect(await query(`SELECT DISTINCT symbol FROM '${dir}/trades.parquet'`)).toEqual([["BOB"]]);
    expect(await query(`SELECT symbol, selected FROM '${dir}/stocks.parquet' ORDER BY locate`)).toEqual([["ALC", false], ["BOB", true], ["CHAR", false]]);
  });

  it("writes the tables up to a truncation, then fails naming the byte offset", async () => {
    const file = path.join(tmp, "cut.itch");
    writeFileSync(file, readFileSync(RITCH).subarray(0, 300_000));
    const dir = path.join(tmp, "cut");
    const r = await omq("itch", "convert", file, "--to", "parquet", dir, "--no-progress");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`omq itch convert: ${file} byte offset 299960: the stream ends 40 bytes into a message of type 'P' (0x50)`);
    expect(r.err).toContain("the tables above hold every message before the error");
    expect(r.out).toContain("7,840 messages");
    expect(Number((await query(`SELECT max(message) FROM '${dir}/trades.parquet'`))[0]![0])).toBeLessThan(7840);
    expect(readdirSync(dir).filter((f) => f.startsWith(".itch-staging"))).toEqual([]);
  });

  it("fails with usage errors before creating anything", async () => {
    const dir = path.join(tmp, "never");
    expect((await omq("itch", "convert", path.join(tmp, "missing.itch"), "--to", "parquet", dir)).err).toMatch(/the ITCH file does not exist/);
    expect((await omq("itch", "convert", RITCH, "--to", "csv", dir)).code).toBe(2);
    expect((await omq("itch", "convert", RITCH, "--to", "parquet", dir, "--levels", "0")).err).toMatch(/--levels is '0', expected a positive whole number/);
    expect((await omq("itch", "convert", RITCH, "--to", "parquet", dir, "--tables", "quotes")).code).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });

  it("draws a progress bar with bytes done and messages per second", () => {
    let out = "";
    let t = 0;
    const bar = itchProgressBar({ write: (s: string) => (out += s), isTTY: true }, () => t);
    t = 2000;
    bar.update({ bytesRead: 50e6, totalBytes: 100e6, messages: 4_000_000 });
    bar.done({ bytesRead: 100e6, totalBytes: 100e6, messages: 8_000_000 });
    expect(out).toContain("[############------------]  50%  50.0/100.0 MB  4,000,000 msgs  2.00M msg/s eta 2s");
    expect(out.endsWith("100%  100.0/100.0 MB  8,000,000 msgs  4.00M msg/s\n")).toBe(true);
  });
});
