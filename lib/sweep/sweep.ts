/**
 * Parameter sweeps: evaluate a function over a grid or a random sample of parameter sets, in this thread, on a
 * local worker-thread pool, or across BullMQ workers (`redis`). Every path returns the same rows in the same
 * order (parameter-set order), so a distributed sweep can be checked against a local one.
 *
 *   const res = await sweep({ module: "omniquant/strategies", export: "momentumSweepTarget" },
 *                           { space: { lookback: [10, 20, 40], entryZ: { min: 0.5, max: 2, steps: 4 } } });
 *   display.table(res.table()); display.plot(sweepHeatmap(res.rows, { x: "lookback", y: "entryZ", z: "sharpe" }));
 */
import { from, type ColumnTable } from "arquero";
import { contextError } from "../util/errors.js";
import { grid, randomSearch, type ParamSet, type ParamSpace, type ParamValue } from "./space.js";
import { evaluate, resolveTarget, type Metrics, type SweepFunction, type SweepTarget } from "./target.js";
import { runOnLocalPool } from "./local-pool.js";
import { runDistributed } from "./distributed.js";
import type { PoolJob, PoolReply } from "./pool-worker.js";

export interface SweepOptions {
  /** The space to search; or give `paramSets` explicitly. */
  space?: ParamSpace;
  paramSets?: ParamSet[];
  /** `grid` (default) or `random` (then `samples`, `seed`). */
  mode?: "grid" | "random";
  samples?: number;
  seed?: number;
  /** Parameters passed unchanged to every evaluation (not columns of the result). */
  fixed?: ParamSet;
  /** Local worker threads; 0 runs in this thread (the only choice for a plain function). Default: all cores. */
  workers?: number;
  /** Distribute over BullMQ workers at this Redis URL instead of local threads. */
  redis?: string;
  queue?: string;
  /** Distributed only: fail when no result arrives for this long (default 10 minutes). */
  idleTimeoutMs?: number;
  /** Relative module paths are resolved against this directory (default: cwd). */
  baseDir?: string;
  /** Called after each finished parameter set. */
  onProgress?: (done: number, total: number) => void;
}

export type SweepRow = ParamSet & Metrics & { error?: string };

export interface SweepResult {
  /** One row per parameter set, in parameter-set order: parameters, then metrics (or `error`). */
  rows: SweepRow[];
  paramNames: string[];
  /** Number of parameter sets that threw. */
  failed: number;
  /** Wall time of the sweep (ms). */
  elapsedMs: number;
  table(): ColumnTable;
  /** The row with the highest (or lowest) value of `metric` among the successful ones. */
  best(metric: string, direction?: "max" | "min"): SweepRow | undefined;
}

function parameterSets(opts: SweepOptions): ParamSet[] {
  if (opts.paramSets) return opts.paramSets;
  if (!opts.space) throw contextError({ where: "sweep", what: "nothing to sweep", expected: "options.space or options.paramSets" });
  if ((opts.mode ?? "grid") === "random") return randomSearch(opts.space, { samples: opts.samples ?? 20, seed: opts.seed ?? 1 });
  if (opts.mode !== undefined && opts.mode !== "grid") throw contextError({ where: "sweep", what: "unknown mode", expected: "grid or random", found: String(opts.mode) });
  return grid(opts.space);
}

