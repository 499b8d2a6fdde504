import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../util/package-root.js";
import { datasetNameFor, defaultCatalogDir, openCatalog, type Catalog } from "./catalog.js";
import { datasetPath } from "./datasets.js";
import { connect } from "./duckdb.js";
import { loadPrices } from "./load-prices.js";
import { loadTable } from "./read-file.js";
import { toRecords } from "./records.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "omq-catalog-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const freshDir = () => path.join(root, `c${++n}`);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const dataFiles = (dir: string) => readdirSync(path.join(dir, "data")).sort();

async function withCatalog<T>(dir: string, fn: (c: Catalog) => Promise<T>): Promise<T> {
  const c = await openCatalog(dir);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

describe("catalog on the bundled datasets", () => {
  const dir = path.join(tmpdir(), `omq-catalog-main-${process.pid}`);
  let catalog: Catalog;
  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    catalog = await openCatalog(dir);
  });
  afterAll(() => {
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports stock_prices.csv as Parquet and records its metadata", async () => {
    const source = datasetPath("stock_prices.csv");
    const before = Date.now();
    const e = await catalog.import(source, { meta: { origin: "PyPortfolioOpt", licence: "MIT" } });
    expect(e.name).toBe("stock_prices");
    expect(e.source).toBe(source);
    expect(e.sourceFormat).toBe("csv");
    expect(e.sourceSha256).toBe(sha256(source));
    expect(e.sourceBytes).toBe(statSync(source).size);
    expect(e.rows).toBe(7126);
    expect(e.columns[0]).toEqual({ name: "date", type: "DATE" });
    expect(e.columns.slice(1).map((c) => c.type)).toEqual(Array(20).fill("DOUBLE"));
    expect(e.time).toEqual({ column: "date", min: "1989-12-29", max: "2018-04-11" });
    expect(e.meta).toEqual({ origin: "PyPortfolioOpt", licence: "MIT" });
    expect(path.dirname(e.path)).toBe(path.join(dir, "data"));
    expect(statSync(e.path).size).toBe(e.parquetBytes);
    expect(e.importedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(await catalog.get("stock_prices")).toEqual(e);
  });

  it("loads it back with exactly the values loadPrices reads from the CSV", async () => {
    const t = await catalog.load("stock_prices");
    expect(toRecords(t)).toEqual(toRecords(await loadPrices()));
    const two = await catalog.load("stock_prices", { columns: ["AAPL", "date"] });
    expect(two.columnNames()).toEqual(["AAPL", "date"]);
    await expect(catalog.load("stock_prices", { columns: ["TSLA"] })).rejects.toThrow("catalog dataset 'stock_prices': column 'TSLA' is missing, expected one of date, GOOG,");
  });

  it("answers SQL over every dataset by name", async () => {
    await catalog.import(datasetPath("goog_daily.csv"), { name: "goog", timeColumn: "column0" });
    const t = await catalog.query(
      "SELECT count(*) AS n, max(g.Close) AS hi FROM goog g JOIN stock_prices p ON p.date = g.column0 WHERE p.GOOG IS NOT NULL",
    );
    // an independent answer from the CSVs themselves
    const db = await connect();
    try {
      const [expected] = await db.query(
        `SELECT count(*) AS n, max(g.Close) AS hi FROM read_csv('${datasetPath("goog_daily.csv")}') g JOIN read_csv('${datasetPath("stock_prices.csv")}') p ON p.date = g.column0 WHERE p.GOOG IS NOT NULL`,
      );
      expect(toRecords(t)).toEqual([expected]);
    } finally {
      db.close();
    }
    expect((await catalog.list()).map((e) => e.name)).toEqual(["goog", "stock_prices"]);
  });

  it("keeps its entries across openings", async () => {
    await withCatalog(dir, async (again) => {
      expect((await again.list()).map((e) => [e.name, e.rows])).toEqual([
        ["goog", 2148],
        ["stock_prices", 7126],
      ]);
    });
  });
});

