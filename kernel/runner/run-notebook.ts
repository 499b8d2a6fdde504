// `omq run`: executes a notebook headlessly, papermill style. Injects parameters, runs the code cells in order on a
// fresh kernel, records per-cell timing and status, stops at the first failure (banner on top, remaining cells
// skipped) and writes the executed notebook (and optionally HTML) atomically.
import { basename, dirname, extname, join, resolve } from "node:path";
import { contextError } from "../../lib/util/errors.js";
import { ERROR_BANNER_TAG, renderNotebookHtml } from "../report/index.js";
import { KernelClient } from "./client.js";
import {
  cellTags,
  ensureCellIds,
  joinSource,
  newCellId,
  readNotebook,
  serializeNotebook,
  splitLines,
  type Cell,
  type CodeCell,
  type ErrorOutput,
  type Notebook,
} from "./nbformat.js";
import { injectParameters, type Parameters } from "./parameters.js";
import { silentProgress, type CellStatus, type Progress } from "./progress.js";
import { writeAtomic } from "./write-atomic.js";

export { ERROR_BANNER_TAG };
export const KERNELSPEC = Object.freeze({ name: "omniquant", display_name: "OmniQuant (TypeScript)", language: "typescript" });

export type CodeVisibility = "show" | "fold" | "hide";
export type RunStatus = "ok" | "error" | "timeout";

export interface RunNotebookOptions {
  /** Path of the input notebook (also recorded in the output's metadata). */
  input: string;
  /** The input, already read and validated; read from `input` when absent. */
  notebook?: Notebook;
  /** Output path; default `<name>.out.ipynb` beside the input. */
  output?: string;
  /** Also render HTML here. */
  html?: string;
  code?: CodeVisibility;
  /** HTML title; default the notebook's file name. */
  title?: string;
  parameters?: Parameters;
  /** Per-cell timeout in seconds; none by default. */
  timeoutS?: number;
  /** Keep going after a failing cell (a timeout still stops the run). */
  allowErrors?: boolean;
  /** The kernel's working directory; default the notebook's directory. */
  cwd?: string;
  /** The kernel's argv (`{connection_file}` is substituted); default our kernel. */
  kernelArgv?: string[];
  interruptMode?: "message" | "signal";
  startupTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  progress?: Progress;
  /** Warnings (e.g. no `parameters` cell). */
  warn?: (message: string) => void;
  /** Aborting stops the run: the kernel is shut down and the current cell recorded as failed. */
  signal?: AbortSignal;
}

export interface FailedCell {
  /** 1-based position in the executed notebook (after parameter injection, before the banner). */
  index: number;
  id: string;
  ename: string;
  evalue: string;
  status: "error" | "timeout";
}

export interface RunNotebookResult {
  status: RunStatus;
  notebook: Notebook;
  outputPath: string;
  htmlPath: string | null;
  failed: FailedCell | null;
  durationS: number;
  warnings: string[];
}

export interface CellRunMetadata {
  start: string | null;
  end: string | null;
  duration_s: number | null;
  status: CellStatus;
}

/** `dir/name.ipynb` -> `dir/name.out.ipynb`. */
export function defaultOutputPath(input: string): string {
  const ext = extname(input);
  return join(dirname(input), `${basename(input, ext)}.out${ext || ".ipynb"}`);
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}

/** The error of a failed cell: the reply's ename/evalue, else the last error output, else the last stderr line that names one. */
function describeFailure(reply: Record<string, unknown> | null, cell: CodeCell): { ename: string; evalue: string } {
  if (reply && typeof reply["ename"] === "string") return { ename: reply["ename"], evalue: String(reply["evalue"] ?? "") };
  const err = [...cell.outputs].reverse().find((o): o is ErrorOutput => o.output_type === "error");
  if (err) return { ename: err.ename, evalue: err.evalue };
  for (const o of [...cell.outputs].reverse()) {
    if (o.output_type !== "stream" || o.name !== "stderr") continue;
    const m = /^(?:Uncaught )?((?:[A-Z][A-Za-z]*)?(?:Error|Exception)): (.*)$/m.exec(joinSource(o.text));
    if (m) return { ename: m[1]!, evalue: m[2]! };
  }
  const status = typeof reply?.["status"] === "string" ? reply["status"] : "no reply";
  return { ename: "Error", evalue: `the kernel reported status "${status}" without error details` };
}

