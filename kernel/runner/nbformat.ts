// nbformat 4 notebooks (https://nbformat.readthedocs.io/en/latest/format_description.html): the types `omq run`
// reads and writes, a validator with whole-sentence errors, and cell ids as nbformat 4.5 requires them.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { contextError } from "../../lib/util/errors.js";

export type MultilineString = string | string[];
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  id?: string;
  cell_type: "code";
  metadata: Record<string, unknown>;
  source: MultilineString;
  execution_count: number | null;
  outputs: Output[];
}
export interface MarkdownCell {
  id?: string;
  cell_type: "markdown";
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, unknown>;
}
export interface RawCell {
  id?: string;
  cell_type: "raw";
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, unknown>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The text of a `source` or stream `text` field, whichever of the two nbformat spellings it uses. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Splits text into the list-of-lines spelling Jupyter writes ("a\n", "b"). */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata["tags"];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** nbformat's random_cell_id: 8 hex characters of a uuid4. */
export function newCellId(taken: Set<string>): string {
  for (;;) {
    const id = randomUUID().replace(/-/g, "").slice(0, 8);
    if (!taken.has(id)) return id;
  }
}

/**
 * Gives every cell a valid, unique id (nbformat 4.5): keeps the ids that are valid and unique, and generates ids for
 * the cells that lack one or whose id is malformed or a duplicate. Returns how many ids were generated.
 */
export function ensureCellIds(nb: Notebook): number {
  const taken = new Set<string>();
  const needs: Cell[] = [];
  for (const cell of nb.cells) {
    if (typeof cell.id === "string" && CELL_ID.test(cell.id) && !taken.has(cell.id)) taken.add(cell.id);
    else needs.push(cell);
  }
  for (const cell of needs) {
    cell.id = newCellId(taken);
    taken.add(cell.id);
  }
  return needs.length;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isMultiline(v: unknown): v is MultilineString {
  return typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 80);
}

/**
 * Checks that `raw` is an nbformat 4 notebook and returns it typed. Lenient where Jupyter is (a missing cell
 * `metadata` or code-cell `outputs` is filled in), strict on what `omq run` needs; errors name the file and cell.
 */
export function validateNotebook(raw: unknown, where: string): Notebook {
  if (!isObject(raw)) throw contextError({ what: "the notebook is not a JSON object", where, found: describe(raw) });
  if ("worksheets" in raw || (typeof raw["nbformat"] === "number" && raw["nbformat"] < 4)) {
    throw contextError({
      what: `the notebook is in nbformat ${String(raw["nbformat"] ?? 3)}`,
      where,
      expected: "nbformat 4",
      hint: "Convert it with `jupyter nbconvert --to notebook --nbformat 4`",
    });
  }
  if (raw["nbformat"] !== 4) throw contextError({ what: "the nbformat field is wrong", where, expected: "4", found: describe(raw["nbformat"]) });
  if (raw["nbformat_minor"] !== undefined && typeof raw["nbformat_minor"] !== "number") {
    throw contextError({ what: "the nbformat_minor field is wrong", where, expected: "a number", found: describe(raw["nbformat_minor"]) });
  }
  if (raw["metadata"] !== undefined && !isObject(raw["metadata"])) {
    throw contextError({ what: "the notebook metadata is wrong", where, expected: "an object", found: describe(raw["metadata"]) });
  }
  if (!Array.isArray(raw["cells"])) throw contextError({ what: "the notebook has no cells list", where, expected: "a `cells` array", found: describe(raw["cells"]) });
  const cells: Cell[] = raw["cells"].map((c: unknown, i: number) => {
    const at = `${where}: cell ${i + 1}`;
    if (!isObject(c)) throw contextError({ what: "the cell is not an object", where: at, found: describe(c) });
    const type = c["cell_type"];
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw contextError({ what: "cell_type is wrong", where: at, expected: '"code", "markdown" or "raw"', found: describe(type) });
    }
    if (!isMultiline(c["source"])) throw contextError({ what: "source is wrong", where: at, expected: "a string or a list of strings", found: describe(c["source"]) });
    if (c["metadata"] !== undefined && !isObject(c["metadata"])) {
      throw contextError({ what: "metadata is wrong", where: at, expected: "an object", found: describe(c["metadata"]) });
    }
    const tags = isObject(c["metadata"]) ? c["metadata"]["tags"] : undefined;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) {
      throw contextError({ what: "metadata.tags is wrong", where: at, expected: "a list of strings", found: describe(tags) });
    }
    if (type === "code" && c["outputs"] !== undefined && !Array.isArray(c["outputs"])) {
      throw contextError({ what: "outputs is wrong", where: at, expected: "a list", found: describe(c["outputs"]) });
    }
    const cell = { ...c, metadata: isObject(c["metadata"]) ? c["metadata"] : {} } as Record<string, unknown>;
    if (type === "code") {
      cell["outputs"] = Array.isArray(c["outputs"]) ? c["outputs"] : [];
      cell["execution_count"] = typeof c["execution_count"] === "number" ? c["execution_count"] : null;
    }
    return cell as unknown as Cell;
  });
  return {
    ...(raw as Record<string, unknown>),
    nbformat: 4,
    nbformat_minor: typeof raw["nbformat_minor"] === "number" ? raw["nbformat_minor"] : 0,
    metadata: isObject(raw["metadata"]) ? raw["metadata"] : {},
    cells,
  };
}

/** Reads and validates an nbformat 4 notebook file. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw contextError({ what: code === "ENOENT" ? "the notebook does not exist" : "cannot read the notebook", where: path, cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw contextError({ what: `the notebook is not valid JSON (${(cause as Error).message})`, where: path, cause });
  }
  return validateNotebook(raw, path);
}

/** The notebook as nbformat 4.5 JSON text, with Jupyter's one-space indent and a final newline. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify({ ...nb, nbformat: 4, nbformat_minor: 5 }, null, 1) + "\n";
}
