import type { MimeBundle } from "./sink.js";

/**
 * Our display protocol: an object with a `[displaySymbol]()` method returning a MIME bundle is shown with that
 * bundle. `Symbol.for` makes it work across copies of this module (and without importing it):
 *
 *   class Signal { [Symbol.for("omniquant.display")]() { return { "text/html": "<b>long</b>" }; } }
 */
export const displaySymbol: unique symbol = Symbol.for("omniquant.display");

export interface Displayable {
  [displaySymbol](): MimeBundle;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[displaySymbol] === "function"
  );
}