/**
 * The markdown cell put first in a notebook whose run stopped. Plain markdown (the HTML report escapes raw HTML):
 * the link targets the failing cell's anchor in the report, `#cell-<0-based index in the output notebook>`.
 */
function errorBanner(failed: FailedCell, targetIndex: number, taken: Set<string>): Cell {
  const what = failed.status === "timeout" ? "timed out" : "failed";
  const error = `${failed.ename}: ${failed.evalue}`.replace(/\s+/g, " ").replace(/`/g, "'").slice(0, 300);
  const text =
    `**omq run stopped: cell ${failed.index} (id \`${failed.id}\`) ${what}** with \`${error}\`. ` +
    `The cells after it were not run. [Go to the failing cell](#cell-${targetIndex}).\n`;
  return {
    id: taken.has(ERROR_BANNER_TAG) ? newCellId(taken) : ERROR_BANNER_TAG,
    cell_type: "markdown",
    metadata: { tags: [ERROR_BANNER_TAG] },
    source: splitLines(text),
  };
}

/** The output notebook's metadata.omniquant parameters: JSON data, dates as ISO strings. */
function parametersMetadata(params: Parameters): unknown {
  return JSON.parse(JSON.stringify(params)) as unknown;
}

/** Renders a notebook to HTML and writes it atomically. */
export function writeNotebookHtml(nb: Notebook, path: string, opts: { code: CodeVisibility; title: string }): void {
  writeAtomic(path, renderNotebookHtml(nb, opts));
}

export async function runNotebook(opts: RunNotebookOptions): Promise<RunNotebookResult> {
  const inputPath = resolve(opts.input);
  const nb: Notebook = structuredClone(opts.notebook ?? readNotebook(inputPath));
  const outputPath = resolve(opts.output ?? defaultOutputPath(inputPath));
  const htmlPath = opts.html ? resolve(opts.html) : null;
  const progress = opts.progress ?? silentProgress;
  const params = opts.parameters ?? {};
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    opts.warn?.(m);
  };
  if (outputPath === inputPath) throw contextError({ what: "the output path is the input notebook", where: outputPath, hint: "Choose another path with -o" });

  // A notebook that is itself an earlier output: drop its banner before running it again.
  nb.cells = nb.cells.filter((c) => !(c.cell_type === "markdown" && cellTags(c).includes(ERROR_BANNER_TAG)));
  ensureCellIds(nb);
  for (const w of injectParameters(nb, params).warnings) warn(w);
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
    delete cell.metadata["omniquant"];
  }

  const started = new Date();
  const nbMeta: Record<string, unknown> = {
    parameters: parametersMetadata(params),
    started: started.toISOString(),
    ended: null,
    duration_s: null,
    status: "running",
    input_path: inputPath,
  };
  nb.metadata = { ...nb.metadata, kernelspec: { ...KERNELSPEC }, omniquant: nbMeta };

  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  const n = codeCells.length;
  const elapsed = (): number => (Date.now() - started.getTime()) / 1000;
  let failed: FailedCell | null = null;
  let status: RunStatus = "ok";

  const client = await KernelClient.start({
    argv: opts.kernelArgv,
    cwd: opts.cwd ?? dirname(inputPath),
    env: opts.env,
    startupTimeoutMs: opts.startupTimeoutMs,
    interruptMode: opts.interruptMode,
  });
  const onAbort = (): void => void client.shutdown();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const languageInfo = client.kernelInfo["language_info"];
    if (languageInfo && typeof languageInfo === "object") nb.metadata["language_info"] = languageInfo;
    let i = 0;
    for (const cell of codeCells) {
      i++;
      const id = cell.id!;
      const meta: CellRunMetadata = { start: null, end: null, duration_s: null, status: "skipped" };
      cell.metadata["omniquant"] = meta;
      const source = joinSource(cell.source);
      if (!failed && opts.signal?.aborted) {
        failed = { index: nb.cells.indexOf(cell) + 1, id, ename: "Aborted", evalue: "the run was stopped before this cell", status: "error" };
        status = "error";
      }
      if (failed || source.trim() === "") {
        progress.cellEnd(i, n, id, "skipped", 0, elapsed());
        continue;
      }
      progress.cellStart(i, n, id);
      const t0 = new Date();
      meta.start = t0.toISOString();
      const res = await client
        .execute(source, {
          timeoutMs: opts.timeoutS ? opts.timeoutS * 1000 : undefined,
          stopOnError: !opts.allowErrors,
        })
        .catch((err: unknown) => {
          // The kernel died (or the run was aborted): record it as the cell's error.
          const aborted = opts.signal?.aborted === true;
          const msg = aborted ? "the run was aborted" : err instanceof Error ? err.message : String(err);
          return { reply: { status: "error" as const, execution_count: null, ename: aborted ? "Aborted" : "KernelDied", evalue: msg, traceback: [msg] }, outputs: [], executionCount: null, timedOut: false };
        });
      const t1 = new Date();
      meta.end = t1.toISOString();
      meta.duration_s = round((t1.getTime() - t0.getTime()) / 1000);
      cell.outputs = res.outputs; // the client's array: later update_display_data messages land in it
      cell.execution_count = res.executionCount;
      const index = nb.cells.indexOf(cell) + 1;
      if (res.timedOut) {
        meta.status = "timeout";
        const evalue = `cell ${index} exceeded the timeout of ${opts.timeoutS} seconds`;
        cell.outputs.push({ output_type: "error", ename: "TimeoutError", evalue, traceback: [`TimeoutError: ${evalue}`, `The kernel was interrupted after ${opts.timeoutS} s.`] });
        failed = { index, id, ename: "TimeoutError", evalue, status: "timeout" };
        status = "timeout";
      } else if (res.reply?.status === "ok") {
        meta.status = "ok";
      } else {
        meta.status = "error";
        if (res.outputs.length === 0 && res.reply?.ename) {
          cell.outputs.push({ output_type: "error", ename: res.reply.ename, evalue: String(res.reply.evalue ?? ""), traceback: res.reply.traceback ?? [] });
        }
        if (!opts.allowErrors || client.exited) {
          failed = { index, id, ...describeFailure(res.reply as Record<string, unknown> | null, cell), status: "error" };
          status = "error";
        }
      }
      progress.cellEnd(i, n, id, meta.status, meta.duration_s, elapsed());
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    progress.done();
    await client.shutdown();
  }

  const ended = new Date();
  nbMeta["ended"] = ended.toISOString();
  nbMeta["duration_s"] = round((ended.getTime() - started.getTime()) / 1000);
  nbMeta["status"] = status;
  if (failed) {
    nbMeta["failed_cell"] = { ...failed };
    const taken = new Set(nb.cells.map((c) => c.id!));
    // After the banner goes on top, the failing cell sits at 0-based index `failed.index`.
    nb.cells.unshift(errorBanner(failed, failed.index, taken));
  }
  nb.nbformat_minor = 5;
  writeAtomic(outputPath, serializeNotebook(nb));
  if (htmlPath) {
    const title = opts.title ?? basename(inputPath, extname(inputPath));
    writeNotebookHtml(nb, htmlPath, { code: opts.code ?? "show", title });
  }
  return { status, notebook: nb, outputPath, htmlPath, failed, durationS: nbMeta["duration_s"] as number, warnings };
}
