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

/** The options check shared by the whole library (lib/util/errors.ts). */
export { checkKeys } from "../util/errors.js";
