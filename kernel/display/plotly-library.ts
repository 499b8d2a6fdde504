import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { contextError } from "../../lib/util/errors.js";
import { scriptSafe } from "./html-escape.js";

let cached: string | undefined;

/**
 * plotly.js-dist-min's source, made safe to inline in a `<script>` (see scriptSafe). Read as text once per
 * process: the bundle cannot be `require`d in Node (it touches `window`), and we only ever ship it to a browser.
 */
export function plotlyLibrarySource(): string {
  if (cached === undefined) {
    let path: string;
    try {
      path = createRequire(import.meta.url).resolve("plotly.js-dist-min");
    } catch (cause) {
      throw contextError({
        what: "plotly.js-dist-min is not installed",
        where: "display.plot",
        hint: "Run `npm install` in the OmniQuant checkout; plots are rendered offline from that package",
        cause,
      });
    }
    cached = scriptSafe(readFileSync(path, "utf8"));
  }
  return cached;
}
