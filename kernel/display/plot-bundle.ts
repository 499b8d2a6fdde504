import { randomUUID } from "node:crypto";
import { contextError } from "../../lib/util/errors.js";
import { jsonForScript } from "./html-escape.js";
import { toJsonSafe } from "./json-safe.js";
import { plotlyLibrarySource } from "./plotly-library.js";
import type { MimeBundle } from "./sink.js";
import { isPlainObject } from "./table-source.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** A Plotly figure: traces, and optionally a layout, a config and animation frames. */
export interface PlotFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

export interface PlotOptions {
  /** Pixels; overrides layout.height. */
  height?: number;
  /** Pixels; overrides layout.width (by default the plot fills the output width). */
  width?: number;
}

const FIGURE_KEYS = new Set(["data", "layout", "config", "frames"]);
const TRACE_KEYS = ["type", "x", "y", "z", "values", "labels", "lat", "lon", "open", "close", "r", "theta", "dimensions"];

/**
 * Duck-types a Plotly figure: a plain object with only data/layout/config/frames keys, whose `data` is an array
 * of plain objects each carrying a trace key (type, x, y, z, values...).
 */
export function isPlotlyFigure(value: unknown): value is PlotFigure {
  if (!isPlainObject(value)) return false;
  if (!Object.keys(value).every((k) => FIGURE_KEYS.has(k))) return false;
  const data = value.data;
  if (!Array.isArray(data)) return false;
  if (value.layout !== undefined && !isPlainObject(value.layout)) return false;
  return data.every((t) => isPlainObject(t) && TRACE_KEYS.some((k) => k in t));
}

/** Whether this process has already sent plotly.js inside a plot output (see plotBundle). */
let libraryInlined = false;

/** Forgets that plotly.js was sent, so the next plot inlines it again (tests; a frontend that lost its outputs). */
export function resetPlotlyInlining(): void {
  libraryInlined = false;
}

/**
 * The MIME bundle for a figure (or an array of traces):
 * - `application/vnd.plotly.v1+json` {data, layout, config}, JSON-safe (Dates -> ISO, typed arrays -> arrays,
 *   NaN -> null), for JupyterLab, VS Code and our HTML report;
 * - `text/html`, an offline fallback for the classic notebook: a div and a script using `window.Plotly`, and in
 *   the first plot of the process an inlined copy of plotly.js (run with require.js' `define` hidden, so that it
 *   sets `window.Plotly`); a later plot whose page lacks Plotly says so instead of fetching a CDN;
 * - `text/plain`: "Plotly figure: 2 traces, "Title"".
 */
export function plotBundle(fig: unknown, opts: PlotOptions = {}): MimeBundle {
  const figure = normalizeFigure(fig);
  const layout: Record<string, unknown> = { ...(figure.layout ?? {}) };
  if (opts.height !== undefined) layout.height = opts.height;
  if (opts.width !== undefined) layout.width = opts.width;
  const json = {
    data: toJsonSafe(figure.data) as unknown[],
    layout: toJsonSafe(layout) as Record<string, unknown>,
    config: toJsonSafe({ responsive: true, displaylogo: false, ...(figure.config ?? {}) }) as Record<string, unknown>,
    ...(figure.frames ? { frames: toJsonSafe(figure.frames) as unknown[] } : {}),
  };
  const inline = !libraryInlined;
  const html = plotHtml(json, inline);
  libraryInlined = true;
  return { [PLOTLY_MIME]: json, "text/html": html, "text/plain": plotSummary(json) };
}

function normalizeFigure(fig: unknown): PlotFigure {
  if (Array.isArray(fig)) return { data: fig as Record<string, unknown>[] };
  if (isPlainObject(fig) && Array.isArray(fig.data)) {
    const bad = fig.data.findIndex((t) => !isPlainObject(t));
    if (bad < 0) return fig as unknown as PlotFigure;
    throw contextError({
      what: `trace ${bad} is not a plain object`,
      where: "display.plot",
      expected: "traces like { type: 'scatter', x: [...], y: [...] }",
    });
  }
  throw contextError({
    what: "this is not a Plotly figure",
    where: "display.plot",
    expected: "{ data: [traces], layout?, config? } or an array of traces",
    found: fig === null ? "null" : Array.isArray(fig) ? "an array" : typeof fig,
  });
}

export function plotSummary(fig: { data: unknown[]; layout?: Record<string, unknown> }): string {
  const n = fig.data.length;
  const title = titleText(fig.layout?.title);
  return `Plotly figure: ${n} ${n === 1 ? "trace" : "traces"}${title ? `, ${JSON.stringify(title)}` : ""}`;
}

function titleText(title: unknown): string | undefined {
  if (typeof title === "string") return title;
  if (isPlainObject(title) && typeof title.text === "string") return title.text;
  return undefined;
}

function plotHtml(json: { layout: Record<string, unknown> }, inlineLibrary: boolean): string {
  const id = `omq-plot-${randomUUID()}`;
  const height = typeof json.layout.height === "number" ? json.layout.height : 450;
  const width = typeof json.layout.width === "number" ? `${json.layout.width}px` : "100%";
  const library = inlineLibrary
    ? `if (!window.Plotly) {
    var savedDefine = window.define;
    try {
      window.define = undefined;
      (function (define, module, exports) {
${plotlyLibrarySource()}
      }).call(window, undefined, undefined, undefined);
    } finally {
      window.define = savedDefine;
    }
  }
`
    : "";
  return `<div id="${id}" class="omq-plot" style="height:${height}px;width:${width}"></div>
<script type="text/javascript">
(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  ${library}if (!el) return;
  if (!window.Plotly) {
    el.style.height = "auto";
    el.textContent = ${JSON.stringify(NOT_LOADED)};
    return;
  }
  window.Plotly.newPlot(el, ${jsonForScript(json)});
})();
</script>`;
}

const NOT_LOADED = "Plotly not loaded: re-run the cell that first plotted.";