describe("catalog imports", () => {
  it("imports .csv.gz and Parquet to the same data as the plain CSV", async () => {
    const dir = freshDir();
    const csv = datasetPath("goog_daily.csv");
    const gz = path.join(root, "goog_daily.csv.gz");
    writeFileSync(gz, gzipSync(readFileSync(csv)));
    const parquet = path.join(root, "goog_daily.parquet");
    const db = await connect();
    try {
      await db.exec(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
    } finally {
      db.close();
    }
    await withCatalog(dir, async (c) => {
      const plain = await c.import(csv);
      const fromGz = await c.import(gz, { name: "goog_gz" });
      const fromParquet = await c.import(parquet, { name: "goog_pq" });
      expect(fromGz.sourceSha256).toBe(sha256(gz));
      expect(fromParquet.sourceFormat).toBe("parquet");
      for (const e of [fromGz, fromParquet]) {
        expect(e.columns).toEqual(plain.columns);
        expect(e.rows).toBe(2148);
        expect(toRecords(await c.load(e.name))).toEqual(toRecords(await c.load("goog_daily")));
      }
      expect(toRecords(await c.load("goog_daily"))).toEqual(toRecords(await loadTable(csv)));
    });
  });

  it("names datasets from file names and refuses bad names", async () => {
    expect(datasetNameFor("/x/stock_prices.csv.gz")).toBe("stock_prices");
    expect(datasetNameFor("2020 bars (1m).CSV")).toBe("_2020_bars_1m");
    expect(datasetNameFor("nautilus_6EH4.XCME_1min.parquet")).toBe("nautilus_6EH4_XCME_1min");
    await withCatalog(freshDir(), async (c) => {
      await expect(c.import(datasetPath("spy_prices.csv"), { name: "spy-prices" })).rejects.toThrow(
        `catalog import ${datasetPath("spy_prices.csv")}: the dataset name is not valid, expected 1-64 letters, digits or _, not starting with a digit but found 'spy-prices'.`,
      );
    });
  });

  it("replaces only when asked, deleting the old Parquet file after the new one is recorded", async () => {
    const dir = freshDir();
    await withCatalog(dir, async (c) => {
      const first = await c.import(datasetPath("spy_prices.csv"), { name: "spy" });
      await expect(c.import(datasetPath("goog_daily.csv"), { name: "spy" })).rejects.toThrow(
        `catalog ${dir}: a dataset named 'spy' exists. Pass replace: true (omq data import --replace) to replace it, or choose another name.`,
      );
      expect(await c.get("spy")).toEqual(first);
      const second = await c.import(datasetPath("goog_daily.csv"), { name: "spy", replace: true, meta: { v: "2" } });
      expect(second.rows).toBe(2148);
      expect(existsSync(first.path)).toBe(false);
      expect(dataFiles(dir)).toEqual([path.basename(second.path)]);
      expect((await c.get("spy")).meta).toEqual({ v: "2" });
    });
  });

  it("leaves the catalog and its directory unchanged when an import fails on a bad row", async () => {
    const dir = freshDir();
    const bad = path.join(root, "bad-row.csv");
    const lines = ["date,close"];
    for (let i = 0; i < 900; i++) lines.push(`${new Date(Date.UTC(2001, 0, 1) + i * 864e5).toISOString().slice(0, 10)},${i}.5`);
    lines[812] = "2003-03-23,n/a";
    writeFileSync(bad, `${lines.join("\n")}\n`);
    await withCatalog(dir, async (c) => {
      const ok = await c.import(datasetPath("spy_prices.csv"));
      const before = dataFiles(dir);
      await expect(c.import(bad, { types: { close: "DOUBLE" } })).rejects.toThrow(
        `${bad} row 812 (line 813), column 'close': the cell does not convert to DOUBLE, expected a number but found 'n/a'.`,
      );
      await expect(c.import(bad, { types: { close: "DOUBLE" }, name: "spy_prices", replace: true })).rejects.toThrow(/row 812/);
      expect(dataFiles(dir)).toEqual(before);
      expect(await c.list()).toEqual([ok]);
      await expect(c.import(bad, { timeColumn: "when" })).rejects.toThrow(`catalog import ${bad}: the time column 'when' is missing, expected one of date, close.`);
      expect(dataFiles(dir)).toEqual(before);
    });
  });

  it("removes a dataset and its file, and names the datasets there are for an unknown name", async () => {
    const dir = freshDir();
    await withCatalog(dir, async (c) => {
      await expect(c.get("spy_prices")).rejects.toThrow(
        `catalog ${dir}: there is no dataset named 'spy_prices', expected a dataset imported first (the catalog is empty). Import one with omq data import FILE or catalog.import(file).`,
      );
      const e = await c.import(datasetPath("spy_prices.csv"));
      await c.import(datasetPath("goog_daily.csv"));
      expect((await c.remove("spy_prices")).path).toBe(e.path);
      expect(existsSync(e.path)).toBe(false);
      await expect(c.remove("spy_prices")).rejects.toThrow(`catalog ${dir}: there is no dataset named 'spy_prices', expected one of goog_daily.`);
      expect(await c.has("goog_daily")).toBe(true);
      // a removed dataset is no longer a view
      await expect(c.query("SELECT * FROM spy_prices")).rejects.toThrow(/Table with name spy_prices does not exist/);
    });
  });

  it("sweeps files no dataset references once they are an hour old", async () => {
    const dir = freshDir();
    await withCatalog(dir, async (c) => {
      await c.import(datasetPath("spy_prices.csv"));
      const old = path.join(dir, "data", "lost-abc.parquet");
      const oldTmp = path.join(dir, "data", ".tmp-lost-abc.parquet");
      const recent = path.join(dir, "data", ".tmp-running-def.parquet");
      for (const f of [old, oldTmp, recent]) writeFileSync(f, "PAR1");
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(old, twoHoursAgo, twoHoursAgo);
      utimesSync(oldTmp, twoHoursAgo, twoHoursAgo);
      await c.import(datasetPath("goog_daily.csv"));
      expect(existsSync(old)).toBe(false);
      expect(existsSync(oldTmp)).toBe(false);
      expect(existsSync(recent)).toBe(true); // may be another process's import in progress
      expect((await c.list()).map((e) => e.name)).toEqual(["goog_daily", "spy_prices"]);
    });
  });

  it("runs concurrent operations of two Catalog objects on one directory one at a time", async () => {
    const dir = freshDir();
    const [a, b] = [await openCatalog(dir), await openCatalog(dir)];
    try {
      await Promise.all([
        a.import(datasetPath("spy_prices.csv")),
        b.import(datasetPath("goog_daily.csv")),
        a.import(datasetPath("stock_prices.csv")),
        b.list(),
      ]);
      expect((await b.list()).map((e) => e.name)).toEqual(["goog_daily", "spy_prices", "stock_prices"]);
    } finally {
      a.close();
      b.close();
    }
  });

  it("reports progress for a large file", async () => {
    const big = path.join(root, "big.csv");
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(big);
      out.on("error", reject).on("finish", resolve);
      let block = "";
      out.write("ts,sym,price,qty\n");
      for (let i = 0; i < 600_000; i++) {
        block += `2021-03-01 10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")},S${i % 37},${(100 + (i % 1000) / 7).toFixed(4)},${(i * 7919) % 1000}\n`;
        if (block.length > 1 << 16) {
          out.write(block);
          block = "";
        }
      }
      out.end(block);
    });
    const seen: number[] = [];
    await withCatalog(freshDir(), async (c) => {
      const e = await c.import(big, { onProgress: (p) => (expect(p.totalBytes).toBe(statSync(big).size), seen.push(p.fraction)) });
      expect(e.rows).toBe(600_000);
      expect(e.time).toEqual({ column: "ts", min: "2021-03-01 10:00:00", max: "2021-03-01 10:59:59" });
    });
    expect(seen.length).toBeGreaterThan(0);
    for (const f of seen) expect(f >= 0 && f <= 1).toBe(true);
  });
});

