/** Input checking shared by the feature functions: series to Float64Array, windows, option objects. */
import { contextError } from "../util/errors.js";

/** A numeric series: a Float64Array is used as is (not copied), anything else is copied into one. */
export type Series = Float64Array | ArrayLike<number>;

/** The series as a Float64Array (the same object when it already is one). */
export function toF64(x: Series, where: string, name = "values"): Float64Array {
  if (x instanceof Float64Array) return x;
  if (x === null || typeof x !== "object" || typeof (x as ArrayLike<number>).length !== "number") {
    throw contextError({ where, what: `${name} must be an array of numbers`, found: x === null ? "null" : typeof x });
  }
  return Float64Array.from(x as ArrayLike<number>);
}

/**
 * Checks a caller-provided output array (`opts.out`): a Float64Array with the length of `values` that shares no
 * memory with it (the kernels read values behind the one they write, so writing in place would corrupt them).
 * Returns it, or undefined when none was given.
 */
export function checkOut(out: unknown, values: Float64Array, where: string): Float64Array | undefined {
  if (out === undefined) return undefined;
  if (!(out instanceof Float64Array)) {
    const found = out === null ? "null" : typeof out === "object" ? (out as object).constructor?.name ?? "an object" : typeof out;
    throw contextError({ where, what: "options.out must be a Float64Array", found });
  }
  if (out.length !== values.length) {
    throw contextError({ where, what: "options.out has the wrong length", expected: `${values.length} (the length of values)`, found: String(out.length) });
  }
  if (out.buffer === values.buffer && out.length > 0) {
    const a = out.byteOffset;
    const b = values.byteOffset;
    if (a < b + values.byteLength && b < a + out.byteLength) {
      throw contextError({ where, what: "options.out shares memory with values", expected: "a separate array", hint: "Computing in place is not supported" });
    }
  }
  return out;
}

/** Checks that every series has the length of the first; returns that length. */
export function sameLength(where: string, series: Record<string, ArrayLike<number>>): number {
  const entries = Object.entries(series);
  const [firstName, first] = entries[0]!;
  for (const [name, s] of entries.slice(1)) {
    if (s.length !== first.length) {
      throw contextError({
        where,
        what: `${name} has length ${s.length}`,
        expected: `the length of ${firstName} (${first.length})`,
      });
    }
  }
  return first.length;
}

/** Checks an integer parameter >= min (windows, lags, periods). */
export function checkInt(value: unknown, where: string, name: string, min = 1): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw contextError({ where, what: `${name} must be an integer >= ${min}`, found: String(value) });
  }
  return value;
}

/** Checks a finite number parameter, optionally within [min, max]. */
export function checkNumber(value: unknown, where: string, name: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity ? "a finite number" : `a number in [${min}, ${max}]`;
    throw contextError({ where, what: `${name} must be ${range}`, found: String(value) });
  }
  return value;
}


/** A Float64Array of n NaNs. */
export function nans(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}
