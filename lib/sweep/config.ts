/**
 * The YAML file `omq sweep CONFIG.yaml` reads. Unknown keys are rejected; paths are relative to the file.
 *
 *   target: { module: ./ma-crossover.js, export: evaluate }   # or a package export: omniquant/strategies
 *   mode: grid                  # grid | random
 *   samples: 50                 # random only
 *   seed: 1                     # random only
 *   space:
 *     fast: [5, 10, 20]
 *     slow: { min: 50, max: 200, steps: 4, int: true }
 *   fixed: { symbol: GOOG }     # passed to every evaluation
 *   workers: 2                  # local threads (default: all cores)
 *   output: results.csv         # .csv, .json or .parquet
 *   heatmap: { x: fast, y: slow, z: sharpe, output: heatmap.html }
 *   best: { metric: sharpe, direction: max }
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { checkKeys, contextError } from "../util/errors.js";
import type { ParamDomain, ParamSet, ParamSpace } from "./space.js";
import type { SweepTarget } from "./target.js";

export interface SweepConfig {
  file: string;
  baseDir: string;
  target: SweepTarget;
  mode: "grid" | "random";
  samples?: number;
  seed?: number;
  space: ParamSpace;
  fixed: ParamSet;
  workers?: number;
  output?: string;
  heatmap?: { x: string; y: string; z: string; output?: string };
  best?: { metric: string; direction: "max" | "min" };
}

const TOP = ["target", "mode", "samples", "seed", "space", "fixed", "workers", "output", "heatmap", "best"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function onlyKeys(where: string, v: Record<string, unknown>, allowed: string[]): void {
  checkKeys(v, allowed, where, "");
}

function str(where: string, v: unknown): string {
  if (typeof v !== "string" || v.length === 0) throw contextError({ where, what: "the value is wrong", expected: "a non-empty string", found: JSON.stringify(v) });
  return v;
}

function posInt(where: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0) throw contextError({ where, what: "the value is wrong", expected: "a whole number >= 0", found: JSON.stringify(v) });
  return v as number;
}

function domain(where: string, v: unknown): ParamDomain {
  if (Array.isArray(v)) {
    if (v.length === 0 || !v.every((x) => ["number", "string", "boolean"].includes(typeof x))) {
      throw contextError({ where, what: "the value list is wrong", expected: "a non-empty list of numbers, strings or booleans", found: JSON.stringify(v) });
    }
    return v as ParamDomain;
  }
  if (isRecord(v)) {
    onlyKeys(where, v, ["min", "max", "steps", "log", "int"]);
    if (typeof v["min"] !== "number" || typeof v["max"] !== "number") throw contextError({ where, what: "a range needs numeric min and max", found: JSON.stringify(v) });
    return v as unknown as ParamDomain;
  }
  throw contextError({ where, what: "the parameter domain is wrong", expected: "a list of values or { min, max, steps }", found: JSON.stringify(v) });
}

/** Reads and validates a sweep config file. */
export function readSweepConfig(file: string): SweepConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw contextError({ where: path, what: "cannot read the sweep config", cause, hint: (cause as Error).message });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0];
    throw contextError({ where: line ? `${path} line ${line.line} column ${line.col}` : path, what: "the YAML is invalid", found: e.message.split("\n")[0] });
  }
  const raw: unknown = doc.toJS();
  if (!isRecord(raw)) throw contextError({ where: path, what: "the config is not a mapping", expected: "keys such as target, space" });
  onlyKeys(path, raw, TOP);
  const t = raw["target"];
  let target: SweepTarget;
  if (typeof t === "string") target = { module: t };
  else if (isRecord(t)) {
    onlyKeys(`${path} target`, t, ["module", "export"]);
    target = { module: str(`${path} target.module`, t["module"]), ...(t["export"] !== undefined ? { export: str(`${path} target.export`, t["export"]) } : {}) };
  } else throw contextError({ where: `${path} target`, what: "the target is missing", expected: "{ module, export }" });
  const mode = raw["mode"] ?? "grid";
  if (mode !== "grid" && mode !== "random") throw contextError({ where: `${path} mode`, what: "unknown mode", expected: "grid or random", found: JSON.stringify(mode) });
  const sp = raw["space"];
  if (!isRecord(sp) || Object.keys(sp).length === 0) throw contextError({ where: `${path} space`, what: "the parameter space is missing or empty" });
  const space: ParamSpace = {};
  for (const [k, v] of Object.entries(sp)) space[k] = domain(`${path} space.${k}`, v);
  const fixed = raw["fixed"] ?? {};
  if (!isRecord(fixed)) throw contextError({ where: `${path} fixed`, what: "fixed must be a mapping of values" });
  const cfg: SweepConfig = { file: path, baseDir: dirname(path), target, mode, space, fixed: fixed as ParamSet };
  if (raw["samples"] !== undefined) cfg.samples = posInt(`${path} samples`, raw["samples"]);
  if (raw["seed"] !== undefined) cfg.seed = posInt(`${path} seed`, raw["seed"]);
  if (raw["workers"] !== undefined) cfg.workers = posInt(`${path} workers`, raw["workers"]);
  if (raw["output"] !== undefined) cfg.output = resolve(cfg.baseDir, str(`${path} output`, raw["output"]));
  const h = raw["heatmap"];
  if (h !== undefined) {
    if (!isRecord(h)) throw contextError({ where: `${path} heatmap`, what: "heatmap must be a mapping", expected: "{ x, y, z }" });
    onlyKeys(`${path} heatmap`, h, ["x", "y", "z", "output"]);
    cfg.heatmap = { x: str(`${path} heatmap.x`, h["x"]), y: str(`${path} heatmap.y`, h["y"]), z: str(`${path} heatmap.z`, h["z"]) };
    if (h["output"] !== undefined) cfg.heatmap.output = resolve(cfg.baseDir, str(`${path} heatmap.output`, h["output"]));
  }
  const b = raw["best"];
  if (b !== undefined) {
    if (!isRecord(b)) throw contextError({ where: `${path} best`, what: "best must be a mapping", expected: "{ metric, direction }" });
    onlyKeys(`${path} best`, b, ["metric", "direction"]);
    const direction = b["direction"] ?? "max";
    if (direction !== "max" && direction !== "min") throw contextError({ where: `${path} best.direction`, what: "unknown direction", expected: "max or min", found: JSON.stringify(direction) });
    cfg.best = { metric: str(`${path} best.metric`, b["metric"]), direction };
  }
  return cfg;
}
