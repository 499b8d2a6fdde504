// End to end: `omq run` (the CLI from .build, as users run it) and runNotebook on our kernel, plus a tslab smoke test.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../lib/util/package-root.js";
import { joinSource, type CodeCell, type Notebook, type Output } from "./nbformat.js";
import { runNotebook } from "./run-notebook.js";
import { removeTempDirs, tempDir, writeNotebook } from "./test-notebooks.js";

afterAll(removeTempDirs);

const root = packageRoot();
const bin = join(root, "kernel", "bin", "omq.js");
const tslabArgv = [process.execPath, join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"];

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function omq(args: string[], opts: { cwd?: string; onStderr?: (s: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, env: { ...process.env, OMQ_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const readNb = (p: string): Notebook => JSON.parse(readFileSync(p, "utf8")) as Notebook;
const byId = (nb: Notebook, id: string): CodeCell => nb.cells.find((c) => c.id === id) as CodeCell;
const text = (outputs: Output[]): string =>
  outputs.map((o) => (o.output_type === "stream" ? joinSource(o.text) : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : JSON.stringify(o.data))).join("");
const status = (c: CodeCell): unknown => (c.metadata["omniquant"] as { status?: unknown } | undefined)?.status;

describe("omq run on the OmniQuant kernel", () => {
  it("injects -p parameters that change the results and writes a valid nbformat 4.5 notebook and HTML", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "params.ipynb", [
      { type: "markdown", source: "# Parameters demo" },
      { source: 'const window: number = 5;\nconst tickers: string[] = ["X"];\nconst start: Date = new Date(0);', tags: ["parameters"] },
      "console.log(window * 2, tickers.join('+'), start.toISOString(), start instanceof Date);",
      "   ",
      'const h = display.text("first");',
      'h.update("second");\nconsole.log("before"); display.clear({ wait: true }); console.log("after");',
      "window + 1",
    ]);
    const html = join(dir, "report.html");
    const res = await omq(["run", input, "-p", "window=21", "-p", 'tickers=["AAPL","MSFT"]', "-p", "start=2020-01-31", "--html", html, "--code", "fold"]);
    expect(res.stderr).not.toMatch(/warning/);
    expect(res.code).toBe(0);
    const output = join(dir, "params.out.ipynb");
    expect(res.stdout.trim().split("\n")).toEqual([output, html]);
    expect(res.stderr).toMatch(/\[1\/7\] cell c1 \.\.\. ok \d+\.\ds \(elapsed \d+\.\ds\)/);

    const nb = readNb(output);
    expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5]);
    const ids = nb.cells.map((c) => c.id);
    expect(ids).toEqual(["c0", "c1", "injected-parameters", "c2", "c3", "c4", "c5", "c6"]);
    expect(nb.metadata["kernelspec"]).toEqual({ name: "omniquant", display_name: "OmniQuant (TypeScript)", language: "typescript" });
    expect((nb.metadata["language_info"] as { name?: string }).name).toBe("typescript");
    const meta = nb.metadata["omniquant"] as Record<string, unknown>;
    expect(meta).toMatchObject({ status: "ok", input_path: input, parameters: { window: 21, tickers: ["AAPL", "MSFT"], start: "2020-01-31T00:00:00.000Z" } });
    expect(Date.parse(String(meta["ended"]))).toBeGreaterThanOrEqual(Date.parse(String(meta["started"])));
    expect(meta["duration_s"]).toBeTypeOf("number");

    expect(joinSource(byId(nb, "injected-parameters").source)).toContain('const tickers: string[] = ["AAPL", "MSFT"];');
    expect(text(byId(nb, "c2").outputs)).toBe("42 AAPL+MSFT 2020-01-31T00:00:00.000Z true\n");
    expect(status(byId(nb, "c3"))).toBe("skipped");
    expect(byId(nb, "c3").execution_count).toBeNull();
    // update_display_data from cell c5 replaced cell c4's output in place; clear_output(wait) dropped "before".
    expect(byId(nb, "c4").outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "second" }, metadata: {} }]);
    expect(text(byId(nb, "c5").outputs)).toBe("after\n");
    const last = byId(nb, "c6");
    expect(last.outputs.map((o) => o.output_type)).toEqual(["execute_result"]);
    expect(last.outputs[0]).toMatchObject({ execution_count: last.execution_count, data: { "text/plain": "22" } });
    for (const c of nb.cells.filter((x): x is CodeCell => x.cell_type === "code" && x.id !== "c3")) {
      const m = c.metadata["omniquant"] as { start: string; end: string; duration_s: number; status: string };
      expect(m.status).toBe("ok");
      expect(typeof c.execution_count).toBe("number");
      expect(Date.parse(m.end)).toBeGreaterThanOrEqual(Date.parse(m.start));
    }
    expect(readFileSync(html, "utf8")).toMatch(/<html[\s\S]*42 AAPL\+MSFT/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("stops at a failing cell: exit 1, a banner on top, the rest skipped, the partial notebook written", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "fail.ipynb", ["console.log('one')", "const x: number = 1;\nthrow new RangeError('bad window')", "console.log('never')"]);
    const output = join(dir, "out", "failed.ipynb");
    const res = await omq(["run", input, "-o", output]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("omq run: cell 2 (id c1) failed: RangeError: bad window");
    expect(res.stdout.trim()).toBe(output);
    const nb = readNb(output);
    const banner = nb.cells[0]!;
    expect(banner.cell_type).toBe("markdown");
    expect(banner.metadata["tags"]).toEqual(["omniquant-error-banner"]);
    expect(joinSource(banner.source)).toContain("cell 2 (id `c1`) failed");
    expect(joinSource(banner.source)).toContain("RangeError: bad window");
    expect(joinSource(banner.source)).toContain("](#cell-2)");
    expect(nb.cells[2]!.id).toBe("c1"); // the anchor's 0-based index
    expect(text(byId(nb, "c0").outputs)).toBe("one\n");
    expect(status(byId(nb, "c1"))).toBe("error");
    expect(byId(nb, "c1").outputs.some((o) => o.output_type === "error" && o.ename === "RangeError")).toBe(true);
    expect(status(byId(nb, "c2"))).toBe("skipped");
    expect(byId(nb, "c2").outputs).toEqual([]);
    expect((nb.metadata["omniquant"] as { status: string }).status).toBe("error");
  });

  // The limit leaves room for the kernel's first-cell warm-up (TypeScript compiler), slow on a loaded machine.
  it("interrupts a cell over --timeout and reports it as a TimeoutError", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "loop.ipynb", ["console.log('start')", "while (true) {}", "console.log('never')"]);
    const t0 = Date.now();
    const res = await omq(["run", input, "--timeout", "5"]);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("omq run: cell 2 (id c1) timed out: TimeoutError: cell 2 exceeded the timeout of 5 seconds");
    const nb = readNb(join(dir, "loop.out.ipynb"));
    const cell = byId(nb, "c1");
    expect(status(cell)).toBe("timeout");
    expect(cell.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "TimeoutError", evalue: "cell 2 exceeded the timeout of 5 seconds" });
    expect((cell.metadata["omniquant"] as { duration_s: number }).duration_s).toBeGreaterThanOrEqual(5);
    expect(status(byId(nb, "c2"))).toBe("skipped");
    expect(nb.cells[0]!.metadata["tags"]).toEqual(["omniquant-error-banner"]);
    expect((nb.metadata["omniquant"] as { status: string }).status).toBe("timeout");
  });

  it("keeps going with --allow-errors and exits 0", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "errs.ipynb", ["throw new Error('first')", "console.log('still ran in', process.cwd())"]);
    const res = await omq(["run", input, "--allow-errors"]);
    expect(res.code).toBe(0);
    const nb = readNb(join(dir, "errs.out.ipynb"));
    expect(status(byId(nb, "c0"))).toBe("error");
    // the kernel runs in the notebook's directory by default
    expect(text(byId(nb, "c1").outputs)).toBe(`still ran in ${realpathSync(dir)}\n`);
    expect(nb.cells.some((c) => (c.metadata["tags"] as string[] | undefined)?.includes("omniquant-error-banner"))).toBe(false);
  });

  it("warns when no cell is tagged parameters and injects first", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "noparams.ipynb", ["console.log(n)"]);
    const res = await omq(["run", input, "-p", "n=7", "--cwd", dir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("warning: The notebook has no cell tagged 'parameters'");
    const nb = readNb(join(dir, "noparams.out.ipynb"));
    expect(nb.cells[0]!.id).toBe("injected-parameters");
    expect(text(byId(nb, "c0").outputs)).toBe("7\n");
  });

  it("on SIGINT stops the run and still writes the partial notebook", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "long.ipynb", ["console.log('one')", "const t0 = Date.now();\nwhile (Date.now() - t0 < 60_000) {}", "console.log('never')"]);
    let sent = false;
    const res = await omq(["run", input], {
      onStderr: (s, child) => {
        if (!sent && /\[1\/3\] cell c0 \.\.\. ok/.test(s)) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 500);
        }
      },
    });
    expect(res.code).toBe(130);
    expect(res.stderr).toContain("omq run: cell 2 (id c1) failed: Aborted");
    const nb = readNb(join(dir, "long.out.ipynb"));
    expect(text(byId(nb, "c0").outputs)).toBe("one\n");
    expect(status(byId(nb, "c1"))).toBe("error");
    expect(status(byId(nb, "c2"))).toBe("skipped");
  });
});

