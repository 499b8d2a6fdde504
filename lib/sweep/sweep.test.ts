import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../util/package-root.js";
import { grid, gridValues, randomSearch, readSweepConfig, sweep, sweepHeatmap, type ParamSet, type SweepRow } from "./index.js";
import { evaluate } from "./targets/sma-crossover.js";

const root = packageRoot();
const target = { module: join(root, ".build", "lib", "sweep", "targets", "sma-crossover.js"), export: "evaluate" };
const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "omq-sweep-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("parameter spaces", () => {
  it("takes the cartesian product with the first parameter varying slowest", () => {
    expect(grid({ a: [1, 2], b: ["x", "y", "z"] })).toEqual([
      { a: 1, b: "x" }, { a: 1, b: "y" }, { a: 1, b: "z" },
      { a: 2, b: "x" }, { a: 2, b: "y" }, { a: 2, b: "z" },
    ]);
  });

  it("spaces ranges evenly, geometrically with log, and drops duplicate whole numbers", () => {
    expect(gridValues("p", { min: 0, max: 1, steps: 5 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const g = gridValues("p", { min: 1, max: 1000, steps: 4, log: true }) as number[];
    g.forEach((v, i) => expect(v).toBeCloseTo(10 ** i, 9));
    expect(gridValues("p", { min: 1, max: 3, steps: 7, int: true })).toEqual([1, 2, 3]);
    expect(gridValues("p", { min: 2, max: 5, int: true })).toEqual([2, 3, 4, 5]);
  });

  it("grid size is the product of the value counts", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (counts) => {
        const space = Object.fromEntries(counts.map((c, i) => [`p${i}`, Array.from({ length: c }, (_, k) => k)]));
        const g = grid(space);
        expect(g.length).toBe(counts.reduce((a, b) => a * b, 1));
        expect(new Set(g.map((s) => JSON.stringify(s))).size).toBe(g.length);
      }),
    );
  });

  it("random search is reproducible from its seed and stays in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (seed, lo, width) => {
        const space = { x: { min: lo, max: lo + width }, k: { min: 1, max: 10, int: true }, c: ["a", "b"] };
        const a = randomSearch(space, { samples: 20, seed });
        expect(randomSearch(space, { samples: 20, seed })).toEqual(a);
        for (const s of a) {
          expect(s["x"]).toBeGreaterThanOrEqual(lo);
          expect(s["x"]).toBeLessThanOrEqual(lo + width);
          expect(Number.isInteger(s["k"])).toBe(true);
          expect(["a", "b"]).toContain(s["c"]);
        }
      }),
      { numRuns: 50 },
    );
    expect(randomSearch({ x: { min: 0, max: 1 } }, { samples: 5, seed: 1 })).not.toEqual(randomSearch({ x: { min: 0, max: 1 } }, { samples: 5, seed: 2 }));
  });

  it("names the parameter when a domain is wrong", () => {
    expect(() => grid({ window: { min: 10, max: 5, steps: 3 } })).toThrow(/parameter 'window'.*min <= max/);
    expect(() => grid({ window: { min: 1, max: 5 } })).toThrow(/parameter 'window'.*needs 'steps'/);
    expect(() => grid({ window: [] })).toThrow(/parameter 'window'.*empty/);
  });
});