describe("catalog locking and location", () => {
  /** A child process that holds catalog.duckdb open (as another omq would) until killed. */
  async function holdLock(file: string): Promise<{ pid: number; stop: () => void }> {
    const api = path.join(packageRoot(), "node_modules", "@duckdb", "node-api", "lib", "index.js");
    const child = spawn(
      process.execPath,
      ["-e", `require(${JSON.stringify(api)}).DuckDBInstance.create(${JSON.stringify(file)}).then(() => { console.log("locked"); setInterval(() => {}, 1000); })`],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (b: Buffer) => b.toString().includes("locked") && resolve());
      child.on("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
    return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
  }

  it("waits for another process's lock, and says who holds it when the wait runs out", async () => {
    const dir = freshDir();
    await withCatalog(dir, (c) => c.import(datasetPath("spy_prices.csv")).then(() => undefined));
    const holder = await holdLock(path.join(dir, "catalog.duckdb"));
    let released = false;
    try {
      await expect(openCatalog(dir, { lockTimeoutMs: 300 })).rejects.toThrow(
        new RegExp(`^catalog ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: catalog\\.duckdb is locked by another process \\(PID ${holder.pid}\\)\\. Waited 300 ms`),
      );
      const t0 = Date.now();
      setTimeout(() => {
        released = true;
        holder.stop();
      }, 800);
      const c = await openCatalog(dir);
      expect(released).toBe(true);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
      expect((await c.list()).map((e) => e.name)).toEqual(["spy_prices"]);
      c.close();
    } finally {
      holder.stop();
    }
  });

  it("defaults to $OMQ_CATALOG, else ~/.omniquant/catalog", () => {
    const saved = process.env["OMQ_CATALOG"];
    try {
      process.env["OMQ_CATALOG"] = "rel/cat";
      expect(defaultCatalogDir()).toBe(path.resolve("rel/cat"));
      delete process.env["OMQ_CATALOG"];
      expect(defaultCatalogDir()).toMatch(/\/\.omniquant\/catalog$/);
    } finally {
      if (saved === undefined) delete process.env["OMQ_CATALOG"];
      else process.env["OMQ_CATALOG"] = saved;
    }
  });
});
