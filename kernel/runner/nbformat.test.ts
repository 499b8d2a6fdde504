import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureCellIds, readNotebook, serializeNotebook, splitLines, validateNotebook, type Notebook } from "./nbformat.js";
import { removeTempDirs, tempDir } from "./test-notebooks.js";
import { writeAtomic } from "./write-atomic.js";

afterAll(removeTempDirs);

describe("validateNotebook", () => {
  it("accepts nbformat 4 and fills in missing cell metadata and outputs", () => {
    const nb = validateNotebook({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [{ cell_type: "code", source: ["1\n", "2"] }] }, "x.ipynb");
    expect(nb.cells[0]).toEqual({ cell_type: "code", source: ["1\n", "2"], metadata: {}, outputs: [], execution_count: null });
  });

  it("names the file and cell in its errors", () => {
    const base = { nbformat: 4, nbformat_minor: 5, metadata: {} };
    expect(() => validateNotebook([], "a.ipynb")).toThrow("a.ipynb: the notebook is not a JSON object, found an array.");
    expect(() => validateNotebook({ ...base }, "a.ipynb")).toThrow(/a\.ipynb: the notebook has no cells list/);
    expect(() => validateNotebook({ ...base, cells: [{ cell_type: "code", source: "" }, { cell_type: "python", source: "" }] }, "a.ipynb")).toThrow(
      /a\.ipynb: cell 2: cell_type is wrong, expected "code", "markdown" or "raw" but found string "python"/,
    );
    expect(() => validateNotebook({ ...base, cells: [{ cell_type: "code", source: 3 }] }, "a.ipynb")).toThrow(/cell 1: source is wrong/);
    expect(() => validateNotebook({ ...base, cells: [{ cell_type: "code", source: "", metadata: { tags: "parameters" } }] }, "a.ipynb")).toThrow(/metadata\.tags is wrong/);
  });

  it("points nbformat 3 notebooks to nbconvert", () => {
    expect(() => validateNotebook({ nbformat: 3, worksheets: [] }, "old.ipynb")).toThrow(/old\.ipynb: the notebook is in nbformat 3, expected nbformat 4\. Convert it with `jupyter nbconvert/);
  });

  it("reports a file that is not JSON with its path", () => {
    const dir = tempDir("omq-nb-");
    const f = join(dir, "broken.ipynb");
    writeFileSync(f, "{ nope");
    expect(() => readNotebook(f)).toThrow(/broken\.ipynb: the notebook is not valid JSON/);
    expect(() => readNotebook(join(dir, "none.ipynb"))).toThrow(/none\.ipynb: the notebook does not exist/);
  });
});

describe("ensureCellIds", () => {
  it("keeps valid unique ids and replaces missing, malformed and duplicate ones", () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { id: "keep-1", cell_type: "markdown", metadata: {}, source: "" },
        { cell_type: "markdown", metadata: {}, source: "" },
        { id: "has space", cell_type: "markdown", metadata: {}, source: "" },
        { id: "keep-1", cell_type: "markdown", metadata: {}, source: "" },
      ],
    };
    expect(ensureCellIds(nb)).toBe(3);
    const ids = nb.cells.map((c) => c.id!);
    expect(ids[0]).toBe("keep-1");
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });
});

describe("serializeNotebook and writeAtomic", () => {
  it("writes nbformat 4.5 and leaves no temp file behind", () => {
    const dir = tempDir("omq-nb-");
    const f = join(dir, "sub", "out.ipynb");
    writeAtomic(f, serializeNotebook({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells: [] }));
    const back = JSON.parse(readFileSync(f, "utf8")) as Notebook;
    expect([back.nbformat, back.nbformat_minor]).toEqual([4, 5]);
    writeAtomic(f, "second");
    expect(readFileSync(f, "utf8")).toBe("second");
    expect(readFileSync(join(dir, "sub", "out.ipynb"), "utf8")).toBe("second");
  });

  it("splits text into Jupyter's list of lines", () => {
    expect(splitLines("a\nb\n\nc")).toEqual(["a\n", "b\n", "\n", "c"]);
    expect(splitLines("")).toEqual([]);
  });
});
