/** Boundary checks for the option objects of lib/itch: an object with only known keys, each of the right type. */
import { formatContext } from "../util/errors.js";

export function checkOptions<T extends object>(opts: unknown, allowed: readonly string[], where: string): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(formatContext({ where, what: "options must be an object", found: opts === null ? "null" : Array.isArray(opts) ? "an array" : typeof opts }));
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new TypeError(formatContext({ where, what: `options has an unknown key '${key}'`, expected: `only ${allowed.map((k) => `'${k}'`).join(", ")}` }));
    }
  }
  return opts as Partial<T>;
}

export function checkLevels(levels: unknown, where: string): number {
  if (levels === undefined) return 0;
  if (typeof levels !== "number" || !Number.isInteger(levels) || levels < 0) {
    throw new RangeError(formatContext({ where, what: "levels must be a non-negative integer (0 for every level)", found: String(levels) }));
  }
  return levels;
}

export function checkSymbols(symbols: unknown, where: string): string[] | undefined {
  if (symbols === undefined) return undefined;
  if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string" && s.length >= 1 && s.length <= 8 && /^[\x21-\x7e]+$/.test(s))) {
    throw new TypeError(
      formatContext({ where, what: "symbols must be an array of stock symbols", expected: "1 to 8 printable ASCII characters each, e.g. ['AAPL', 'MSFT']", found: JSON.stringify(symbols) }),
    );
  }
  return symbols as string[];
}
