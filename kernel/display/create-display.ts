import { randomUUID } from "node:crypto";
import { contextError } from "../../lib/util/errors.js";
import { mimeBundleOf, type BundleWithMetadata } from "./mime-bundle.js";
import { plainText } from "./plain-text.js";
import { plotBundle, type PlotFigure, type PlotOptions } from "./plot-bundle.js";
import { pngBundle } from "./png.js";
import { createProgress, type Progress, type ProgressOptions } from "./progress.js";
import { toJsonSafe } from "./json-safe.js";
import type { DisplaySink, MimeBundle } from "./sink.js";
import { tableBundle, type TableOptions } from "./table-bundle.js";
import type { TableLike } from "./table-source.js";

export interface DisplayOptions {
  /** Display id of the output; outputs sharing it are updated together. Generated when absent. */
  displayId?: string;
  /** Replace the outputs with this display id (`update_display_data`) instead of adding one. */
  update?: boolean;
}

/** What `display(...)` returns: the output's display id, and a way to replace it in place. */
export interface DisplayHandle<T = unknown> {
  readonly displayId: string;
  update(value: T): void;
}

export interface Display {
  (value: unknown, opts?: DisplayOptions): DisplayHandle;
  html(html: string, opts?: DisplayOptions): DisplayHandle<string>;
  markdown(markdown: string, opts?: DisplayOptions): DisplayHandle<string>;
  json(value: unknown, opts?: DisplayOptions): DisplayHandle;
  png(image: Uint8Array | string, opts?: DisplayOptions): DisplayHandle<Uint8Array | string>;
  svg(svg: string, opts?: DisplayOptions): DisplayHandle<string>;
  text(text: string, opts?: DisplayOptions): DisplayHandle<string>;
  table(table: TableLike, opts?: TableOptions & DisplayOptions): DisplayHandle<TableLike>;
  plot(figure: PlotFigure | PlotFigure["data"], opts?: PlotOptions & DisplayOptions): DisplayHandle<PlotFigure | PlotFigure["data"]>;
  progress(total: number, opts?: ProgressOptions): Progress;
  clear(opts?: { wait?: boolean }): void;
}

export interface CreateDisplayOptions {
  /** Milliseconds clock used by progress bars (tests pass a fake one). Default `performance.now`. */
  now?: () => number;
  /** Display id generator. Default `crypto.randomUUID`. */
  newId?: () => string;
}

const HANDLE = Symbol.for("omniquant.displayHandle");

/** Marks an object returned by display(...) so the executor can skip echoing it as the cell's result. */
function markHandle<T extends object>(handle: T): T {
  Object.defineProperty(handle, HANDLE, { value: true });
  return handle;
}

/**
 * True for what display(...), its methods and display.progress return. A cell ending in `display.table(t)` has
 * that handle as its value; the kernel should not print it as `Out[n]`.
 */
export function isDisplayHandle(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[HANDLE] === true;
}

/** Builds the `display` global the kernel preloads, publishing through `sink`. */
export function createDisplay(sink: DisplaySink, options: CreateDisplayOptions = {}): Display {
  const now = options.now ?? (() => performance.now());
  const newId = options.newId ?? (() => randomUUID());

  function show<T>(render: (value: T) => BundleWithMetadata, value: T, opts: DisplayOptions = {}): DisplayHandle<T> {
    if (opts.displayId !== undefined && (typeof opts.displayId !== "string" || opts.displayId === "")) {
      throw contextError({ what: "displayId is not a non-empty string", where: "display", found: String(opts.displayId) });
    }
    if (opts.update && opts.displayId === undefined) {
      throw contextError({
        what: "update needs the display id of the output to replace",
        where: "display",
        hint: "Pass { displayId, update: true }, or keep the handle that display() returned and call handle.update(value)",
      });
    }
    const displayId = opts.displayId ?? newId();
    const { data, metadata } = render(value);
    sink.publish(opts.update ? "update_display_data" : "display_data", { data, metadata, transient: { display_id: displayId } });
    return markHandle({
      displayId,
      update(next: T) {
        const b = render(next);
        sink.publish("update_display_data", { data: b.data, metadata: b.metadata, transient: { display_id: displayId } });
      },
    });
  }

  const bare = (data: MimeBundle): BundleWithMetadata => ({ data, metadata: {} });
  const requireString = (method: string, value: unknown): string => {
    if (typeof value === "string") return value;
    throw contextError({ what: "the argument is not a string", where: `display.${method}`, expected: "a string", found: typeof value });
  };

  const display = ((value: unknown, opts?: DisplayOptions) => show(mimeBundleOf, value, opts)) as Display;

  display.html = (html, opts) =>
    show((s: string) => bare({ "text/html": requireString("html", s), "text/plain": htmlToText(s) }), html, opts);

  display.markdown = (markdown, opts) =>
    show((s: string) => bare({ "text/markdown": requireString("markdown", s), "text/plain": s }), markdown, opts);

  display.json = (value, opts) =>
    show((v: unknown) => bare({ "application/json": toJsonSafe(v) ?? null, "text/plain": plainText(v) }), value, opts);

  display.png = (image, opts) => show((v: Uint8Array | string) => bare(pngBundle(v)), image, opts);

  display.svg = (svg, opts) =>
    show(
      (s: string) => {
        if (!/<svg[\s>]/i.test(requireString("svg", s))) {
          throw contextError({ what: "the text has no <svg> element", where: "display.svg", expected: "SVG markup" });
        }
        return bare({ "image/svg+xml": s, "text/plain": "<SVG image>" });
      },
      svg,
      opts,
    );

  display.text = (text, opts) => show((s: string) => bare({ "text/plain": String(s) }), text, opts);

  display.table = (table, opts = {}) => show((t: TableLike) => bare(tableBundle(t, opts)), table, opts);

  display.plot = (figure, opts = {}) =>
    show((f: PlotFigure | PlotFigure["data"]) => bare(plotBundle(f, opts)), figure, opts);

  display.progress = (total, opts = {}) => {
    if (typeof total !== "number" || !Number.isFinite(total) || total < 0) {
      throw contextError({ what: "total is not a count", where: "display.progress", expected: "a finite number >= 0", found: String(total) });
    }
    const displayId = newId();
    return markHandle(createProgress(total, opts, {
      displayId,
      now,
      publish(data, first) {
        sink.publish(first ? "display_data" : "update_display_data", { data, metadata: {}, transient: { display_id: displayId } });
      },
    }));
  };

  display.clear = (opts = {}) => sink.clearOutput(opts.wait ?? false);

  return display;
}

/** A readable text/plain for HTML: tags dropped, entities for &, <, >, quotes decoded, whitespace collapsed. */
function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6])>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n")
    .trim();
  return text || "<HTML>";
}
