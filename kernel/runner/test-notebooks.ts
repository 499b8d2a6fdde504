// Small notebooks written to temp directories, for the tests of the runner, the CLI and the scheduler.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cell, Notebook } from "./nbformat.js";

export type CellSpec = string | { source: string; tags?: string[]; type?: "code" | "markdown" };

export function makeNotebook(cells: CellSpec[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((c, i): Cell => {
      const spec = typeof c === "string" ? { source: c } : c;
      const metadata = spec.tags ? { tags: spec.tags } : {};
      return spec.type === "markdown"
        ? { id: `c${i}`, cell_type: "markdown", metadata, source: spec.source }
        : { id: `c${i}`, cell_type: "code", metadata, source: spec.source, execution_count: null, outputs: [] };
    }),
  };
}

const made: string[] = [];

/** A fresh temp directory, removed by removeTempDirs(). */
export function tempDir(prefix = "omq-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the directories tempDir() made (call it in afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes a notebook of `cells` as `dir/name` and returns its path. */
export function writeNotebook(dir: string, name: string, cells: CellSpec[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(makeNotebook(cells), null, 1));
  return path;
}
