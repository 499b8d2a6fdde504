import { contextError } from "../../lib/util/errors.js";
import { isDisplayable, displaySymbol } from "./display-symbol.js";
import { plainText } from "./plain-text.js";
import { isPlotlyFigure, plotBundle } from "./plot-bundle.js";
import { isPngBytes, pngBundle } from "./png.js";
import type { MimeBundle } from "./sink.js";
import { tableBundle } from "./table-bundle.js";
import { isArqueroTable, isDuckDbResult, isReadableDuckDbResult, isRecordArray } from "./table-source.js";

export interface BundleWithMetadata {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/**
 * The best MIME bundle for any value, always with `text/plain`. In order of precedence:
 * our `[displaySymbol]()` protocol; PNG bytes; Arquero tables, DuckDB results and non-empty arrays of plain
 * records as tables; Plotly figures. Everything else (strings included, shown quoted) is `util.inspect` text.
 */
export function mimeBundleOf(value: unknown): BundleWithMetadata {
  return { data: bundleOf(value), metadata: {} };
}

function bundleOf(value: unknown): MimeBundle {
  if (typeof value !== "object" || value === null) {
    return isDisplayable(value) ? protocolBundle(value) : { "text/plain": plainText(value) };
  }
  if (isDisplayable(value)) return protocolBundle(value);
  if (isPngBytes(value)) return pngBundle(value);
  if (isArqueroTable(value)) return tableBundle(value);
  if (isDuckDbResult(value)) {
    return isReadableDuckDbResult(value) ? tableBundle(value) : { "text/plain": streamingNote(value.columnNames()) };
  }
  if (isPlotlyFigure(value)) return plotBundle(value);
  if (isRecordArray(value)) return tableBundle(value);
  return { "text/plain": plainText(value) };
}

function protocolBundle(value: { [displaySymbol](): MimeBundle }): MimeBundle {
  let bundle: unknown;
  try {
    bundle = value[displaySymbol]();
  } catch (cause) {
    throw contextError({ what: "the value's [Symbol.for(\"omniquant.display\")]() method threw", where: "display", cause });
  }
  if (typeof bundle !== "object" || bundle === null || Array.isArray(bundle)) {
    throw contextError({
      what: "the value's [Symbol.for(\"omniquant.display\")]() method returned no MIME bundle",
      where: "display",
      expected: 'an object like { "text/html": "..." }',
      found: bundle === null ? "null" : Array.isArray(bundle) ? "an array" : typeof bundle,
    });
  }
  const data = { ...(bundle as MimeBundle) };
  if (typeof data["text/plain"] !== "string") data["text/plain"] = plainText(value);
  return data;
}

function streamingNote(columns: string[]): string {
  return (
    `DuckDB streaming result with columns ${columns.join(", ")} (not read yet). ` +
    "Use connection.run(sql) or connection.runAndReadAll(sql) to display it as a table."
  );
}
