import { contextError } from "../../lib/util/errors.js";

/** The parts of nbformat 4 the report reads. Multiline strings may be stored as arrays of lines. */
export type MultilineString = string | string[];

export interface NotebookOutputStream {
  output_type: "stream";
  name: "stdout" | "stderr" | string;
  text: MultilineString;
}

export interface NotebookOutputRich {
  output_type: "execute_result" | "display_data";
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}

export interface NotebookOutputError {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type NotebookOutput = NotebookOutputStream | NotebookOutputRich | NotebookOutputError;

/** What our runner records per cell at `cell.metadata.omniquant`. */
export interface CellRunMetadata {
  start?: string;
  end?: string;
  duration_s?: number;
  status?: "ok" | "error" | "skipped" | string;
}

export interface NotebookCell {
  cell_type: "markdown" | "code" | "raw";
  source: MultilineString;
  metadata?: Record<string, unknown> & { tags?: string[]; omniquant?: CellRunMetadata };
  execution_count?: number | null;
  outputs?: NotebookOutput[];
  attachments?: Record<string, Record<string, unknown>>;
  id?: string;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor?: number;
  metadata?: Record<string, unknown>;
  cells: NotebookCell[];
}

export function joinMultiline(text: MultilineString | undefined): string {
  if (text === undefined || text === null) return "";
  return Array.isArray(text) ? text.join("") : String(text);
}

/** Checks the shape the report depends on; a notebook from another tool fails here with a sentence. */
export function assertNotebook(nb: unknown, where = "renderNotebookHtml"): asserts nb is Notebook {
  if (typeof nb !== "object" || nb === null || !Array.isArray((nb as Notebook).cells)) {
    throw contextError({
      what: "the value is not a Jupyter notebook",
      where,
      expected: "an nbformat 4 object with a cells array",
      found: nb === null ? "null" : typeof nb === "object" ? `keys ${Object.keys(nb).join(", ") || "(none)"}` : typeof nb,
    });
  }
  const version = (nb as Notebook).nbformat;
  if (version !== undefined && version < 4) {
    throw contextError({
      what: `the notebook is nbformat ${version}`,
      where,
      expected: "nbformat 4",
      hint: "Convert it with `jupyter nbconvert --to notebook --nbformat 4`",
    });
  }
  (nb as Notebook).cells.forEach((cell, i) => {
    if (typeof cell !== "object" || cell === null || typeof cell.cell_type !== "string") {
      throw contextError({ what: `cell ${i} has no cell_type`, where, expected: "markdown, code or raw" });
    }
  });
}
