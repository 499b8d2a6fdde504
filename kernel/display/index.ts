/**
 * The rich display layer the OmniQuant kernel preloads as the global `display`.
 *
 *   display(table)                       // best bundle for any value (mimeBundleOf)
 *   const h = display.progress(1000);    // live progress bar, one output updated in place
 *   display.plot({ data: [{ x, y }] });  // Plotly, offline
 */
export type { DisplayContent, DisplaySink, MimeBundle } from "./sink.js";
export { displaySymbol, isDisplayable, type Displayable } from "./display-symbol.js";
export { mimeBundleOf, type BundleWithMetadata } from "./mime-bundle.js";
export {
  createDisplay,
  isDisplayHandle,
  type CreateDisplayOptions,
  type Display,
  type DisplayHandle,
  type DisplayOptions,
} from "./create-display.js";
export { tableBundle, type TableOptions } from "./table-bundle.js";
export { tableSourceOf, type TableLike, type TableSource } from "./table-source.js";
export {
  plotBundle,
  isPlotlyFigure,
  resetPlotlyInlining,
  PLOTLY_MIME,
  type PlotFigure,
  type PlotOptions,
} from "./plot-bundle.js";
export { plotlyLibrarySource } from "./plotly-library.js";
export { pngBundle, isPngBytes } from "./png.js";
export { progressBundle, formatDuration, type Progress, type ProgressOptions } from "./progress.js";
export { toJsonSafe } from "./json-safe.js";
export { formatNumber, formatDate, formatCell } from "./format-value.js";
export { escapeHtml, jsonForScript, scriptSafe } from "./html-escape.js";
