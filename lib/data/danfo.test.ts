import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../util/package-root.js";
import { fromDanfo, loadDanfo, toDanfo } from "./danfo.js";
import { connect, type Database } from "./duckdb.js";
import { loadPrices } from "./load-prices.js";
import { toRecords } from "./records.js";

let db: Database;
beforeAll(async () => {
  db = await connect();
  await loadDanfo(); // ~3 s: TensorFlow.js loads with it
});
afterAll(() => db.close());

const SQL = `
  SELECT i::INTEGER AS id,
         CASE WHEN i % 3 = 1 THEN NULL ELSE i * 0.1 END::DOUBLE AS x,
         CASE WHEN i = 2 THEN NULL ELSE 's' || i END AS s,
         i % 2 = 0 AS even,
         CASE WHEN i = 4 THEN NULL ELSE DATE '2015-06-30' + i::INTEGER END AS d,
         TIMESTAMP '2020-01-01 09:30:00.250' + to_milliseconds(i * 1500) AS ts,
         i::BIGINT * 3000000000 AS big
  FROM range(7) r(i) ORDER BY i`;

describe("danfojs interop (real danfojs 1.2)", () => {
  it("round-trips DuckDB -> Arquero -> danfo -> Arquero with values, nulls and dates intact", async () => {
    const table = await db.queryTable(SQL);
    const df = await toDanfo(table);
    expect(df.columns).toEqual(["id", "x", "s", "even", "d", "ts", "big"]);
    expect(df.dtypes).toEqual(["int32", "float32", "string", "boolean", "datetime", "datetime", "float32"]);
    expect(df.shape).toEqual([7, 7]);
    const back = fromDanfo(df);
    expect(back.column("x")).toBeInstanceOf(Float64Array);
    // every value equal to querying records straight from DuckDB
    expect(toRecords(back)).toEqual(await db.query(SQL));
  });

  it("gives danfo a frame it computes on: column means equal Arquero's over the bundled prices", async () => {
    const prices = await loadPrices({ tickers: ["AAPL", "XOM", "FB"], start: "2017-01-01" });
    const df = (await toDanfo(prices)) as unknown as { column(n: string): { mean(): number; count(): number }; shape: number[] };
    expect(df.shape).toEqual([prices.numRows(), 4]);
    for (const t of ["AAPL", "XOM", "FB"]) {
      const values = Array.from(prices.array(t) as Float64Array).filter((v) => !Number.isNaN(v));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(df.column(t).count()).toBe(values.length);
      expect(df.column(t).mean()).toBeCloseTo(mean, 9);
    }
    expect(toRecords(fromDanfo(df as never))).toEqual(toRecords(prices));
  });

  it("reads a frame danfo built itself, parsing datetime strings", async () => {
    const dfd = (await loadDanfo()) as unknown as { DataFrame: new (d: unknown, o?: unknown) => never };
    const df = new dfd.DataFrame({ when: ["2021-03-04T05:06:07.000Z", null], v: [1.5, NaN], k: [1, 2] }, { dtypes: ["datetime", "float32", "int32"] });
    const t = fromDanfo(df);
    expect(toRecords(t)).toEqual([
      { when: new Date(Date.UTC(2021, 2, 4, 5, 6, 7)), v: 1.5, k: 1 },
      { when: null, v: null, k: 2 },
    ]);
  });

  it("refuses what danfo cannot hold, naming column and row", async () => {
    await expect(toDanfo({ n: [1n, 2n ** 60n] })).rejects.toThrow("toDanfo column 'n' row 1: the bigint does not fit in a JS number, which danfo needs, expected |value| <= 2^53 - 1 but found 1152921504606846976n.");
    await expect(toDanfo([{ a: 1 }, { a: "x" }])).rejects.toThrow(`toDanfo column 'a' row 1: the column mixes kinds of values, expected a number like the rows before but found the string "x".`);
    expect(() => fromDanfo({} as never)).toThrow("fromDanfo: the argument is not a danfo DataFrame, expected a DataFrame (columns, dtypes, column()) but found an object (Object).");
  });

  it("says how to install danfojs when it is missing", () => {
    // the compiled module in a directory whose node_modules has arquero but no danfojs
    const root = packageRoot();
    const dir = mkdtempSync(path.join(tmpdir(), "omq-nodanfo-"));
    try {
      for (const f of ["lib/data/danfo.js", "lib/data/records.js", "lib/util/errors.js"]) {
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        copyFileSync(path.join(root, ".build", f), path.join(dir, f));
      }
      mkdirSync(path.join(dir, "node_modules"));
      symlinkSync(path.join(root, "node_modules", "arquero"), path.join(dir, "node_modules", "arquero"), "dir");
      const script = `import(${JSON.stringify(path.join(dir, "lib/data/danfo.js"))}).then((m) => m.toDanfo({ a: [1] })).then(() => console.log("loaded"), (e) => console.log(e.message))`;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: dir });
      expect(r.stdout.trim()).toBe(
        'toDanfo/fromDanfo: danfojs is not installed. Install it with npm install danfojs@1.2.0 @tensorflow/tfjs@4.22.0 and, in package.json, "overrides": {"xlsx": "0.18.5", "@tensorflow/tfjs": "$@tensorflow/tfjs"}.',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
