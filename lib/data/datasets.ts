import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { contextError } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";

/** A data file bundled in the package's `datasets/` directory (sources and licences: datasets/SOURCES.md). */
export interface DatasetInfo {
  /**
   * Path relative to datasets/, '/'-separated, e.g. "stock_prices.csv" or "itch/<file>"; pass it (with or without
   * ".csv") to `datasetPath`.
   */
  name: string;
  /** Absolute path. */
  path: string;
  bytes: number;
  /** One line on what the file holds ("" for files this version does not describe). */
  description: string;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  "stock_prices.csv":
    "Daily adjusted closes of 20 US stocks (wide: date + one column per ticker), 7126 rows, 1989-12-29..2018-04-11; from PyPortfolioOpt (MIT).",
  "goog_daily.csv":
    "GOOG daily OHLCV bars, unadjusted, 2148 rows, 2004-08-19..2013-03-01 (first column, the date, has no header); from backtesting.py (AGPL-3.0).",
});

/** The directory holding the bundled datasets, resolved from the package root (works from any cwd). */
export function datasetsDir(): string {
  return path.join(packageRoot(), "datasets");
}

const NOT_DATA = new Set(["SOURCES.md", "README.md"]);

/** Data files under datasets/, as '/'-separated paths relative to it ("stock_prices.csv", "itch/x.bin"). */
function dataFileNames(): string[] {
  const names: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile() && !NOT_DATA.has(entry.name)) names.push(`${prefix}${entry.name}`);
    }
  };
  walk(datasetsDir(), "");
  return names.sort();
}

/** Every bundled data file (subdirectories included) with its path, size and a one-line description. */
export function listDatasets(): DatasetInfo[] {
  const dir = datasetsDir();
  return dataFileNames().map((name) => {
    const file = path.join(dir, ...name.split("/"));
    return { name, path: file, bytes: statSync(file).size, description: DESCRIPTIONS[name] ?? "" };
  });
}

/**
 * Absolute path of a bundled dataset, e.g. `datasetPath("stock_prices.csv")` or `datasetPath("stock_prices")`.
 * Throws if there is no such dataset, naming the ones there are.
 */
export function datasetPath(name: string): string {
  const names = dataFileNames();
  if (typeof name !== "string" || name.length === 0) {
    throw contextError({
      where: "datasetPath",
      what: "the dataset name must be a non-empty string",
      expected: `one of ${names.join(", ")}`,
      found: name === "" ? "''" : String(name),
    });
  }
  const match = names.find((n) => n === name) ?? names.find((n) => n === `${name}.csv`);
  if (match === undefined) {
    throw contextError({
      where: "datasetPath",
      what: `there is no bundled dataset named '${name}'`,
      expected: `one of ${names.join(", ")}`,
      hint: "To read your own file, pass its path instead (for example loadPrices({ file: './my_prices.csv' }))",
    });
  }
  return path.join(datasetsDir(), ...match.split("/"));
}
