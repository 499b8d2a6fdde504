/** Input checks shared by the statistics functions. */
import { contextError } from "../util/errors.js";

/** The values as a Float64Array (the same object when it already is one); throws naming the first non-finite value. */
export function finiteSeries(x: ArrayLike<number>, where: string, name: string): Float64Array {
  if (x === null || typeof x !== "object" || typeof x.length !== "number") {
    throw contextError({ where, what: `${name} must be an array of numbers`, found: x === null ? "null" : typeof x });
  }
  const out = x instanceof Float64Array ? x : Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw contextError({ where, what: `${name}[${i}] is ${out[i]}`, expected: "finite numbers (drop missing values first)" });
  }
  return out;
}

/** Rejects a non-object and unknown option keys, naming the allowed ones. */
export function checkKeys(opts: object, keys: readonly string[], where: string): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw contextError({ where, what: "options must be an object", found: opts === null ? "null" : typeof opts });
  }
  for (const key of Object.keys(opts)) {
    if (!keys.includes(key)) throw contextError({ where, what: `options has an unknown key '${key}'`, expected: `one of ${keys.join(", ")}` });
  }
}
