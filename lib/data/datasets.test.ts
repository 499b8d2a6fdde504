import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { datasetPath, datasetsDir, listDatasets } from "./datasets.js";

describe("bundled datasets", () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it("lists the bundled files with paths, sizes and descriptions", () => {
    const list = listDatasets();
    expect(list.map((d) => d.name)).toEqual(expect.arrayContaining(["goog_daily.csv", "stock_prices.csv"]));
    expect(list.map((d) => d.name)).not.toContain("SOURCES.md");
    const prices = list.find((d) => d.name === "stock_prices.csv")!;
    expect(prices.bytes).toBe(1_108_625);
    expect(prices.path).toBe(path.join(datasetsDir(), "stock_prices.csv"));
    expect(prices.description).toMatch(/20 US stocks/);
    expect(list.find((d) => d.name === "goog_daily.csv")!.bytes).toBe(97_833);
  });

  it("resolves dataset paths from the package root whatever the working directory", () => {
    process.chdir(tmpdir());
    const file = datasetPath("stock_prices.csv");
    expect(path.isAbsolute(file)).toBe(true);
    expect(readFileSync(file, "utf8").slice(0, 20)).toBe("date,GOOG,AAPL,FB,BA");
    expect(datasetPath("goog_daily")).toBe(datasetPath("goog_daily.csv"));
    for (const { name, path: file } of listDatasets()) expect(datasetPath(name)).toBe(file);
  });

  it("names the available datasets when asked for an unknown one", () => {
    const names = listDatasets().map((d) => d.name);
    expect(() => datasetPath("no_such_prices")).toThrow(
      `datasetPath: there is no bundled dataset named 'no_such_prices', expected one of ${names.join(", ")}. ` +
        "To read your own file, pass its path instead (for example loadPrices({ file: './my_prices.csv' })).",
    );
    expect(() => datasetPath("../package.json")).toThrow(/no bundled dataset named '\.\.\/package\.json'/);
  });

  it("documents the price files' origin, path, commit and licence in datasets/SOURCES.md", () => {
    const sources = readFileSync(path.join(datasetsDir(), "SOURCES.md"), "utf8");
    for (const name of ["stock_prices.csv", "goog_daily.csv"]) {
      const section = sources.split(/^## /m).find((s) => s.startsWith(`\`${name}\``));
      expect(section, `SOURCES.md has a section for ${name}`).toBeDefined();
      expect(section).toMatch(/original repository/);
      expect(section).toMatch(/\| path \|/);
      expect(section).toMatch(/commit .*[0-9a-f]{40}/);
      expect(section).toMatch(/\| licence \|/);
    }
  });

  it("names every bundled data file in a SOURCES.md (datasets/ or the file's own folder)", () => {
    const dir = datasetsDir();
    const read = (file: string) => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return "";
      }
    };
    const undocumented = listDatasets()
      .map((d) => d.name)
      .filter((name) => {
        const base = path.posix.basename(name);
        const local = read(path.join(dir, path.posix.dirname(name), "SOURCES.md"));
        return !read(path.join(dir, "SOURCES.md")).includes(base) && !local.includes(base);
      });
    expect(undocumented, "bundled files without provenance").toEqual([]);
  });
});
