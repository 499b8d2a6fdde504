import { contextError } from "../../lib/util/errors.js";
import { escapeHtml, jsonForScript } from "../display/html-escape.js";
import { PLOTLY_MIME } from "../display/plot-bundle.js";
import { plotlyLibrarySource } from "../display/plotly-library.js";
import { applyCarriageReturns, stripAnsi } from "./ansi.js";
import { renderMarkdown } from "./markdown.js";
import {
  assertNotebook,
  joinMultiline,
  type CellRunMetadata,
  type Notebook,
  type NotebookCell,
  type NotebookOutput,
  type NotebookOutputRich,
} from "./notebook.js";
import { REPORT_CSS } from "./report-style.js";

export interface ReportOptions {
  /** Code cells' source: shown (default), folded in a collapsed `<details>`, or left out. */
  code?: "show" | "fold" | "hide";
  /** Page title; default the run's or notebook's title, else the first heading, else "Notebook". */
  title?: string;
}

/** Tag our runner puts on the cell it inserts to say the run failed. */
export const ERROR_BANNER_TAG = "omniquant-error-banner";

/**
 * Renders an executed nbformat 4 notebook as one self-contained HTML page that works offline: styles inline,
 * images as data: URLs, plotly.js inlined once in the head when the notebook has a plot, and a
 * Content-Security-Policy that forbids the page any network fetch.
 */
export function renderNotebookHtml(nb: unknown, opts: ReportOptions = {}): string {
  assertNotebook(nb);
  const code = opts.code ?? "show";
  if (!["show", "fold", "hide"].includes(code)) {
    throw contextError({ what: `code is "${String(code)}"`, where: "renderNotebookHtml", expected: '"show", "fold" or "hide"' });
  }
  const ctx: RenderContext = { code, plots: 0 };
  const title = opts.title ?? defaultTitle(nb);
  // A notebook that opens with its title: the page header shows it, and the cell goes on from the next line.
  const cellsIn = opts.title === undefined && title === firstCellHeading(nb) ? withoutLeadingHeading(nb.cells) : nb.cells;
  const cells = cellsIn.map((cell, i) => renderCell(cell, i, ctx)).filter((s) => s !== "");
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="generator" content="OmniQuant">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    ...(ctx.plots > 0 ? [`<script>\n${plotlyLibrarySource()}\n</script>`] : []),
  ];
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    `<head>\n${head.join("\n")}\n</head>`,
    "<body>",
    '<main class="omq-report">',
    renderHeader(nb, title),
    ...cells,
    "</main>",
    ...(ctx.plots > 0 ? [`<script>\n${PLOT_RENDERER}\n</script>`] : []),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** No fetches: everything the page shows is inline or a data:/blob: URL. Plotly needs inline scripts and eval (WebGL traces). */
const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "font-src data:",
  "media-src data: blob:",
  "worker-src blob:",
].join("; ");

const PLOT_RENDERER = `(function () {
  var nodes = document.querySelectorAll("script.omq-plot-data");
  for (var i = 0; i < nodes.length; i++) {
    var el = document.getElementById(nodes[i].getAttribute("data-target"));
    if (!el) continue;
    if (!window.Plotly) { el.textContent = "Plotly did not load in this page."; continue; }
    try {
      var fig = JSON.parse(nodes[i].textContent);
      fig.config = Object.assign({ responsive: true, displaylogo: false }, fig.config || {});
      window.Plotly.newPlot(el, fig);
    } catch (e) {
      el.textContent = "This plot could not be drawn: " + (e && e.message);
    }
  }
})();`;

interface RenderContext {
  code: "show" | "fold" | "hide";
  plots: number;
}

function defaultTitle(nb: Notebook): string {
  const meta = nb.metadata ?? {};
  const run = meta.omniquant as Record<string, unknown> | undefined;
  for (const t of [run?.title, meta.title]) if (typeof t === "string" && t.trim()) return t.trim();
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const h = /^ {0,3}#{1,2}[ \t]+(.+?)[ \t#]*$/m.exec(joinMultiline(cell.source));
    if (h) return h[1]!.replace(/[*_`]/g, "");
  }
  return "Notebook";
}

/** The text of the first cell's leading # or ## heading, if the notebook opens with one. */
function firstCellHeading(nb: Notebook): string | undefined {
  const first = nb.cells.find((c) => joinMultiline(c.source).trim() !== "");
  if (first?.cell_type !== "markdown") return undefined;
  const firstLine = joinMultiline(first.source).trimStart().split("\n")[0]!;
  const h = /^#{1,2}[ \t]+(.+?)[ \t#]*$/.exec(firstLine);
  return h ? h[1]!.replace(/[*_`]/g, "") : undefined;
}

function withoutLeadingHeading(cells: NotebookCell[]): NotebookCell[] {
  const i = cells.findIndex((c) => joinMultiline(c.source).trim() !== "");
  const rest = joinMultiline(cells[i]!.source).trimStart().replace(/^[^\n]*\n?/, "");
  return cells.map((c, j) => (j === i ? { ...c, source: rest } : c));
}

