import { inspect } from "node:util";

/** How any value reads in `text/plain`: like the Node REPL shows it (strings quoted), without colours. */
export function plainText(value: unknown): string {
  return inspect(value, {
    colors: false,
    depth: 4,
    maxArrayLength: 100,
    maxStringLength: 10_000,
    breakLength: 100,
  });
}

/** A one-line, bounded rendering of a nested value for a table cell. */
export function compactText(value: unknown): string {
  return inspect(value, { colors: false, depth: 2, maxArrayLength: 20, maxStringLength: 200, breakLength: Infinity });
}
