import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "./datasets.js";
import { connect, type Database, type Row } from "./duckdb.js";
import { loadPrices } from "./load-prices.js";
import { columnsOf, fromColumns, fromRecords, toRecords } from "./records.js";
import { inferType } from "./write-table.js";

let db: Database;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.close());

/** Every SQL type the interop promises to carry, with NULLs in each column. */
const TYPED_SQL = `
  SELECT i::INTEGER AS id,
         CASE WHEN i % 3 = 1 THEN NULL ELSE i * 1.25 END::DOUBLE AS x,
         CASE WHEN i = 2 THEN NULL ELSE i::BIGINT * 1000000007 END AS n,
         CASE WHEN i = 4 THEN 9007199254740993::BIGINT ELSE i::BIGINT END AS big,
         CASE WHEN i = 0 THEN NULL ELSE DATE '1969-12-30' + (i * 400)::INTEGER END AS d,
         CASE WHEN i = 3 THEN NULL ELSE TIMESTAMP '2020-02-29 23:59:58.123' + to_milliseconds(i * 1001) END AS ts,
         CASE WHEN i = 1 THEN NULL ELSE 's' || i END AS s,
         CASE WHEN i = 5 THEN NULL ELSE i % 2 = 0 END AS b
  FROM range(6) r(i) ORDER BY i`;

/** Rows of `a` not in `b` plus rows of `b` not in `a` (multiset difference, NULL-aware): 0 when the tables are equal. */
async function differingRows(a: string, b: string): Promise<number> {
  const [row] = await db.query(`SELECT (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})) + (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})) AS n`);
  return Number(row!.n);
}

const typesOf = async (table: string) => (await db.query(`DESCRIBE ${table}`)).map((r) => `${String(r.column_name)} ${String(r.column_type)}`);

describe("DuckDB -> Arquero -> records", () => {
  it("gives the same records as querying records directly (NULL as null, not NaN)", async () => {
    const direct = await db.query(TYPED_SQL);
    const viaTable = toRecords(await db.queryTable(TYPED_SQL));
    expect(viaTable).toEqual(direct);
    // spot-check the conversions themselves
    expect(direct[1]).toMatchObject({ x: null, s: null, d: new Date(Date.UTC(1971, 1, 3)) });
    expect(direct.map((r) => r.big)).toEqual([0n, 1n, 2n, 3n, 9007199254740993n, 5n]);
    expect(direct.map((r) => r.n)).toEqual([0, 1000000007, null, 3000000021, 4000000028, 5000000035]);
    expect(direct[0]!.ts).toEqual(new Date(Date.UTC(2020, 1, 29, 23, 59, 58, 123)));
  });
});

