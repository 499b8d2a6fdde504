// `omq sweep CONFIG.yaml` runs a parameter sweep (local worker threads, or BullMQ workers with --redis) and
// `omq worker --redis URL` serves sweep jobs from Redis until stopped.
import { extname } from "node:path";
import type { Command } from "commander";
import { sweep, sweepHeatmap, readSweepConfig, startSweepWorker, DEFAULT_QUEUE, type SweepRow } from "../../lib/sweep/index.js";
import { connect } from "../../lib/data/duckdb.js";
import { contextError } from "../../lib/util/errors.js";
import { writeAtomic } from "../runner/write-atomic.js";
import { plotlyLibrarySource } from "../display/plotly-library.js";
import { defaultContext, EXIT_FAILED, EXIT_USAGE, formatTable, parsePositiveInt, printError, type CliContext } from "./common.js";

interface SweepCliOptions {
  redis?: string;
  queue?: string;
  workers?: number;
  output?: string;
  progress: boolean;
  json?: boolean;
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function columnsOf(rows: SweepRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r)))];
}

/** Writes the rows as .csv, .json or .parquet (through DuckDB), atomically. */
async function writeRows(path: string, rows: SweepRow[]): Promise<void> {
  const cols = columnsOf(rows);
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") writeAtomic(path, [cols.join(","), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n");
  else if (ext === ".json") writeAtomic(path, JSON.stringify(rows, null, 1) + "\n");
  else if (ext === ".parquet") {
    const tmpJson = `${path}.${process.pid}.json`;
    writeAtomic(tmpJson, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const db = await connect();
    try {
      const tmp = `${path}.${process.pid}.tmp.parquet`;
      await db.query(`COPY (SELECT * FROM read_json_auto('${tmpJson.replaceAll("'", "''")}')) TO '${tmp.replaceAll("'", "''")}' (FORMAT parquet)`);
      const { renameSync, unlinkSync } = await import("node:fs");
      renameSync(tmp, path);
      unlinkSync(tmpJson);
    } finally {
      db.close();
    }
  } else throw contextError({ where: path, what: "unknown output format", expected: ".csv, .json or .parquet", found: ext || "no extension" });
}

function heatmapHtml(figure: ReturnType<typeof sweepHeatmap>, title: string): string {
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const json = JSON.stringify(figure).replace(/</g, "\\u003c");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><script>${plotlyLibrarySource()}</script></head><body><div id="plot" style="width:100%;height:90vh"></div><script>const f=${json};Plotly.newPlot("plot",f.data,f.layout,{responsive:true});</script></body></html>\n`;
}

export function registerSweep(program: Command, ctx: CliContext = defaultContext()): void {
  program
    .command("sweep")
    .description("run a parameter sweep described by a YAML file (grid or random search)")
    .argument("<config>", "the sweep's YAML file (target, space, mode, output, heatmap...)")
    .option("--redis <url>", "distribute over BullMQ workers at this Redis URL (start them with omq worker)")
    .option("--queue <name>", `BullMQ queue name (default ${DEFAULT_QUEUE})`)
    .option("--workers <n>", "local worker threads (default: the config's, else all cores)", parsePositiveInt)
    .option("--output <file>", "write the results (.csv, .json or .parquet); overrides the config")
    .option("--json", "print the results as JSON lines instead of a table")
    .option("--no-progress", "no progress line on stderr")
    .addHelpText("after", "\nExample:\n  omq sweep sweeps/ma-crossover.yaml --output results.csv\n  omq worker --redis redis://127.0.0.1:6379 &  omq sweep cfg.yaml --redis redis://127.0.0.1:6379")
    .action(async (file: string, o: SweepCliOptions) => {
      let cfg;
      try {
        cfg = readSweepConfig(file);
      } catch (err) {
        printError(ctx, "sweep", err);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const tty = process.stderr.isTTY === true;
      let last = 0;
      try {
        const res = await sweep(cfg.target, {
          space: cfg.space,
          mode: cfg.mode,
          ...(cfg.samples !== undefined ? { samples: cfg.samples } : {}),
          ...(cfg.seed !== undefined ? { seed: cfg.seed } : {}),
          fixed: cfg.fixed,
          baseDir: cfg.baseDir,
          ...(o.redis ? { redis: o.redis } : {}),
          ...(o.queue ? { queue: o.queue } : {}),
          ...((o.workers ?? cfg.workers) !== undefined ? { workers: o.workers ?? cfg.workers } : {}),
          onProgress: (done, total) => {
            if (!o.progress) return;
            const now = performance.now();
            if (done !== total && now - last < 100) return;
            last = now;
            const line = `sweep ${done}/${total} parameter sets`;
            if (tty) process.stderr.write(`\r\x1b[K${line}${done === total ? "\n" : ""}`);
            else if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) process.stderr.write(`${line}\n`);
          },
        });
        const output = o.output ?? cfg.output;
        if (output) await writeRows(output, res.rows);
        if (cfg.heatmap?.output) writeAtomic(cfg.heatmap.output, heatmapHtml(sweepHeatmap(res.rows, cfg.heatmap), `sweep ${cfg.file}`));
        if (o.json) for (const r of res.rows) ctx.out(`${JSON.stringify(r)}\n`);
        else {
          const cols = columnsOf(res.rows);
          const fmt = (v: unknown): string => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : v === undefined || v === null ? "" : String(v));
          ctx.out(formatTable(cols, res.rows.map((r) => cols.map((c) => fmt(r[c])))));
          ctx.out(`${res.rows.length} parameter sets in ${(res.elapsedMs / 1000).toFixed(2)} s${res.failed ? `, ${res.failed} failed` : ""}${output ? `; results in ${output}` : ""}.\n`);
          if (cfg.best) {
            const b = res.best(cfg.best.metric, cfg.best.direction);
            if (b) ctx.out(`best by ${cfg.best.metric} (${cfg.best.direction}): ${JSON.stringify(b)}\n`);
          }
        }
        if (res.failed > 0) {
          const first = res.rows.find((r) => r.error !== undefined)!;
          ctx.err(`omq sweep: ${res.failed} parameter set(s) failed; first: ${first.error}\n`);
          ctx.exitCode = EXIT_FAILED;
        }
      } catch (err) {
        printError(ctx, "sweep", err);
        ctx.exitCode = EXIT_FAILED;
      }
    });

  program
    .command("worker")
    .description("evaluate sweep jobs from a BullMQ queue in Redis until stopped (SIGINT/SIGTERM)")
    .requiredOption("--redis <url>", "the Redis URL, e.g. redis://127.0.0.1:6379")
    .option("--queue <name>", `BullMQ queue name (default ${DEFAULT_QUEUE})`)
    .option("--concurrency <n>", "jobs evaluated at once (default 1)", parsePositiveInt)
    .action(async (o: { redis: string; queue?: string; concurrency?: number }) => {
      let count = 0;
      const w = startSweepWorker({ redis: o.redis, ...(o.queue ? { queue: o.queue } : {}), ...(o.concurrency ? { concurrency: o.concurrency } : {}), onJob: () => count++ });
      await w.ready;
      ctx.err(`omq worker: serving queue ${o.queue ?? DEFAULT_QUEUE} at ${o.redis} (pid ${process.pid})\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await w.close();
      ctx.err(`omq worker: stopped after ${count} jobs\n`);
    });
}
