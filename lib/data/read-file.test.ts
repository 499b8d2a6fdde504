import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "./datasets.js";
import { connect } from "./duckdb.js";
import { loadPrices } from "./load-prices.js";
import { formatOf, loadTable } from "./read-file.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "omq-read-file-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** A price file of n data rows (date, open, close), with `edit(lines)` applied to its lines (line 0 = header). */
function pricesCsv(name: string, n: number, edit: (lines: string[]) => void = () => {}): string {
  const lines = ["date,open,close"];
  for (let i = 1; i <= n; i++) {
    const day = new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${day},${(100 + i / 8).toFixed(3)},${(100 + i / 7).toFixed(3)}`);
  }
  edit(lines);
  return write(name, `${lines.join("\n")}\n`);
}

const message = async (p: Promise<unknown>) => ((await p.then(() => undefined, (e: unknown) => e)) as Error | undefined)?.message;

describe("loadTable on real files", () => {
  it("reads the bundled stock prices with the same values as loadPrices", async () => {
    const t = await loadTable(datasetPath("stock_prices.csv"));
    const p = await loadPrices();
    expect(t.numRows()).toBe(7126);
    expect(t.columnNames()).toEqual(p.columnNames());
    expect(t.array("date")).toEqual(p.array("date"));
    for (const name of p.columnNames().slice(1)) {
      expect(t.column(name), name).toBeInstanceOf(Float64Array);
      expect(Array.from(t.array(name) as Float64Array), name).toEqual(Array.from(p.array(name) as Float64Array));
    }
  });

  it("keeps the requested columns in order and applies given types", async () => {
    const t = await loadTable(datasetPath("goog_daily.csv"), { columns: ["Close", "column0"], types: { Volume: "DOUBLE" } });
    expect(t.columnNames()).toEqual(["Close", "column0"]);
    expect(t.get("column0", 0)).toEqual(new Date(Date.UTC(2004, 7, 19)));
    expect(t.get("Close", 0)).toBe(100.34);
    const v = await loadTable(datasetPath("goog_daily.csv"), { columns: ["Volume"], types: { Volume: "DOUBLE" } });
    expect(v.column("Volume")).toBeInstanceOf(Float64Array);
  });

  it("reads Parquet written by DuckDB, and a gzip CSV, to the same table as the CSV", async () => {
    const csv = datasetPath("goog_daily.csv");
    const parquet = path.join(dir, "goog.parquet");
    const gz = path.join(dir, "goog.csv.gz");
    const db = await connect();
    try {
      await db.exec(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
      await db.exec(`COPY (SELECT * FROM read_csv('${csv}', all_varchar = true)) TO '${gz}' (FORMAT csv, HEADER, COMPRESSION gzip)`);
    } finally {
      db.close();
    }
    const a = await loadTable(csv);
    for (const other of [await loadTable(parquet), await loadTable(gz)]) {
      expect(other.columnNames()).toEqual(a.columnNames());
      for (const name of a.columnNames()) expect(Array.from(other.array(name) as ArrayLike<unknown>), name).toEqual(Array.from(a.array(name) as ArrayLike<unknown>));
    }
  });

  it("reads a header-only file as zero rows", async () => {
    const t = await loadTable(write("header-only.csv", "a,b\n"));
    expect(t.columnNames()).toEqual(["a", "b"]);
    expect(t.numRows()).toBe(0);
  });

  it("knows formats from file names", () => {
    expect(formatOf("x.csv")).toBe("csv");
    expect(formatOf("x.CSV.GZ")).toBe("csv");
    expect(formatOf("x.tsv.zst")).toBe("csv");
    expect(formatOf("x.parquet")).toBe("parquet");
    expect(() => formatOf("/a/x.xlsx")).toThrow("/a/x.xlsx: the file format is not known from its name, expected a name ending in .csv, .tsv, .txt (optionally .gz or .zst) or .parquet. Pass format: 'csv' or 'parquet' (omq data import --format).");
  });
});

describe("loadTable errors name file, row, column, expected and found", () => {
  it("a non-numeric close in row 812 of a column typed DOUBLE", async () => {
    const file = pricesCsv("close-812.csv", 1000, (l) => (l[812] = l[812]!.replace(/,[^,]*$/, ",n/a")));
    expect(await message(loadTable(file, { types: { close: "DOUBLE" } }))).toBe(
      `${file} row 812 (line 813), column 'close': the cell does not convert to DOUBLE, expected a number but found 'n/a'.`,
    );
    // without the type, DuckDB's sniffer (first 20,480 rows) sees the text and reads the column as text
    const t = await loadTable(file);
    expect(t.get("close", 811)).toBe("n/a");
  });

  it("a bad number after the rows DuckDB samples for types, with the hint to override the type", async () => {
    const file = pricesCsv("close-30000.csv", 30_500, (l) => (l[30_000] = l[30_000]!.replace(/,[^,]*$/, ",#N/A")));
    expect(await message(loadTable(file))).toBe(
      `${file} row 30000 (line 30001), column 'close': the cell does not convert to DOUBLE, expected a number but found '#N/A'. ` +
        `DuckDB detected DOUBLE from the first 20,480 rows; to read the column as text pass types: { "close": "VARCHAR" } (omq data import --type close=VARCHAR).`,
    );
  });

  it("a row with too many fields and a row with too few", async () => {
    const many = pricesCsv("ragged-many.csv", 100, (l) => (l[40] = `${l[40]},7`));
    expect(await message(loadTable(many))).toMatch(
      new RegExp(`^${escape(many)} row 40 \\(line 41\\): the row has too many fields, expected 3 fields \\(date, open, close\\) but found 4 in '2000-02-10,105\\.000,105\\.714,7'\\.$`),
    );
    const few = pricesCsv("ragged-few.csv", 100, (l) => (l[7] = l[7]!.replace(/,[^,]*$/, "")));
    expect(await message(loadTable(few))).toBe(
      `${few} row 7 (line 8), column 'close': the row has too few fields, expected 3 fields (date, open, close) but found 2 in '2000-01-08,100.875'.`,
    );
    // the same after the sniffing sample
    const late = pricesCsv("ragged-late.csv", 25_000, (l) => (l[24_000] = `${l[24_000]},x`));
    expect(await message(loadTable(late))).toMatch(/ row 24000 \(line 24001\): the row has too many fields, expected 3 fields/);
  });

  it("a missing column, with a hint when only the case differs", async () => {
    const file = pricesCsv("missing.csv", 10);
    expect(await message(loadTable(file, { types: { volume: "BIGINT" } }))).toBe(
      `${file} line 1 (the header): column 'volume' is missing, expected a column named 'volume' but found columns 'date', 'open', 'close'.`,
    );
    expect(await message(loadTable(file, { columns: ["Close"] }))).toMatch(/column 'Close' is missing, .* Column names are case-sensitive: did you mean 'close'\?$/);
  });

  it("an unparseable date, given as DATE or detected as DATE", async () => {
    const file = pricesCsv("bad-date.csv", 50, (l) => (l[30] = l[30]!.replace(/^[^,]*/, "2000-02-30")));
    expect(await message(loadTable(file, { types: { date: "DATE" } }))).toBe(
      `${file} row 30 (line 31), column 'date': the cell does not convert to DATE, expected a date (YYYY-MM-DD) but found '2000-02-30'.`,
    );
    const late = pricesCsv("bad-date-late.csv", 21_000, (l) => (l[20_990] = l[20_990]!.replace(/^[^,]*/, "31/12/2057")));
    expect(await message(loadTable(late))).toMatch(/ row 20990 \(line 20991\), column 'date': the cell does not convert to DATE, expected a date \(YYYY-MM-DD\) but found '31\/12\/2057'\. DuckDB detected DATE/);
  });

  it("a missing, empty or unknown-format file, and bad options", async () => {
    expect(await message(loadTable(path.join(dir, "nope.csv")))).toBe(`${path.join(dir, "nope.csv")}: the file does not exist, expected a CSV or Parquet file.`);
    const empty = write("empty.csv", "");
    expect(await message(loadTable(empty))).toBe(`${empty}: the file is empty, expected a header line and rows.`);
    expect(await message(loadTable(write("x.json", "{}")))).toMatch(/the file format is not known from its name/);
    expect(await message(loadTable(empty, { colums: ["a"] } as never))).toBe("loadTable: options has an unknown key 'colums', expected one of format, types, columns, delimiter, header, allVarchar.");
    expect(await message(loadTable(empty, { types: { a: "DOUBLE; DROP TABLE x" } }))).toMatch(/gives column 'a' a type that is not a DuckDB type name/);
  });

  it("a Parquet value that does not convert to the given type, by row", async () => {
    const file = path.join(dir, "text.parquet");
    const db = await connect();
    try {
      await db.exec(`COPY (SELECT i, CASE WHEN i = 1234 THEN 'n/a' ELSE (i * 0.5)::VARCHAR END AS close FROM range(5000) r(i) ORDER BY i) TO '${file}' (FORMAT parquet)`);
    } finally {
      db.close();
    }
    expect(await message(loadTable(file, { types: { close: "DOUBLE" } }))).toBe(
      `${file} row 1235, column 'close': the VARCHAR value does not convert to DOUBLE, expected a number but found 'n/a'.`,
    );
    expect((await loadTable(file, { types: { i: "INTEGER" }, columns: ["i"] })).numRows()).toBe(5000);
    const notParquet = write("fake.parquet", "date,close\n2020-01-01,1\n");
    expect(await message(loadTable(notParquet))).toMatch(new RegExp(`^${escape(notParquet)}: DuckDB could not read the file as Parquet \\(.+\\), expected a Parquet file\\.$`));
  });
});

describe("loadPrices names ragged rows too", () => {
  it("reports the row of a row with too many fields", async () => {
    const file = write("prices-ragged.csv", "date,AAA,BBB\n2020-01-01,1,2\n2020-01-02,1,2,3\n2020-01-03,1,2\n");
    expect(await message(loadPrices({ file }))).toBe(
      `${file} row 2 (line 3): the row has too many fields, expected 3 fields (date, AAA, BBB) but found 4 in '2020-01-02,1,2,3'.`,
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
