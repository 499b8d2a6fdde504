import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetPath } from "../../lib/data/datasets.js";
import { connect } from "../../lib/data/duckdb.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { importProgressBar, parsePairs } from "./data.js";

const bin = join(packageRoot(), "kernel", "bin", "omq.js");
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "omq-data-cli-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, COLUMNS: "200" };
  delete e["OMQ_CATALOG"];
  return e;
};
const omq = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: env() });
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("omq data", () => {
  let cat: string;
  beforeAll(() => {
    cat = join(root, "main");
  });

  it("imports the bundled CSVs with metadata and lists them", () => {
    const stocks = datasetPath("stock_prices.csv");
    let r = omq("data", "import", stocks, "--catalog", cat, "--meta", "origin=PyPortfolioOpt", "--meta", "licence=MIT");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Imported stock_prices: 7,126 rows, 21 columns, date 1989-12-29\.\.2018-04-11, \d+\.\d kB Parquet \(from 1\.1 MB csv\)\n$/);
    r = omq("data", "import", datasetPath("goog_daily.csv"), "--catalog", cat, "--name", "goog", "--time-column", "column0", "--type", "Volume=DOUBLE");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Imported goog: 2,148 rows, 6 columns, column0 2004-08-19\.\.2013-03-01, /);

    r = omq("data", "ls", "--catalog", cat);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^name\s+rows\s+cols\s+time range\s+size\s+imported\s+source$/);
    expect(lines[1]).toMatch(/^goog\s+2,148\s+6\s+2004-08-19\.\.2013-03-01\s/);
    expect(lines[2]).toMatch(new RegExp(`^stock_prices\\s+7,126\\s+21\\s+1989-12-29\\.\\.2018-04-11\\s.*${stocks.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));

    const entries = JSON.parse(omq("data", "ls", "--catalog", cat, "--json").stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.name)).toEqual(["goog", "stock_prices"]);
    const s = entries[1]!;
    expect(s).toMatchObject({ source: stocks, sourceSha256: sha256(stocks), rows: 7126, sourceFormat: "csv", meta: { origin: "PyPortfolioOpt", licence: "MIT" } });
    expect(existsSync(s.path as string)).toBe(true);
    expect((entries[0]!.columns as { name: string; type: string }[]).find((c) => c.name === "Volume")!.type).toBe("DOUBLE");
  });

  it("shows a dataset's metadata, columns and first rows", () => {
    const r = omq("data", "show", "stock_prices", "--catalog", cat, "--head", "2");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^stock_prices: 7,126 rows, 21 columns, date 1989-12-29\.\.2018-04-11/);
    expect(r.stdout).toMatch(/^ {2}meta origin PyPortfolioOpt$/m);
    expect(r.stdout).toMatch(/^ {2}sha256 {5}[0-9a-f]{64}$/m);
    expect(r.stdout).toMatch(/^date\s+DATE$/m);
    const table = r.stdout.split("\n\n").at(-1)!.trimEnd().split("\n");
    expect(table).toHaveLength(3);
    expect(table[1]).toMatch(/^1989-12-29\s+0\.117203\s/);
    const json = JSON.parse(omq("data", "show", "goog", "--catalog", cat, "--json").stdout) as { time: unknown };
    expect(json.time).toEqual({ column: "column0", min: "2004-08-19", max: "2013-03-01" });
  });

  it("answers SQL over the datasets, equal to DuckDB reading the CSV", async () => {
    const sql = "SELECT year(date) AS y, round(avg(AAPL), 6) AS aapl FROM stock_prices WHERE date >= DATE '2015-01-01' GROUP BY y ORDER BY y";
    const r = omq("data", "query", sql, "--catalog", cat, "--json");
    expect(r.status).toBe(0);
    const db = await connect();
    try {
      const expected = await db.query(sql.replace("FROM stock_prices", `FROM read_csv('${datasetPath("stock_prices.csv")}')`));
      expect(JSON.parse(r.stdout)).toEqual(expected);
    } finally {
      db.close();
    }
    const text = omq("data", "query", "SELECT * FROM goog ORDER BY column0", "--catalog", cat, "--max-rows", "3");
    expect(text.stdout.trimEnd().split("\n")).toHaveLength(5);
    expect(text.stdout).toMatch(/^\(2,148 rows, 3 shown; --max-rows to see more\)$/m);
  });

  it("fails with file, row and column for a bad file, adding nothing", () => {
    const bad = join(root, "bad.csv");
    const lines = ["date,close"];
    for (let i = 0; i < 1000; i++) lines.push(`${new Date(Date.UTC(2010, 0, 1) + i * 864e5).toISOString().slice(0, 10)},${100 + i}`);
    lines[812] = `${lines[812]!.split(",")[0]},n/a`;
    writeFileSync(bad, `${lines.join("\n")}\n`);
    const before = omq("data", "ls", "--catalog", cat, "--json").stdout;
    const r = omq("data", "import", bad, "--catalog", cat, "--type", "close=DOUBLE");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`omq data import: ${bad} row 812 (line 813), column 'close': the cell does not convert to DOUBLE, expected a number but found 'n/a'.\n`);
    const ragged = join(root, "ragged.csv");
    writeFileSync(ragged, "a,b\n1,2\n3,4,5\n");
    expect(omq("data", "import", ragged, "--catalog", cat).stderr).toBe(
      `omq data import: ${ragged} row 2 (line 3): the row has too many fields, expected 2 fields (a, b) but found 3 in '3,4,5'.\n`,
    );
    expect(omq("data", "ls", "--catalog", cat, "--json").stdout).toBe(before);
  });

  it("removes datasets", () => {
    let r = omq("data", "rm", "goog", "--catalog", cat);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Removed goog \(2,148 rows, .*\.parquet\)\.\n$/);
    r = omq("data", "rm", "goog", "--catalog", cat);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`omq data rm: catalog ${cat}: there is no dataset named 'goog', expected one of stock_prices.\n`);
  });

  it("exits 2 on bad usage", () => {
    const r = omq("data", "import", datasetPath("spy_prices.csv"), "--catalog", cat, "--meta", "novalue");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("omq data import: --meta 'novalue' is not key=value, expected --meta key=value.\n");
    expect(omq("data", "import", "--catalog", cat).status).toBe(2);
    expect(omq("data", "import", "x.csv", "--format", "xlsx").status).toBe(2);
    expect(omq("data", "show", "x", "--head", "0").status).toBe(2);
  });

  it("uses $OMQ_CATALOG when --catalog is not given", () => {
    const dir = join(root, "from-env");
    const r = spawnSync(process.execPath, [bin, "data", "import", datasetPath("spy_prices.csv"), "--name", "spy"], {
      encoding: "utf8",
      env: { ...env(), OMQ_CATALOG: dir },
    });
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, "data"))).toHaveLength(1);
    expect(existsSync(join(dir, "catalog.duckdb"))).toBe(true);
  });

  it("has --help for data and each subcommand", () => {
    for (const args of [["data"], ["data", "import"], ["data", "ls"], ["data", "show"], ["data", "rm"], ["data", "query"]]) {
      const r = omq(...args, "--help");
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: omq data/);
    }
    expect(omq("--help").stdout).toMatch(/^ {2}data\b/m);
  });

  it("keeps the catalog intact when an import is killed mid-way", async () => {
    const dir = join(root, "crash");
    expect(omq("data", "import", datasetPath("spy_prices.csv"), "--catalog", dir).status).toBe(0);
    const before = omq("data", "ls", "--catalog", dir, "--json").stdout;

    const big = join(root, "big.csv");
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(big).on("error", reject).on("finish", resolve);
      out.write("ts,sym,price,qty\n");
      let block = "";
      for (let i = 0; i < 1_500_000; i++) {
        block += `2022-05-0${1 + (i % 9)} 12:00:${String(i % 60).padStart(2, "0")},S${i % 41},${(50 + (i % 997) / 3).toFixed(4)},${i % 500}\n`;
        if (block.length > 1 << 16) {
          out.write(block);
          block = "";
        }
      }
      out.end(block);
    });
    const child = spawn(process.execPath, [bin, "data", "import", big, "--catalog", dir, "--no-progress"], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // kill it as soon as it is writing the Parquet file
    const data = join(dir, "data");
    const deadline = Date.now() + 60_000;
    while (!readdirSync(data).some((f) => f.startsWith(".tmp-big-")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    expect(await exited, output).toBe("SIGKILL");

    // the catalog still opens, lists what it had, and loads it; a new import works
    expect(omq("data", "ls", "--catalog", dir, "--json").stdout).toBe(before);
    expect(omq("data", "query", "SELECT count(*) AS n FROM spy_prices", "--catalog", dir, "--json").stdout).toMatch(/"n": 6765/);
    const again = omq("data", "import", datasetPath("goog_daily.csv"), "--catalog", dir);
    expect(again.status).toBe(0);
    const names = (JSON.parse(omq("data", "ls", "--catalog", dir, "--json").stdout) as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(["goog_daily", "spy_prices"]);
  }, 120_000);
});

describe("importProgressBar", () => {
  function fakeTerminal(isTTY: boolean) {
    const writes: string[] = [];
    let t = 0;
    return { stream: { isTTY, write: (s: string) => writes.push(s) }, writes, clock: () => t, advance: (ms: number) => (t += ms) };
  }

  it("draws on a TTY only after the delay, at most ten times a second, and clears itself", () => {
    const term = fakeTerminal(true);
    const bar = importProgressBar(term.stream, term.clock, 300);
    bar.update({ fraction: 0.1, totalBytes: 50e6 });
    expect(term.writes).toEqual([]);
    term.advance(400);
    bar.update({ fraction: 0.5, totalBytes: 50e6 });
    expect(term.writes).toEqual(["\r\x1b[Kimport [############------------]  50%  25.0/50.0 MB eta 1s"]);
    term.advance(50);
    bar.update({ fraction: 0.6, totalBytes: 50e6 });
    expect(term.writes).toHaveLength(1);
    term.advance(60);
    bar.update({ fraction: 1, totalBytes: 50e6 });
    expect(term.writes[1]).toBe("\r\x1b[Kimport [########################] 100%  50.0/50.0 MB");
    bar.done();
    expect(term.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("writes nothing when stderr is not a terminal", () => {
    const term = fakeTerminal(false);
    const bar = importProgressBar(term.stream, term.clock, 0);
    term.advance(1000);
    bar.update({ fraction: 0.5, totalBytes: 1 });
    bar.done();
    expect(term.writes).toEqual([]);
  });

  it("parses key=value pairs, keeping '=' in values", () => {
    expect(parsePairs(["a=1", "b=x=y", "c="], "--meta")).toEqual({ a: "1", b: "x=y", c: "" });
    expect(() => parsePairs(["=1"], "--type")).toThrow("--type '=1' is not key=value, expected --type key=value.");
  });
});
