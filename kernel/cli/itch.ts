// `omq itch convert FILE --to parquet DIR [--symbols AAPL,MSFT] [--levels N]`: NASDAQ TotalView-ITCH 5.0 (plain
// or gzip) to Parquet tables (stocks, orders, trades, bbo, l2) through DuckDB, with a progress bar on stderr.
import type { Command } from "commander";
import { Option } from "commander";
import { resolve } from "node:path";
import { ItchStreamError, itchToParquet, type ItchProgress, type ItchToParquetResult, type TableName } from "../../lib/itch/index.js";
import { contextError } from "../../lib/util/errors.js";
import { defaultContext, EXIT_FAILED, EXIT_USAGE, formatTable, printError, type CliContext } from "./common.js";

interface ConvertOptions {
  to: string;
  symbols?: string;
  levels?: string;
  tables?: string;
  progress: boolean;
}

const TABLES: readonly TableName[] = ["orders", "trades", "bbo", "l2"];

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A one-line progress bar: bytes done of the file's size and messages per second, redrawn at most ten times a
 * second on a TTY; elsewhere one line every 10 seconds.
 */
export function itchProgressBar(stream: Stream = process.stderr, now: () => number = () => performance.now()) {
  const tty = stream.isTTY === true;
  const start = now();
  let last = tty ? -Infinity : start;
  let drawn = false;
  let printed: ItchProgress | undefined;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const line = (p: ItchProgress): string => {
    const s = Math.max((now() - start) / 1000, 1e-9);
    const frac = p.totalBytes > 0 ? Math.min(p.bytesRead / p.totalBytes, 1) : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const rate = p.messages / s;
    const eta = frac > 0 && frac < 1 ? ` eta ${Math.ceil((s / frac) * (1 - frac))}s` : "";
    return `itch [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${mb(p.bytesRead)}/${mb(p.totalBytes)} MB  ${p.messages.toLocaleString("en-US")} msgs  ${(rate / 1e6).toFixed(2)}M msg/s${eta}`;
  };
  return {
    update(p: ItchProgress): void {
      const t = now();
      if (t - last < (tty ? 100 : 10_000)) return;
      last = t;
      if (tty) {
        stream.write(`\r\x1b[K${line(p)}`);
        drawn = true;
      } else {
        stream.write(`${line(p)}\n`);
        printed = p;
      }
    },
    done(p: ItchProgress | undefined): void {
      if (p) {
        if (tty) stream.write(`\r\x1b[K${line(p)}\n`);
        else if (printed !== p) stream.write(`${line(p)}\n`);
      } else if (drawn) {
        stream.write("\n");
      }
    },
  };
}

function parseList(value: string, what: string): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw contextError({ what: `${what} is empty`, expected: "a comma-separated list" });
  return items;
}

/** Adds `omq itch convert` to the program. */
export function registerItch(program: Command, ctx: CliContext = defaultContext()): void {
  const itch = program.command("itch").description("NASDAQ TotalView-ITCH 5.0 files: decode, rebuild books, convert");

  itch
    .command("convert")
    .description("rebuild the order books of an ITCH 5.0 file (plain or .gz) and write its tables as Parquet")
    .argument("<file>", "the ITCH 5.0 file (NASDAQ's binary format, plain or gzip)")
    .argument("<dir>", "output directory (created if missing); gets stocks, orders, trades, bbo and l2 .parquet")
    .addOption(new Option("--to <format>", "output format").choices(["parquet"]).makeOptionMandatory())
    .option("--symbols <list>", "only these symbols, comma-separated (e.g. AAPL,MSFT)")
    .option("--levels <n>", "the l2 table follows only the top N levels of each side (default: every level)")
    .option("--tables <list>", `tables to write besides stocks, comma-separated (default: ${TABLES.join(",")})`)
    .option("--no-progress", "no progress bar on stderr")
    .addHelpText(
      "after",
      "\nPrices are Price(4) integers (1e-4 dollars); timestamps are nanoseconds since midnight.\n" +
        "Examples:\n  omq itch convert 01302019.NASDAQ_ITCH50.gz --to parquet out/ --symbols AAPL,MSFT\n  omq itch convert day.itch out/ --to parquet --levels 10",
    )
    .action(async (file: string, dir: string, o: ConvertOptions) => {
      let symbols: string[] | undefined;
      let levels: number | undefined;
      let tables: TableName[] = [...TABLES];
      try {
        if (o.symbols !== undefined) symbols = parseList(o.symbols, "--symbols").map((s) => s.toUpperCase());
        if (o.levels !== undefined) {
          levels = Number(o.levels);
          if (!Number.isInteger(levels) || levels <= 0) throw contextError({ what: `--levels is '${o.levels}'`, expected: "a positive whole number" });
        }
        if (o.tables !== undefined) {
          tables = parseList(o.tables, "--tables") as TableName[];
          const bad = tables.find((t) => !TABLES.includes(t));
          if (bad) throw contextError({ what: `--tables names '${bad}'`, expected: `some of ${TABLES.join(", ")}` });
        }
      } catch (err) {
        printError(ctx, "itch convert", err);
        ctx.exitCode = EXIT_USAGE;
        return;
      }

      const bar = o.progress ? itchProgressBar() : undefined;
      let lastProgress: ItchProgress | undefined;
      const t0 = performance.now();
      let result: ItchToParquetResult | undefined;
      let failure: unknown;
      try {
        result = await itchToParquet(resolve(file), resolve(dir), {
          tables,
          ...(symbols ? { symbols } : {}),
          ...(levels !== undefined ? { levels } : {}),
          onProgress: (p) => {
            lastProgress = p;
            bar?.update(p);
          },
        });
      } catch (err) {
        failure = err;
        if (err instanceof ItchStreamError && err.partial) result = err.partial as ItchToParquetResult;
      }
      bar?.done(lastProgress);

      if (result) {
        const s = (performance.now() - t0) / 1000;
        for (const n of result.notices) ctx.err(`omq itch convert: note: ${n}\n`);
        ctx.out(formatTable(["table", "rows", "file"], result.files.map((f) => [f.table, f.rows.toLocaleString("en-US"), f.path])));
        ctx.out(`${result.counts.messages.toLocaleString("en-US")} messages (${(result.counts.bytes / 1e6).toFixed(1)} MB) in ${s.toFixed(1)} s.\n`);
      }
      if (failure !== undefined) {
        printError(ctx, "itch convert", failure);
        if (failure instanceof ItchStreamError && result) ctx.err("omq itch convert: the tables above hold every message before the error.\n");
        ctx.exitCode = failure instanceof ItchStreamError && failure.kind === "read" && failure.offset === 0 ? EXIT_USAGE : EXIT_FAILED;
      }
    });
}