function renderHeader(nb: Notebook, title: string): string {
  const meta = nb.metadata ?? {};
  const run = (typeof meta.omniquant === "object" && meta.omniquant !== null ? meta.omniquant : {}) as Record<string, unknown>;
  const items: string[] = [];
  const item = (label: string, value: string) => items.push(`<span>${escapeHtml(label)} <b>${escapeHtml(value)}</b></span>`);
  let params = "";
  for (const [key, value] of Object.entries(run)) {
    if (key === "title" || value === undefined || value === null) continue;
    if (key === "parameters" && typeof value === "object" && !Array.isArray(value)) {
      const rows = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="omq-mono">${escapeHtml(compactJson(v))}</td></tr>`,
      );
      if (rows.length > 0) params = `<table class="omq-params"><caption hidden>Parameters</caption>${rows.join("")}</table>`;
      continue;
    }
    if (/^duration(_s)?$/.test(key) && typeof value === "number") item("duration", formatSeconds(value));
    else item(key.replace(/_/g, " "), typeof value === "string" ? value : compactJson(value));
  }
  const kernel = (meta.kernelspec as { display_name?: unknown } | undefined)?.display_name;
  if (typeof kernel === "string") item("kernel", kernel);
  const runLine = items.length > 0 ? `<div class="omq-run">${items.join("")}</div>` : "";
  return `<header class="omq-head">\n<h1>${escapeHtml(title)}</h1>\n${runLine}${params}\n</header>`;
}

function compactJson(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function formatSeconds(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function renderCell(cell: NotebookCell, index: number, ctx: RenderContext): string {
  const metadata = cell.metadata ?? {};
  const tags: unknown[] = Array.isArray(metadata.tags) ? metadata.tags : [];
  const banner = tags.includes(ERROR_BANNER_TAG);
  const id = `cell-${index}`;
  if (cell.cell_type === "markdown") {
    if (joinMultiline(cell.source).trim() === "") return "";
    const html = renderMarkdown(joinMultiline(cell.source), { resolveImage: (src) => attachmentUrl(cell, src) });
    if (banner) return `<section class="omq-cell omq-banner" id="${id}" role="alert"><div class="omq-markdown">${html}</div></section>`;
    return `<section class="omq-cell omq-md" id="${id}"><div class="omq-markdown">\n${html}\n</div></section>`;
  }
  if (cell.cell_type === "raw") {
    const source = joinMultiline(cell.source);
    if (source.trim() === "") return "";
    const mime = metadata.format ?? metadata.raw_mimetype;
    if (mime === "text/html") return `<section class="omq-cell omq-raw" id="${id}">${source}</section>`;
    return `<section class="omq-cell omq-raw" id="${id}"><pre>${escapeHtml(source)}</pre></section>`;
  }
  if (cell.cell_type !== "code") return "";

  const source = joinMultiline(cell.source);
  const outputs = mergeStreams(Array.isArray(cell.outputs) ? cell.outputs : []);
  const run: CellRunMetadata | undefined =
    typeof metadata.omniquant === "object" && metadata.omniquant !== null ? metadata.omniquant : undefined;
  const status = run?.status ?? (outputs.some((o) => o.output_type === "error") ? "error" : undefined);
  if (source.trim() === "" && outputs.length === 0) return "";
  if (ctx.code === "hide" && outputs.length === 0 && status !== "error" && !banner) return "";

  const classes = ["omq-cell", "omq-code"];
  if (status === "error") classes.push("omq-status-error");
  if (banner) classes.push("omq-banner");
  const prompt = `<span class="omq-prompt">[${cell.execution_count ?? " "}]</span>`;
  const head = `<div class="omq-cell-head">${prompt}${renderRunMeta(run, status)}</div>`;
  const code = `<pre class="omq-source"><code>${escapeHtml(source)}</code></pre>`;
  const sourceHtml =
    ctx.code === "show" || source.trim() === ""
      ? source.trim() === "" ? "" : code
      : ctx.code === "fold"
        ? `<details class="omq-fold"><summary>Code</summary>${code}</details>`
        : "";
  const outputHtml = outputs.map((o) => renderOutput(o, ctx)).join("\n");
  return `<section class="${classes.join(" ")}" id="${id}">\n${head}\n${sourceHtml}\n${outputHtml}\n</section>`;
}

function renderRunMeta(run: CellRunMetadata | undefined, status: string | undefined): string {
  const parts: string[] = [];
  if (run && typeof run.duration_s === "number") parts.push(escapeHtml(formatSeconds(run.duration_s)));
  if (status) parts.push(`<span class="omq-st-${escapeHtml(status)}">${escapeHtml(status)}</span>`);
  if (parts.length === 0) return "";
  const title = run?.start ? ` title="${escapeHtml(`${run.start}${run.end ? ` → ${run.end}` : ""}`)}"` : "";
  return `<span class="omq-cell-meta"${title}>${parts.join(" · ")}</span>`;
}

function attachmentUrl(cell: NotebookCell, src: string): string | undefined {
  if (!src.startsWith("attachment:")) return undefined;
  const bundle = cell.attachments?.[decodeURIComponent(src.slice("attachment:".length))];
  if (!bundle) return undefined;
  for (const [mime, data] of Object.entries(bundle)) {
    if (!/^image\/(png|jpeg|gif|webp)$/.test(mime)) continue;
    return `data:${mime};base64,${joinMultiline(data as string | string[]).replace(/\s+/g, "")}`;
  }
  return undefined;
}

/** Consecutive stream outputs to the same stream read as one block. */
function mergeStreams(outputs: NotebookOutput[]): NotebookOutput[] {
  const merged: NotebookOutput[] = [];
  for (const o of outputs) {
    const prev = merged.at(-1);
    if (o.output_type === "stream" && prev?.output_type === "stream" && prev.name === o.name) {
      merged[merged.length - 1] = { ...prev, text: joinMultiline(prev.text) + joinMultiline(o.text) };
    } else {
      merged.push(o);
    }
  }
  return merged;
}

function renderOutput(output: NotebookOutput, ctx: RenderContext): string {
  switch (output.output_type) {
    case "stream": {
      const text = applyCarriageReturns(stripAnsi(joinMultiline(output.text))).replace(/\n$/, "");
      const cls = output.name === "stderr" ? "omq-stderr" : "omq-stdout";
      return `<div class="omq-output"><pre class="${cls}">${escapeHtml(text)}</pre></div>`;
    }
    case "error": {
      const title = stripAnsi(`${output.ename}: ${output.evalue}`);
      const lines = Array.isArray(output.traceback) ? output.traceback.map((l) => stripAnsi(String(l))) : [];
      if (lines[0]?.trim() === title.trim()) lines.shift(); // the heading already says it
      const tb = lines.join("\n");
      return (
        `<div class="omq-output omq-error"><div class="omq-ename">${escapeHtml(title)}</div>` +
        (tb.trim() ? `<pre>${escapeHtml(tb)}</pre>` : "") +
        `</div>`
      );
    }
    case "execute_result":
    case "display_data":
      return `<div class="omq-output">${renderRich(output, ctx)}</div>`;
    default:
      return `<div class="omq-output omq-note">(output of type ${escapeHtml(String((output as { output_type: unknown }).output_type))} not shown)</div>`;
  }
}

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

function renderRich(output: NotebookOutputRich, ctx: RenderContext): string {
  const data = output.data ?? {};
  if (data[PLOTLY_MIME] !== undefined) return renderPlot(data[PLOTLY_MIME], ctx); // its text/html fallback would load plotly twice
  if (data["text/html"] !== undefined) return `<div class="omq-html">${joinMultiline(data["text/html"] as string)}</div>`;
  for (const mime of IMAGE_TYPES) {
    if (data[mime] === undefined) continue;
    const b64 = joinMultiline(data[mime] as string).replace(/\s+/g, "");
    const size = output.metadata?.[mime] as { width?: unknown; height?: unknown } | undefined;
    const dims =
      (typeof size?.width === "number" ? ` width="${size.width}"` : "") +
      (typeof size?.height === "number" ? ` height="${size.height}"` : "");
    return `<img src="data:${mime};base64,${escapeHtml(b64)}" alt=""${dims}>`;
  }
  if (data["image/svg+xml"] !== undefined) {
    const svg = Buffer.from(joinMultiline(data["image/svg+xml"] as string), "utf8").toString("base64");
    return `<img src="data:image/svg+xml;base64,${svg}" alt="">`;
  }
  if (data["text/markdown"] !== undefined) {
    return `<div class="omq-markdown">${renderMarkdown(joinMultiline(data["text/markdown"] as string))}</div>`;
  }
  if (data["application/json"] !== undefined) {
    return `<pre>${escapeHtml(JSON.stringify(data["application/json"], null, 2) ?? "")}</pre>`;
  }
  if (data["text/plain"] !== undefined) {
    return `<pre>${escapeHtml(stripAnsi(joinMultiline(data["text/plain"] as string)))}</pre>`;
  }
  const types = Object.keys(data);
  return `<span class="omq-note">(no displayable MIME type${types.length ? `: ${escapeHtml(types.join(", "))}` : ""})</span>`;
}

function renderPlot(raw: unknown, ctx: RenderContext): string {
  let fig: unknown = raw;
  if (typeof raw === "string" || Array.isArray(raw)) {
    try {
      fig = JSON.parse(joinMultiline(raw as string | string[]));
    } catch {
      return '<span class="omq-note">(unreadable Plotly figure)</span>';
    }
  }
  if (typeof fig !== "object" || fig === null) return '<span class="omq-note">(unreadable Plotly figure)</span>';
  const layout = ((fig as { layout?: unknown }).layout ?? {}) as Record<string, unknown>;
  const height = typeof layout.height === "number" ? layout.height : 450;
  const width = typeof layout.width === "number" ? `${layout.width}px` : "100%";
  const id = `omq-plot-${++ctx.plots}`;
  return (
    `<div class="omq-plot" id="${id}" style="height:${height}px;width:${width}"></div>` +
    `<script type="application/json" class="omq-plot-data" data-target="${id}">${jsonForScript(fig)}</script>`
  );
}
