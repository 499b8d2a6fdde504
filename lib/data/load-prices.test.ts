import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ColumnTable } from "arquero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "./datasets.js";
import { loadPrices } from "./load-prices.js";

const TICKERS = "GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX".split(" ");
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const iso = (d: unknown) => (d as Date).toISOString().slice(0, 10);

describe("loadPrices on the bundled stock_prices.csv", () => {
  let wide: ColumnTable;
  beforeAll(async () => {
    wide = await loadPrices();
  });

  it("reads every row and ticker with the date as a Date", () => {
    expect(wide.numRows()).toBe(7126);
    expect(wide.columnNames()).toEqual(["date", ...TICKERS]);
    expect(wide.get("date", 0)).toEqual(day("1989-12-29"));
    expect(wide.get("date", 7125)).toEqual(day("2018-04-11"));
    expect(wide.get("AAPL", 0)).toBe(0.117203);
    for (const t of TICKERS) expect(wide.column(t)).toBeInstanceOf(Float64Array);
  });

  it("keeps empty cells before a listing as NaN without forward filling, and finds 2014-09-19 as the first full date", () => {
    const n = wide.numRows();
    let firstFull = -1;
    for (let r = 0; r < n && firstFull < 0; r++) {
      if (TICKERS.every((t) => !Number.isNaN(wide.get(t, r) as number))) firstFull = r;
    }
    expect(iso(wide.get("date", firstFull))).toBe("2014-09-19");
    for (const t of TICKERS) {
      const col = wide.column(t) as unknown as Float64Array;
      const first = col.findIndex((v) => !Number.isNaN(v));
      expect(first, `${t} has prices`).toBeGreaterThanOrEqual(0);
      // no gaps after listing, none filled before it
      expect(col.subarray(first).some(Number.isNaN), `${t} has no gap after listing`).toBe(false);
      expect(col.subarray(0, first).every(Number.isNaN)).toBe(true);
    }
    expect(iso(wide.get("date", (wide.column("BABA") as unknown as Float64Array).findIndex((v) => !Number.isNaN(v))))).toBe("2014-09-19");
  });

  it("keeps the requested tickers in the requested order and filters dates inclusively", async () => {
    const t = await loadPrices({ tickers: ["MA", "GOOG", "MA"], start: "2018-04-02", end: day("2018-04-06") });
    expect(t.columnNames()).toEqual(["date", "MA", "GOOG"]);
    expect(Array.from(t.array("date") as unknown[], iso)).toEqual(["2018-04-02", "2018-04-03", "2018-04-04", "2018-04-05", "2018-04-06"]);
    const r = (wide.array("date") as unknown[]).findIndex((d) => iso(d) === "2018-04-02");
    expect(r).toBeGreaterThan(0);
    expect(t.get("GOOG", 0)).toBe(wide.get("GOOG", r));
    expect(t.get("MA", 4)).toBe(wide.get("MA", r + 4));
  });

  it("unpivots to long (date, ticker, close), dropping missing prices", async () => {
    const long = await loadPrices({ tickers: ["FB", "AAPL"], end: "2012-05-21", shape: "long" });
    expect(long.columnNames()).toEqual(["date", "ticker", "close"]);
    const closes = long.array("close") as ArrayLike<number>;
    expect(Array.from(closes).some(Number.isNaN)).toBe(false);
    const full = await loadPrices({ tickers: ["FB", "AAPL"], end: "2012-05-21" });
    const present = ["FB", "AAPL"].reduce(
      (n, t) => n + Array.from(full.array(t) as ArrayLike<number>).filter((v) => !Number.isNaN(v)).length,
      0,
    );
    expect(long.numRows()).toBe(present);
    // ordered by date, then in the requested ticker order; FB first trades on 2012-05-18
    const tail = (long.slice(long.numRows() - 5).objects() as { date: Date; ticker: string }[]).map(
      (o) => `${iso(o.date)} ${o.ticker}`,
    );
    expect(tail).toEqual(["2012-05-17 AAPL", "2012-05-18 FB", "2012-05-18 AAPL", "2012-05-21 FB", "2012-05-21 AAPL"]);
  });

  it("reads the bundled GOOG bars, whose date column has no header", async () => {
    const goog = await loadPrices({ file: datasetPath("goog_daily.csv"), tickers: ["Close"] });
    expect(goog.numRows()).toBe(2148);
    expect(goog.columnNames()).toEqual(["date", "Close"]);
    expect(goog.get("date", 0)).toEqual(day("2004-08-19"));
    expect(goog.get("Close", 0)).toBe(100.34);
  });
});

