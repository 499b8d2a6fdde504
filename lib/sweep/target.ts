/**
 * What a sweep evaluates: an exported function of a module, `(params) => metrics` (sync or async). Worker threads
 * and remote workers import the module themselves, so the target is named by module and export, never passed as a
 * closure. Metrics are a flat record of numbers (or strings/booleans); they become the result table's columns.
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { contextError } from "../util/errors.js";
import type { ParamSet, ParamValue } from "./space.js";

export type Metrics = Record<string, ParamValue | null>;
export type SweepFunction = (params: ParamSet) => Metrics | Promise<Metrics>;

export interface SweepTarget {
  /** A module specifier: a package export such as `omniquant/strategies`, or a path to a .js/.mjs file. */
  module: string;
  /** The exported function's name (default `default`). */
  export?: string;
}

/** Turns relative file paths into absolute file URLs (relative to `baseDir`); package specifiers pass through. */
export function resolveTarget(target: SweepTarget, baseDir: string = process.cwd()): Required<SweepTarget> {
  const m = target.module;
  if (typeof m !== "string" || m.length === 0) throw contextError({ what: "the sweep target has no module", expected: "a module path or package specifier" });
  const isPath = m.startsWith(".") || isAbsolute(m);
  return { module: isPath ? pathToFileURL(isAbsolute(m) ? m : resolve(baseDir, m)).href : m, export: target.export ?? "default" };
}

const cache = new Map<string, SweepFunction>();

/** Imports the target (once per process/thread) and returns its function. */
export async function loadTarget(target: Required<SweepTarget>): Promise<SweepFunction> {
  const key = `${target.module}#${target.export}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target.module)) as Record<string, unknown>;
  } catch (cause) {
    throw contextError({ what: `cannot import the sweep module '${target.module}'`, cause, hint: (cause as Error)?.message });
  }
  const fn = mod[target.export];
  if (typeof fn !== "function") {
    throw contextError({ where: target.module, what: `export '${target.export}' is not a function`, found: fn === undefined ? "no such export" : typeof fn });
  }
  cache.set(key, fn as SweepFunction);
  return fn as SweepFunction;
}

/** Runs one parameter set and checks that the result is a flat metrics record. */
export async function evaluate(fn: SweepFunction, params: ParamSet, where: string): Promise<Metrics> {
  const out = await fn(params);
  if (out === null || typeof out !== "object" || Array.isArray(out)) {
    throw contextError({ where, what: "the sweep function returned no metrics record", expected: "an object of numbers/strings", found: out === null ? "null" : typeof out });
  }
  const clean: Metrics = {};
  for (const [k, v] of Object.entries(out)) {
    if (v === null || v === undefined) clean[k] = null;
    else if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") clean[k] = v;
    else if (typeof v === "bigint") clean[k] = Number(v);
    else throw contextError({ where, what: `metric '${k}' is not a scalar`, expected: "a number, string or boolean", found: typeof v });
  }
  return clean;
}