describe("sweep", () => {
  const space = { fast: [5, 10, 20], slow: [50, 100, 200] };

  it("the SMA crossover target agrees with a naive re-implementation", () => {
    const closes = readFileSync(join(root, "datasets", "goog_daily.csv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split(",")[4]));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const smaAt = (w: number, t: number) => (t + 1 < w ? NaN : mean(closes.slice(t + 1 - w, t + 1)));
    let equity = 1;
    let pos = 0;
    for (let t = 1; t < closes.length; t++) {
      equity *= 1 + pos * (closes[t]! / closes[t - 1]! - 1);
      pos = smaAt(10, t) > smaAt(50, t) ? 1 : 0;
    }
    expect(evaluate({ fast: 10, slow: 50 }).totalReturn).toBeCloseTo(equity - 1, 9);
  });

  it("gives the same rows in this thread and on the worker-thread pool", async () => {
    const inThread = await sweep((p: ParamSet) => evaluate(p), { space });
    const pool = await sweep(target, { space, workers: 2 });
    expect(pool.rows).toEqual(inThread.rows);
    expect(pool.rows.map((r) => [r["fast"], r["slow"]])).toEqual(grid(space).map((s) => [s["fast"], s["slow"]]));
    expect(pool.failed).toBe(0);
    const best = pool.best("sharpe")!;
    for (const r of pool.rows) expect(r["sharpe"] as number).toBeLessThanOrEqual(best["sharpe"] as number);
    expect(pool.table().numRows()).toBe(9);
  });

  it("records a failing parameter set with its error and keeps the others", async () => {
    const res = await sweep(target, { paramSets: [{ fast: 10, slow: 50 }, { fast: 50, slow: 10 }], workers: 1 });
    expect(res.failed).toBe(1);
    expect(res.rows[0]!["sharpe"]).toBeTypeOf("number");
    expect(res.rows[1]!.error).toMatch(/fast < slow.*fast 50, slow 10/);
  });

  it("reports progress for every parameter set", async () => {
    const seen: number[] = [];
    await sweep((p: ParamSet) => evaluate(p), { space, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("a plain function cannot go to worker threads", async () => {
    await expect(sweep((p: ParamSet) => evaluate(p), { space, workers: 2 })).rejects.toThrow(/only run in this thread/);
  });

  it("builds a heatmap with one cell per (x, y), aggregating over other parameters", () => {
    const rows: SweepRow[] = [
      { a: 1, b: 1, c: 0, m: 1 }, { a: 1, b: 1, c: 1, m: 3 }, { a: 2, b: 1, c: 0, m: 2 }, { a: 1, b: 2, c: 0, m: 5 }, { a: 2, b: 2, c: 0, m: 0, error: "x" },
    ];
    const fig = sweepHeatmap(rows, { x: "a", y: "b", z: "m" });
    expect(fig.data[0]!["z"]).toEqual([[3, 2], [5, null]]);
    expect(sweepHeatmap(rows, { x: "a", y: "b", z: "m", aggregate: "mean" }).data[0]!["z"]).toEqual([[2, 2], [5, null]]);
  });
});

describe("sweep config and omq sweep", () => {
  it("rejects unknown keys and bad YAML with the file and line", () => {
    const d = temp();
    writeFileSync(join(d, "a.yaml"), "target: x.js\nspace: { a: [1] }\ncolour: blue\n");
    expect(() => readSweepConfig(join(d, "a.yaml"))).toThrow(/a\.yaml: unknown key 'colour'/);
    writeFileSync(join(d, "b.yaml"), "target: x.js\nspace:\n  a: [1, 2\n");
    expect(() => readSweepConfig(join(d, "b.yaml"))).toThrow(/b\.yaml line \d+ column \d+: the YAML is invalid/);
    writeFileSync(join(d, "c.yaml"), "target: x.js\nspace: { a: { min: 1 } }\n");
    expect(() => readSweepConfig(join(d, "c.yaml"))).toThrow(/space\.a: a range needs numeric min and max/);
  });

  it("runs a config end to end and writes results and a heatmap", () => {
    const d = temp();
    writeFileSync(
      join(d, "sweep.yaml"),
      [`target: { module: ${JSON.stringify(target.module)}, export: evaluate }`, "space:", "  fast: [5, 10]", "  slow: { min: 50, max: 150, steps: 3, int: true }", "fixed: { costBps: 5 }", "workers: 2", "output: out/results.csv", "heatmap: { x: fast, y: slow, z: sharpe, output: out/heatmap.html }", "best: { metric: sharpe }", ""].join("\n"),
    );
    const r = spawnSync(process.execPath, [join(root, "kernel", "bin", "omq.js"), "sweep", join(d, "sweep.yaml"), "--no-progress"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/6 parameter sets in/);
    expect(r.stdout).toMatch(/best by sharpe \(max\)/);
    const csv = readFileSync(join(d, "out", "results.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("fast,slow,totalReturn,sharpe,maxDrawdown,trades");
    expect(csv).toHaveLength(7);
    const row = csv[1]!.split(",").map(Number);
    const direct = evaluate({ fast: 5, slow: 50, costBps: 5 });
    expect(row[3]).toBeCloseTo(direct.sharpe, 12);
    const html = readFileSync(join(d, "out", "heatmap.html"), "utf8");
    expect(html).toContain('"type":"heatmap"');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
