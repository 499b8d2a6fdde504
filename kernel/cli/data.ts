// `omq data import|ls|show|rm|query`: the local data catalog (lib/data/catalog.ts): CSV/Parquet files converted to
// Parquet in one directory, described in its catalog.duckdb.
import type { Command } from "commander";
import { Option } from "commander";
import type { Catalog, CatalogEntry, ImportProgress } from "../../lib/data/catalog.js";
import { contextError } from "../../lib/util/errors.js";
import { collect, EXIT_FAILED, EXIT_USAGE, formatTable, parsePositiveInt, printError, type CliContext } from "./common.js";

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/**
 * The import progress bar: drawn only on a TTY, redrawn at most ten times a second, and only once the import has
 * run for `delayMs` (quick imports print nothing). `done()` clears it.
 */
export function importProgressBar(stream: Stream = process.stderr, now: () => number = () => performance.now(), delayMs = 300) {
  const tty = stream.isTTY === true;
  const start = now();
  let last = -Infinity;
  let drawn = false;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  return {
    update(p: ImportProgress): void {
      const t = now();
      if (!tty || t - start < delayMs || t - last < 100) return;
      last = t;
      const frac = Math.min(Math.max(p.fraction, 0), 1);
      const width = 24;
      const filled = Math.round(frac * width);
      const s = (t - start) / 1000;
      const eta = frac > 0 && frac < 1 ? ` eta ${Math.ceil((s / frac) * (1 - frac))}s` : "";
      stream.write(`\r\x1b[Kimport [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${mb(frac * p.totalBytes)}/${mb(p.totalBytes)} MB${eta}`);
      drawn = true;
    },
    done(): void {
      if (drawn) stream.write("\r\x1b[K");
    },
  };
}