describe("loadPrices errors", () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "omq-prices-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names an unknown ticker and the available ones", async () => {
    await expect(loadPrices({ tickers: ["GOOG", "TSLA"] })).rejects.toThrow(
      `stock_prices.csv: unknown ticker 'TSLA', expected one of ${TICKERS.join(", ")}.`,
    );
    await expect(loadPrices({ tickers: ["aapl"] })).rejects.toThrow(/did you mean AAPL\?/);
  });

  it("names file, row, column, expected and found for a non-numeric price", async () => {
    const file = write("bad.csv", "date,AAA,BBB\n2020-01-01,1.5,\n2020-01-02,2.5,3\n2020-01-03,n/a,4\n");
    const error = (await loadPrices({ file }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`${file} row 3, column 'AAA': the price is not a number, expected a number or an empty cell but found 'n/a'.`);
    expect(error.cause).toBeInstanceOf(Error);
    expect(String((error.cause as Error).message)).toMatch(/Could not convert string 'n\/a' to DOUBLE/);
    // the good column alone still loads, with the empty cell as NaN
    const ok = await loadPrices({ file, tickers: ["BBB"] });
    expect(Array.from(ok.array("BBB") as ArrayLike<number>)).toEqual([NaN, 3, 4]);
  });

  it("names the row of a bad or empty date", async () => {
    const badDate = write("bad-date.csv", "date,AAA\n2020-01-01,1\n2020-13-45,2\n");
    await expect(loadPrices({ file: badDate })).rejects.toThrow(
      `${badDate} row 2, column 'date': the date is not a date, expected a date (YYYY-MM-DD) but found '2020-13-45'.`,
    );
    const emptyDate = write("empty-date.csv", "date,AAA\n2020-01-01,1\n,2\n");
    await expect(loadPrices({ file: emptyDate })).rejects.toThrow(
      `${emptyDate} row 2, column 'date': the date is empty, expected a date (YYYY-MM-DD) but found an empty cell.`,
    );
  });

  it("rejects a missing file, unknown options, bad shapes and dates", async () => {
    await expect(loadPrices({ file: path.join(dir, "nope.csv") })).rejects.toThrow(/loadPrices: the price file .*nope\.csv does not exist, expected a CSV file\./);
    await expect(loadPrices({ ticker: ["GOOG"] } as never)).rejects.toThrow(
      "loadPrices: options has an unknown key 'ticker', expected one of file, tickers, start, end, shape.",
    );
    await expect(loadPrices({ shape: "tall" as never })).rejects.toThrow(`loadPrices: option 'shape' is not a known shape, expected 'wide' or 'long' but found "tall".`);
    await expect(loadPrices({ start: "2018/01/01" })).rejects.toThrow(/option 'start' is not a valid date, expected 'YYYY-MM-DD' or a valid Date but found "2018\/01\/01"\./);
    await expect(loadPrices({ start: "2018-02-30" })).rejects.toThrow(/option 'start' is not a valid date/);
    await expect(loadPrices({ start: "2018-02-01", end: "2018-01-01" })).rejects.toThrow("loadPrices: start 2018-02-01 is after end 2018-01-01, expected start <= end.");
  });
});