describe("omq run input checks (exit 2, no kernel started)", () => {
  it("rejects a missing notebook, bad JSON and bad nbformat with the file named", async () => {
    const dir = tempDir();
    const missing = await omq(["run", join(dir, "nope.ipynb")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ipynb: the notebook does not exist\./);
    const bad = join(dir, "bad.ipynb");
    (await import("node:fs")).writeFileSync(bad, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: 5 }] }));
    const res = await omq(["run", bad]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/bad\.ipynb: cell 1: source is wrong, expected a string or a list of strings/);
  });

  it("rejects bad parameter names, bad options and missing arguments", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "ok.ipynb", ["1"]);
    const name = await omq(["run", input, "-p", "bad-name=1"]);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/"bad-name" is not a valid TypeScript identifier/);
    expect((await omq(["run", input, "--timeout", "soon"])).code).toBe(2);
    expect((await omq(["run", input, "--code", "maybe"])).code).toBe(2);
    expect((await omq(["run"])).code).toBe(2);
    expect((await omq(["run", input, "--cwd", join(dir, "nowhere")])).code).toBe(2);
    expect(existsSync(join(dir, "ok.out.ipynb"))).toBe(false);
  });
});

describe("runNotebook", () => {
  it("reports a kernel that dies at startup with its exit code and output", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "k.ipynb", ["1"]);
    await expect(
      runNotebook({ input, kernelArgv: [process.execPath, "-e", "console.error('no kernel here'); process.exit(3)", "{connection_file}"], startupTimeoutMs: 10_000 }),
    ).rejects.toThrow(/exited with code 3 before it answered kernel_info_request[\s\S]*no kernel here/);
  });

  it("runs on tslab's kernel too (smoke test)", async () => {
    const dir = tempDir();
    const input = writeNotebook(dir, "tslab.ipynb", [{ source: "const n: number = 1;", tags: ["parameters"] }, "console.log(n * 3)"]);
    const res = await runNotebook({ input, parameters: { n: 5 }, kernelArgv: tslabArgv, interruptMode: "signal" });
    expect(res.status).toBe("ok");
    expect(text(byId(res.notebook, "c1").outputs)).toBe("15\n");
    expect(existsSync(res.outputPath)).toBe(true);
  });
});