/** `key=value` pairs into an object; throws naming the bad one. */
export function parsePairs(pairs: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw contextError({ what: `${option} '${pair}' is not key=value`, expected: `${option} key=value` });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

async function withCatalog<T>(dir: string | undefined, fn: (c: Catalog) => Promise<T>): Promise<T> {
  const { openCatalog, defaultCatalogDir } = await import("../../lib/data/catalog.js");
  const catalog = await openCatalog(dir ?? defaultCatalogDir());
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}

function bytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

function timeRange(e: CatalogEntry): string {
  return e.time ? `${e.time.min ?? ""}..${e.time.max ?? ""}` : "";
}

function summary(e: CatalogEntry): string {
  return (
    `${e.name}: ${e.rows.toLocaleString("en-US")} rows, ${e.columns.length} columns` +
    `${e.time ? `, ${e.time.column} ${timeRange(e)}` : ""}, ${bytes(e.parquetBytes)} Parquet (from ${bytes(e.sourceBytes)} ${e.sourceFormat})\n`
  );
}

function json(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  if (v instanceof Date) return v.getTime() % 86_400_000 === 0 ? v.toISOString().slice(0, 10) : v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

interface CommonOptions {
  catalog?: string;
  json?: boolean;
}

interface ImportOptions extends CommonOptions {
  name?: string;
  meta?: string[];
  type?: string[];
  timeColumn?: string;
  format?: "csv" | "parquet";
  delimiter?: string;
  header: boolean;
  replace?: boolean;
  progress: boolean;
}

/** Adds `omq data ...` to the program. */
export function registerData(program: Command, ctx: CliContext): void {
  const data = program
    .command("data")
    .description("the local data catalog: import CSV/Parquet as Parquet, list, show, remove, query")
    .addHelpText(
      "after",
      "\nThe catalog is a directory: --catalog DIR, else $OMQ_CATALOG, else ~/.omniquant/catalog.\n" +
        "From TypeScript: openCatalog(dir) from omniquant/data (import, list, get, load, query, remove).\n" +
        "Exit codes: 0 ok, 1 the operation failed (a bad file, an unknown dataset...), 2 bad usage.",
    );
  const catalogOption = () => new Option("--catalog <dir>", "catalog directory (default: $OMQ_CATALOG or ~/.omniquant/catalog)");

  data
    .command("import")
    .description("convert a CSV (plain, .gz, .zst) or Parquet file into a Parquet dataset of the catalog")
    .argument("<file>", "the CSV or Parquet file")
    .option("--name <name>", "dataset name: letters, digits, _ (default: from the file name)")
    .addOption(catalogOption())
    .option("--meta <key=value>", "metadata stored with the dataset (repeatable)", collect)
    .option("--type <column=TYPE>", "read a column as this DuckDB type, e.g. close=DOUBLE (repeatable); a cell that does not convert is an error", collect)
    .option("--time-column <column>", "the column whose min/max are recorded (default: the first DATE/TIMESTAMP column)")
    .addOption(new Option("--format <format>", "file format (default: from the extension)").choices(["csv", "parquet"]))
    .option("--delimiter <char>", "CSV field delimiter (default: detected)")
    .option("--no-header", "the CSV has no header line (columns become column0, column1, ...)")
    .option("--replace", "replace a dataset of the same name")
    .option("--no-progress", "no progress bar on stderr")
    .option("--json", "print the new entry as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  omq data import datasets/stock_prices.csv --meta source=PyPortfolioOpt --meta licence=MIT\n" +
        "  omq data import trades.csv.gz --name trades --type price=DOUBLE --type ts=TIMESTAMP --replace",
    )
    .action(async (file: string, o: ImportOptions) => {
      let meta: Record<string, string>;
      let types: Record<string, string>;
      try {
        meta = parsePairs(o.meta, "--meta");
        types = parsePairs(o.type, "--type");
      } catch (err) {
        printError(ctx, "data import", err);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const bar = o.progress ? importProgressBar() : undefined;
      try {
        const entry = await withCatalog(o.catalog, (c) =>
          c.import(file, {
            meta,
            ...(Object.keys(types).length > 0 ? { types } : {}),
            ...(o.name !== undefined ? { name: o.name } : {}),
            ...(o.timeColumn !== undefined ? { timeColumn: o.timeColumn } : {}),
            ...(o.format !== undefined ? { format: o.format } : {}),
            ...(o.delimiter !== undefined ? { delimiter: o.delimiter } : {}),
            ...(o.header === false ? { header: false } : {}),
            ...(o.replace ? { replace: true } : {}),
            ...(bar ? { onProgress: (p: ImportProgress) => bar.update(p) } : {}),
          }),
        );
        bar?.done();
        ctx.out(o.json ? json(entry) : `Imported ${summary(entry)}`);
      } catch (err) {
        bar?.done();
        printError(ctx, "data import", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  data
    .command("ls")
    .description("list the datasets")
    .addOption(catalogOption())
    .option("--json", "print the entries as JSON")
    .action(async (o: CommonOptions) => {
      try {
        const entries = await withCatalog(o.catalog, (c) => c.list());
        if (o.json) ctx.out(json(entries));
        else if (entries.length === 0) ctx.out("The catalog is empty. Add a file with: omq data import FILE\n");
        else {
          ctx.out(
            formatTable(
              ["name", "rows", "cols", "time range", "size", "imported", "source"],
              entries.map((e) => [e.name, e.rows.toLocaleString("en-US"), String(e.columns.length), timeRange(e), bytes(e.parquetBytes), e.importedAt.toISOString().slice(0, 19).replace("T", " "), e.source]),
            ),
          );
        }
      } catch (err) {
        printError(ctx, "data ls", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  data
    .command("show")
    .description("a dataset's metadata, columns and first rows")
    .argument("<name>", "dataset name")
    .addOption(catalogOption())
    .option("--head <n>", "rows to print (default 5)", parsePositiveInt)
    .option("--json", "print the entry as JSON")
    .action(async (name: string, o: CommonOptions & { head?: number }) => {
      try {
        await withCatalog(o.catalog, async (c) => {
          const e = await c.get(name);
          if (o.json) {
            ctx.out(json(e));
            return;
          }
          const head = await c.query(`SELECT * FROM "${name}" LIMIT ${o.head ?? 5}`);
          ctx.out(summary(e));
          const lines: [string, string][] = [
            ["parquet", e.path],
            ["source", e.source],
            ["sha256", e.sourceSha256],
            ["imported", e.importedAt.toISOString()],
            ...Object.entries(e.meta).map(([k, v]): [string, string] => [`meta ${k}`, v]),
          ];
          for (const [k, v] of lines) ctx.out(`  ${k.padEnd(10)} ${v}\n`);
          ctx.out(`\n${formatTable(["column", "type"], e.columns.map((col) => [col.name, col.type]))}\n`);
          const names = head.columnNames();
          const rows: string[][] = [];
          for (let r = 0; r < head.numRows(); r++) rows.push(names.map((n) => cell(head.get(n, r))));
          ctx.out(formatTable(names, rows));
        });
      } catch (err) {
        printError(ctx, "data show", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  data
    .command("rm")
    .description("remove a dataset and its Parquet file")
    .argument("<name>", "dataset name")
    .addOption(catalogOption())
    .action(async (name: string, o: CommonOptions) => {
      try {
        const e = await withCatalog(o.catalog, (c) => c.remove(name));
        ctx.out(`Removed ${e.name} (${e.rows.toLocaleString("en-US")} rows, ${e.path}).\n`);
      } catch (err) {
        printError(ctx, "data rm", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  data
    .command("query")
    .description("run SQL over the datasets (each is a view named after it) and print the result")
    .argument("<sql>", 'e.g. "SELECT date, AAPL FROM stock_prices ORDER BY date DESC LIMIT 5"')
    .addOption(catalogOption())
    .option("--max-rows <n>", "rows to print at most (default 50)", parsePositiveInt)
    .option("--json", "print the rows as JSON records")
    .action(async (sql: string, o: CommonOptions & { maxRows?: number }) => {
      try {
        await withCatalog(o.catalog, async (c) => {
          const t = await c.query(sql);
          const { toRecords } = await import("../../lib/data/records.js");
          if (o.json) {
            ctx.out(json(toRecords(t)));
            return;
          }
          const names = t.columnNames();
          const max = o.maxRows ?? 50;
          const rows: string[][] = [];
          for (let r = 0; r < Math.min(t.numRows(), max); r++) rows.push(names.map((n) => cell(t.get(n, r))));
          ctx.out(formatTable(names, rows));
          if (t.numRows() > max) ctx.out(`(${t.numRows().toLocaleString("en-US")} rows, ${max} shown; --max-rows to see more)\n`);
        });
      } catch (err) {
        printError(ctx, "data query", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });
}
