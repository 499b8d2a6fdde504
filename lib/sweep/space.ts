/**
 * Parameter spaces for sweeps: a grid (the cartesian product of value lists, first key varying slowest, as
 * scikit-learn's ParameterGrid does for sorted keys — here keys keep the order they were written in) and random
 * search (independent draws per parameter from a seeded mulberry32 stream, so the same seed gives the same
 * parameter sets on every machine).
 */
import { contextError } from "../util/errors.js";
import { mulberry32 } from "../util/prng.js";

export type ParamValue = number | string | boolean;
export type ParamSet = Record<string, ParamValue>;

/**
 * One parameter's domain:
 * - a list of values (grid and random: random picks uniformly among them);
 * - `{ min, max, steps }` (grid: `steps` evenly spaced values including both ends; random: uniform on [min, max]);
 * - `{ min, max, log: true }` (log-uniform; grid: geometric spacing);
 * - `int: true` rounds to whole numbers (duplicates removed in a grid).
 */
export type ParamDomain = readonly ParamValue[] | { min: number; max: number; steps?: number; log?: boolean; int?: boolean };
export type ParamSpace = Record<string, ParamDomain>;

function checkRange(name: string, d: { min: number; max: number; log?: boolean }): void {
  if (!Number.isFinite(d.min) || !Number.isFinite(d.max) || d.max < d.min) {
    throw contextError({ where: `parameter '${name}'`, what: "the range is invalid", expected: "finite min <= max", found: `min ${d.min}, max ${d.max}` });
  }
  if (d.log && !(d.min > 0)) throw contextError({ where: `parameter '${name}'`, what: "a log range needs min > 0", found: `min ${d.min}` });
}

/** The values a grid takes for one parameter. */
export function gridValues(name: string, d: ParamDomain): ParamValue[] {
  if (Array.isArray(d)) {
    if (d.length === 0) throw contextError({ where: `parameter '${name}'`, what: "the value list is empty" });
    return [...d];
  }
  const r = d as { min: number; max: number; steps?: number; log?: boolean; int?: boolean };
  checkRange(name, r);
  const steps = r.steps ?? (r.int ? r.max - r.min + 1 : undefined);
  if (steps === undefined || !Number.isInteger(steps) || steps < 1) {
    throw contextError({ where: `parameter '${name}'`, what: "a grid over a range needs 'steps'", expected: "a whole number >= 1", found: String(r.steps) });
  }
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    const t = steps === 1 ? 0 : k / (steps - 1);
    let v = r.log ? Math.exp(Math.log(r.min) + t * (Math.log(r.max) - Math.log(r.min))) : r.min + t * (r.max - r.min);
    if (r.int) v = Math.round(v);
    if (!r.int || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** Every combination of the space's values; the first parameter varies slowest. */
export function grid(space: ParamSpace): ParamSet[] {
  const names = Object.keys(space);
  const values = names.map((n) => gridValues(n, space[n]!));
  let sets: ParamSet[] = [{}];
  for (let i = 0; i < names.length; i++) {
    const next: ParamSet[] = [];
    for (const s of sets) for (const v of values[i]!) next.push({ ...s, [names[i]!]: v });
    sets = next;
  }
  return names.length === 0 ? [] : sets;
}

/** `samples` independent draws from the space with a seeded PRNG. */
export function randomSearch(space: ParamSpace, opts: { samples: number; seed?: number }): ParamSet[] {
  if (!Number.isInteger(opts.samples) || opts.samples < 1) {
    throw contextError({ where: "randomSearch", what: "samples must be a whole number >= 1", found: String(opts.samples) });
  }
  const rand = mulberry32(opts.seed ?? 1);
  const names = Object.keys(space);
  for (const n of names) {
    const d = space[n]!;
    if (Array.isArray(d)) gridValues(n, d);
    else checkRange(n, d as { min: number; max: number });
  }
  const out: ParamSet[] = [];
  for (let s = 0; s < opts.samples; s++) {
    const p: ParamSet = {};
    for (const n of names) {
      const d = space[n]!;
      const u = rand();
      if (Array.isArray(d)) {
        p[n] = d[Math.min(d.length - 1, Math.floor(u * d.length))]!;
      } else {
        const r = d as { min: number; max: number; log?: boolean; int?: boolean };
        let v = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
        if (r.int) v = Math.min(r.max, Math.max(r.min, Math.round(v)));
        p[n] = v;
      }
    }
    out.push(p);
  }
  return out;
}