/** Runs a sweep; see the module comment. */
export async function sweep(target: SweepTarget | SweepFunction, opts: SweepOptions): Promise<SweepResult> {
  const sets = parameterSets(opts);
  const t0 = performance.now();
  const fixed = opts.fixed ?? {};
  const total = sets.length;
  let replies: PoolReply[];
  const progress = (_r: PoolReply, done: number): void => opts.onProgress?.(done, total);
  if (typeof target === "function") {
    if (opts.redis || (opts.workers ?? 0) > 0) {
      throw contextError({ where: "sweep", what: "a plain function can only run in this thread", hint: "Export it from a module and pass { module, export } to use worker threads or Redis" });
    }
    replies = [];
    for (let i = 0; i < total; i++) {
      const s = performance.now();
      try {
        const metrics = await evaluate(target, { ...fixed, ...sets[i]! }, `parameter set ${i} ${JSON.stringify(sets[i])}`);
        replies.push({ index: i, ok: true, metrics, ms: performance.now() - s });
      } catch (err) {
        replies.push({ index: i, ok: false, error: err instanceof Error ? err.message : String(err), ms: performance.now() - s });
      }
      progress(replies[i]!, i + 1);
    }
  } else {
    const resolved = resolveTarget(target, opts.baseDir);
    const jobs: PoolJob[] = sets.map((params, index) => ({ index, target: resolved, params: { ...fixed, ...params } }));
    if (opts.redis) replies = await runDistributed(jobs, { redis: opts.redis, queue: opts.queue, onResult: progress, idleTimeoutMs: opts.idleTimeoutMs });
    else if (opts.workers === 0) {
      const { loadTarget } = await import("./target.js");
      const fn = await loadTarget(resolved);
      return sweep(fn, { ...opts, paramSets: sets });
    } else replies = await runOnLocalPool(jobs, { workers: opts.workers, onResult: progress });
  }
  return makeResult(sets, replies, performance.now() - t0);
}

function makeResult(sets: ParamSet[], replies: PoolReply[], elapsedMs: number): SweepResult {
  const paramNames = [...new Set(sets.flatMap((s) => Object.keys(s)))];
  const rows: SweepRow[] = sets.map((params, i) => {
    const r = replies[i]!;
    return r.ok ? ({ ...params, ...r.metrics } as SweepRow) : ({ ...params, error: r.error } as SweepRow);
  });
  return {
    rows,
    paramNames,
    failed: replies.filter((r) => !r.ok).length,
    elapsedMs,
    table: () => from(rows.map((r) => ({ ...r }))),
    best(metric, direction = "max") {
      let best: SweepRow | undefined;
      for (const r of rows) {
        const v = r[metric];
        if (r.error !== undefined || typeof v !== "number" || Number.isNaN(v)) continue;
        const b = best?.[metric] as number | undefined;
        if (b === undefined || (direction === "max" ? v > b : v < b)) best = r;
      }
      return best;
    },
  };
}

/** A plain Plotly figure, as `display.plot` takes it. */
export interface HeatmapFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/**
 * A heatmap of metric `z` over parameters `x` and `y`. When other parameters vary too, each cell shows the
 * `aggregate` (default max) of `z` over them; failed or non-numeric cells are empty.
 */
export function sweepHeatmap(rows: readonly SweepRow[], opts: { x: string; y: string; z: string; aggregate?: "max" | "min" | "mean"; title?: string }): HeatmapFigure {
  const agg = opts.aggregate ?? "max";
  const sortVals = (vals: ParamValue[]): ParamValue[] => [...new Set(vals)].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))));
  const xs = sortVals(rows.map((r) => r[opts.x] as ParamValue));
  const ys = sortVals(rows.map((r) => r[opts.y] as ParamValue));
  const cells = new Map<string, number[]>();
  for (const r of rows) {
    const v = r[opts.z];
    if (r.error !== undefined || typeof v !== "number" || !Number.isFinite(v)) continue;
    const k = `${String(r[opts.x])}\u0000${String(r[opts.y])}`;
    (cells.get(k) ?? cells.set(k, []).get(k)!).push(v);
  }
  const z = ys.map((y) =>
    xs.map((x) => {
      const v = cells.get(`${String(x)}\u0000${String(y)}`);
      if (!v || v.length === 0) return null;
      if (agg === "mean") return v.reduce((a, b) => a + b, 0) / v.length;
      return agg === "max" ? Math.max(...v) : Math.min(...v);
    }),
  );
  return {
    data: [{ type: "heatmap", x: xs.map(String), y: ys.map(String), z, colorscale: "Viridis", colorbar: { title: { text: opts.z } }, hovertemplate: `${opts.x}=%{x}<br>${opts.y}=%{y}<br>${opts.z}=%{z}<extra></extra>` }],
    layout: { title: { text: opts.title ?? `${opts.z} by ${opts.x} and ${opts.y}` }, xaxis: { title: { text: opts.x }, type: "category" }, yaxis: { title: { text: opts.y }, type: "category" } },
  };
}
