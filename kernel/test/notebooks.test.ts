// Every notebook in notebooks/ runs end to end twice: through Jupyter's own client (Debian's jupyter-nbconvert
// with nbclient, our kernel picked from its kernelspec), and through our headless runner (`omq run`).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { installKernelSpec } from "../kernelspec.js";
import { packageRoot } from "../../lib/util/package-root.js";

const root = packageRoot();
const notebooks = readdirSync(join(root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
const NBCONVERT = "/usr/bin/jupyter-nbconvert";
const hasNbconvert = existsSync(NBCONVERT) && spawnSync("/usr/bin/python3", ["-c", "import nbclient"]).status === 0;
if (!hasNbconvert) console.warn("Skipping nbconvert execution: missing jupyter-nbconvert or python3-nbclient (Debian packages).");

interface Cell {
  cell_type: string;
  execution_count?: number | null;
  outputs?: { output_type: string; ename?: string; evalue?: string }[];
  source: string | string[];
}

function codeCells(path: string): Cell[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: Cell[] };
  return nb.cells.filter((c) => c.cell_type === "code" && [c.source].flat().join("").trim() !== "");
}

function expectCleanRun(path: string): void {
  const cells = codeCells(path);
  expect(cells.length).toBeGreaterThan(0);
  const errors = cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "error"));
  expect(errors.map((e) => `${e.ename}: ${e.evalue}`)).toEqual([]);
  const counts = cells.map((c) => c.execution_count);
  expect(counts.every((n) => typeof n === "number" && n > 0)).toBe(true);
  for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
}

describe("notebooks/", () => {
  it("has notebooks", () => {
    expect(notebooks.length).toBeGreaterThan(0);
  });

  describe.skipIf(!hasNbconvert)("jupyter nbconvert --execute with the omniquant kernel", () => {
    for (const nb of notebooks) {
      it(`runs ${nb} and keeps execution counts`, async () => {
        const tmp = mkdtempSync(join(tmpdir(), "omq-nbconvert-"));
        try {
          await installKernelSpec({ prefix: tmp });
          const r = spawnSync(
            NBCONVERT,
            ["--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=omniquant", "--ExecutePreprocessor.timeout=300", "--output-dir", tmp, join(root, "notebooks", nb)],
            { cwd: join(root, "notebooks"), env: { ...process.env, JUPYTER_PATH: join(tmp, "share", "jupyter") }, encoding: "utf8", timeout: 600_000 },
          );
          if (r.status !== 0) console.error(r.stdout, r.stderr);
          expect(r.status).toBe(0);
          expectCleanRun(join(tmp, basename(nb)));
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }, 600_000);
    }
  });

  describe("omq run (the headless runner)", () => {
    for (const nb of notebooks) {
      it(`runs ${nb}`, () => {
        const tmp = mkdtempSync(join(tmpdir(), "omq-run-"));
        try {
          const out = join(tmp, nb);
          const r = spawnSync(process.execPath, [join(root, "kernel", "bin", "omq.js"), "run", join(root, "notebooks", nb), "-o", out, "--html", out.replace(/\.ipynb$/, ".html")], {
            encoding: "utf8",
            timeout: 600_000,
          });
          if (r.status !== 0) console.error(r.stdout, r.stderr);
          expect(r.status).toBe(0);
          expectCleanRun(out);
          expect(readFileSync(out.replace(/\.ipynb$/, ".html"), "utf8")).toContain("</html>");
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }, 600_000);
    }
  });
});
