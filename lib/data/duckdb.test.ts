import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Database } from "./duckdb.js";

describe("connect (DuckDB wrapper)", () => {
  let db: Database;
  beforeAll(async () => {
    db = await connect();
  });
  afterAll(() => db.close());

  it("returns rows as records with DATE/TIMESTAMP as Date and safe BIGINTs as numbers", async () => {
    const rows = await db.query(
      "SELECT 42::BIGINT AS n, DATE '2014-09-19' AS d, TIMESTAMP '2020-01-02 03:04:05.678' AS ts, 'x' AS s, NULL::DOUBLE AS missing, 1.25::DECIMAL(6,2) AS dec",
    );
    expect(rows).toEqual([
      {
        n: 42,
        d: new Date(Date.UTC(2014, 8, 19)),
        ts: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678)),
        s: "x",
        missing: null,
        dec: 1.25,
      },
    ]);
  });

  it("keeps a BIGINT column as bigint when any of its values is beyond 2^53", async () => {
    const rows = await db.query("SELECT * FROM (VALUES (1::BIGINT), (9007199254740993::BIGINT)) t(v)");
    expect(rows.map((r) => r.v)).toEqual([1n, 9007199254740993n]);
    const counts = await db.query("SELECT count(*) AS n FROM range(10)");
    expect(counts).toEqual([{ n: 10 }]);
  });

  it("binds positional and named parameters, Dates as timestamps", async () => {
    expect(await db.query("SELECT $1 + 1 AS a, $2 AS b", [41, "hi"])).toEqual([{ a: 42, b: "hi" }]);
    expect(await db.query("SELECT $x * 2 AS a", { x: 21 })).toEqual([{ a: 42 }]);
    const when = new Date(Date.UTC(2021, 5, 1, 12));
    expect(await db.query("SELECT CAST($1 AS DATE) AS d", [when])).toEqual([{ d: new Date(Date.UTC(2021, 5, 1)) }]);
  });

  it("builds Arquero tables column by column, floats as Float64Array with NULL as NaN", async () => {
    const t = await db.queryTable(
      "SELECT i, CASE WHEN i % 2 = 0 THEN i / 2 END AS half, DATE '2020-01-01' + i::INTEGER AS day FROM range(4) r(i) ORDER BY i",
    );
    expect(t.columnNames()).toEqual(["i", "half", "day"]);
    expect(t.numRows()).toBe(4);
    expect(Array.from(t.array("i") as ArrayLike<number>)).toEqual([0, 1, 2, 3]);
    const half = t.getter("half");
    expect(t.column("half")).toBeInstanceOf(Float64Array);
    expect([0, 1, 2, 3].map((r) => half(r))).toEqual([0, NaN, 1, NaN]);
    expect(t.get("day", 3)).toEqual(new Date(Date.UTC(2020, 0, 4)));

    const withNulls = await db.queryTable("SELECT NULL::DOUBLE AS x", undefined, { floatNulls: "null" });
    expect(withNulls.get("x", 0)).toBeNull();
  });

  it("gives duplicate column names suffixes instead of dropping columns", async () => {
    expect(await db.query("SELECT 1 AS a, 2 AS a")).toEqual([{ a: 1, "a:1": 2 }]);
  });

  it("reports a failed statement with DuckDB's message and the SQL, keeping DuckDB's error as the cause", async () => {
    const error = (await db.query("SELEC 1").catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^DuckDB: the query failed \(Parser Error: syntax error at or near "SELEC"\)\. SQL: SELEC 1\.$/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("refuses queries after close", async () => {
    const other = await connect();
    other.close();
    other.close();
    await expect(other.query("SELECT 1")).rejects.toThrow("DuckDB: the database ':memory:' is closed. Open a new one with connect().");
  });
});