describe("Arquero / records -> DuckDB (writeTable) -> back", () => {
  it("round-trips every type: the written table equals the SQL original, column types included", async () => {
    await db.exec(`CREATE OR REPLACE TABLE original AS ${TYPED_SQL}`);
    await db.writeTable("from_table", await db.queryTable("SELECT * FROM original"), { mode: "replace" });
    await db.writeTable("from_records", await db.query("SELECT * FROM original"), { mode: "replace" });
    // INTEGER comes back as a JS number and is written as BIGINT; everything else keeps its type
    const expected = (await typesOf("original")).map((t) => t.replace("id INTEGER", "id BIGINT"));
    expect(await typesOf("from_table")).toEqual(expected);
    expect(await typesOf("from_records")).toEqual(expected);
    expect(await differingRows("original", "from_table")).toBe(0);
    expect(await differingRows("original", "from_records")).toBe(0);
    expect(await db.query("SELECT * FROM from_records ORDER BY id")).toEqual(await db.query("SELECT * FROM original ORDER BY id"));
  });

  it("round-trips random records (property): records -> DuckDB -> records and -> Arquero -> records", async () => {
    const day = fc.integer({ min: -40_000, max: 60_000 }).map((d) => new Date(d * 86_400_000));
    const instant = fc.integer({ min: -2e12, max: 4e12 }).filter((ms) => ms % 86_400_000 !== 0).map((ms) => new Date(ms));
    const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
    const record = fc.record({
      x: nullable(fc.double({ noNaN: true, noDefaultInfinity: true })),
      n: nullable(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
      s: nullable(fc.string({ maxLength: 12 })),
      b: nullable(fc.boolean()),
      d: nullable(day),
      t: nullable(instant),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), async (rows) => {
        // a column of one kind whose values all fit a JS number comes back as numbers, like DuckDB's own reads
        const expected = normalise(rows);
        const types = { x: "DOUBLE", n: "BIGINT", s: "VARCHAR", b: "BOOLEAN", d: "DATE", t: "TIMESTAMP" };
        await db.writeTable("prop", rows, { mode: "replace", types });
        expect(await db.query("SELECT * FROM prop")).toEqual(expected);
        await db.writeTable("prop2", fromRecords(rows), { mode: "replace", types });
        expect(toRecords(await db.queryTable("SELECT * FROM prop2"))).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the bundled prices exactly: SQL over the written table equals SQL over the CSV", async () => {
    const prices = await loadPrices();
    await db.writeTable("prices", prices, { mode: "replace" });
    expect(await typesOf("prices")).toEqual(["date DATE", ...prices.columnNames().slice(1).map((t) => `${t} DOUBLE`)]);
    await db.exec(`CREATE OR REPLACE TABLE prices_csv AS SELECT * FROM read_csv('${datasetPath("stock_prices.csv")}')`);
    expect(await differingRows("prices", "prices_csv")).toBe(0);
    const [a] = await db.query("SELECT count(AAPL) AS n, sum(AAPL) AS s, min(date) AS lo FROM prices");
    const [b] = await db.query("SELECT count(AAPL) AS n, sum(AAPL) AS s, min(date) AS lo FROM prices_csv");
    expect(a).toEqual(b);
  });

  it("creates, refuses to overwrite, replaces and appends", async () => {
    await db.writeTable("modes", { a: [1, 2], b: ["x", "y"] }, { mode: "replace" });
    await expect(db.writeTable("modes", { a: [3] })).rejects.toThrow(/writeTable 'modes': DuckDB refused the data \(Catalog Error: Table with name "modes" already exists!?\)/);
    expect(await db.writeTable("modes", [{ b: "z", a: 3 }], { mode: "append" })).toBe(1);
    expect(await db.query("SELECT * FROM modes ORDER BY a")).toEqual([{ a: 1, b: "x" }, { a: 2, b: "y" }, { a: 3, b: "z" }]);
    await expect(db.writeTable("modes", { a: [4], c: [1] }, { mode: "append" })).rejects.toThrow(
      "writeTable 'modes': the data's columns differ from the table's, expected the columns a, b but found a, c (missing b) (extra c).",
    );
    await db.writeTable("modes", { only: [true] }, { mode: "replace" });
    expect(await db.query("SELECT * FROM modes")).toEqual([{ only: true }]);
  });

  it("writes nothing when a value fails (one transaction)", async () => {
    const n = 5000; // more than one 2048-row chunk, the bad value in the third
    const v: unknown[] = Array.from({ length: n }, (_, i) => i * 0.5);
    v[4500] = "oops";
    await expect(db.writeTable("atomic", { v }, { types: { v: "DOUBLE" } })).rejects.toThrow(
      `writeTable 'atomic' column 'v' row 4500: the value does not fit the column's DOUBLE type, expected a number but found the string "oops".`,
    );
    expect(await db.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'atomic'")).toEqual([{ n: 0 }]);
  });

  it("refuses values outside a declared integer type's range instead of wrapping them", async () => {
    await expect(db.writeTable("ints", { i: [1, 2 ** 31] }, { types: { i: "INTEGER" } })).rejects.toThrow(
      "writeTable 'ints' column 'i' row 1: the value does not fit the column's INTEGER type, expected a whole number from -2147483648 to 2147483647 but found the number 2147483648.",
    );
    await expect(db.writeTable("ints", { i: [1.5] }, { types: { i: "BIGINT" } })).rejects.toThrow(/row 0: the value does not fit the column's BIGINT type, expected a whole number/);
    await expect(db.writeTable("ints", { d: ["2020-01-01"] }, { types: { d: "DATE" } })).rejects.toThrow(/row 0: the value does not fit the column's DATE type, expected a valid Date but found the string "2020-01-01"/);
    await db.writeTable("ints", { i: [-(2 ** 31), 7n], u: [255, 0] }, { types: { i: "INTEGER", u: "UTINYINT" }, mode: "replace" });
    expect(await db.query("SELECT * FROM ints")).toEqual([{ i: -(2 ** 31), u: 255 }, { i: 7, u: 0 }]);
  });

  it("infers types and rejects mixed or unsupported columns with their row", () => {
    expect(inferType([1, 2, null, 3], "a", "w")).toBe("BIGINT");
    expect(inferType([1, 2.5], "a", "w")).toBe("DOUBLE");
    expect(inferType(new Float64Array([1, 2]), "a", "w")).toBe("DOUBLE");
    expect(inferType([1n, 2], "a", "w")).toBe("BIGINT");
    expect(inferType([2n ** 70n], "a", "w")).toBe("HUGEINT");
    expect(inferType([new Date(Date.UTC(2020, 0, 1)), null], "a", "w")).toBe("DATE");
    expect(inferType([new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2020, 0, 1, 0, 0, 1))], "a", "w")).toBe("TIMESTAMP");
    expect(inferType([null, undefined, NaN], "a", "w")).toBe("VARCHAR");
    expect(() => inferType([1, 2, "3"], "qty", "writeTable 't'")).toThrow(
      `writeTable 't' column 'qty' row 2: the column mixes kinds of values, expected a number like row 0 but found the string "3". Give the column a type in types (e.g. { "qty": "VARCHAR" }) to convert every value to it.`,
    );
    expect(() => inferType([new Date(NaN)], "d", "w")).toThrow("w column 'd' row 0: the Date is invalid, expected a valid Date or null.");
    expect(() => inferType([null, { a: 1 }], "o", "w")).toThrow(/^w column 'o' row 1: the value has no DuckDB type to infer, expected a number, bigint, string, boolean, Date or null but found an object \(Object\)\./);
    expect(() => inferType([1n, 2.5], "m", "w")).toThrow("w column 'm' row 1: the column mixes bigints with a fractional number, expected whole numbers only (BIGINT) but found the number 2.5.");
  });
});

describe("records <-> Arquero", () => {
  it("fromRecords takes the union of keys in first-seen order, missing as null", () => {
    const t = fromRecords([{ a: 1 }, { b: "x", a: 2 }, { c: new Date(0) }]);
    expect(t.columnNames()).toEqual(["a", "b", "c"]);
    expect(toRecords(t)).toEqual([
      { a: 1, b: null, c: null },
      { a: 2, b: "x", c: null },
      { a: null, b: null, c: new Date(0) },
    ]);
  });

  it("toRecords respects filters and order and turns NaN into null", () => {
    const t = fromColumns({ k: ["a", "b", "c", "d"], v: new Float64Array([1, NaN, 3, 4]) });
    const filtered = t.filter((d: { v: number }) => d.v !== 3).orderby("k");
    expect(toRecords(filtered.reify())).toEqual([
      { k: "a", v: 1 },
      { k: "b", v: null },
      { k: "d", v: 4 },
    ]);
    expect(toRecords(t.orderby("k").filter((d: { k: string }) => d.k > "b"))).toEqual([
      { k: "c", v: 3 },
      { k: "d", v: 4 },
    ]);
  });

  it("rejects what is not tabular, naming the problem", () => {
    expect(() => columnsOf({ a: [1, 2], b: [1] })).toThrow("columnsOf column 'b': the columns have different lengths, expected 2 values (the length of 'a') but found 1.");
    expect(() => columnsOf({ a: 5 } as never)).toThrow("columnsOf column 'a': the column is not an array, expected an array or typed array but found the number 5.");
    expect(() => fromRecords([{ a: 1 }, 7] as never)).toThrow("fromRecords record 1: the record is not an object, expected an object of column values but found the number 7.");
    expect(() => columnsOf("abc" as never)).toThrow("columnsOf: the data is not tabular, expected an Arquero table, an array of records or an object of columns but found the string \"abc\".");
  });
});

/** What DuckDB hands back for written records: per column, numbers when every value is a safe integer. */
function normalise(rows: readonly Row[]): Row[] {
  const safe = rows.every((r) => r.n === null || ((r.n as bigint) <= BigInt(Number.MAX_SAFE_INTEGER) && (r.n as bigint) >= -BigInt(Number.MAX_SAFE_INTEGER)));
  return rows.map((r) => ({ ...r, n: r.n === null ? null : safe ? Number(r.n) : r.n, x: r.x === null ? null : Object.is(r.x, -0) ? -0 : r.x }));
}
