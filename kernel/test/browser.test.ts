// A real browser against a real notebook server: Debian's jupyter-notebook on 127.0.0.1 with our kernel, driven
// by headless Chromium through playwright-core. A cell renders a Plotly chart and a table; both must be visible.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installKernelSpec } from "../kernelspec.js";
import { newConnectionInfo } from "../protocol/connection.js";

const NOTEBOOK = "/usr/bin/jupyter-notebook";
const CHROMIUM = "/usr/bin/chromium";
const hasPlaywright = (() => {
  try {
    createRequire(import.meta.url).resolve("playwright-core");
    return true;
  } catch {
    return false;
  }
})();
const missing = [
  existsSync(NOTEBOOK) ? null : "jupyter-notebook (Debian package jupyter-notebook)",
  existsSync(CHROMIUM) ? null : "chromium (Debian package chromium)",
  hasPlaywright ? null : "playwright-core (npm)",
].filter(Boolean);
if (missing.length > 0) console.warn(`Skipping the browser test: missing ${missing.join(", ")}.`);

const CELL = [
  'const rows = [{ ticker: "AAPL", close: 187.5 }, { ticker: "MSFT", close: 402.1 }, { ticker: "GOOG", close: 141.8 }];',
  "display.table(rows);",
  'display.plot({ data: [{ type: "bar", x: rows.map((r) => r.ticker), y: rows.map((r) => r.close) }], layout: { title: { text: "closes" } } });',
].join("\n");

async function waitForHttp(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`jupyter-notebook did not answer on ${url} within ${ms} ms.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(missing.length > 0)("Jupyter Notebook in a real browser", () => {
  it("runs a cell with our kernel that renders a Plotly chart and a table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "omq-browser-"));
    const prefix = join(dir, "prefix");
    let server: ChildProcess | null = null;
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      await installKernelSpec({ prefix });
      const nb = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "omniquant", display_name: "OmniQuant (TypeScript)", language: "typescript" } },
        cells: [{ cell_type: "code", id: "c1", metadata: {}, execution_count: null, outputs: [], source: CELL }],
      };
      writeFileSync(join(dir, "demo.ipynb"), JSON.stringify(nb));
      const port = (await newConnectionInfo()).shell_port;
      server = spawn(NOTEBOOK, ["--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--NotebookApp.token=", "--NotebookApp.password=", "--allow-root", `--notebook-dir=${dir}`], {
        env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), JUPYTER_CONFIG_DIR: join(dir, "config"), JUPYTER_RUNTIME_DIR: join(dir, "runtime") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      server.stdout!.on("data", (d) => (log += d));
      server.stderr!.on("data", (d) => (log += d));
      await waitForHttp(`http://127.0.0.1:${port}/api`, 30_000);

      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/notebooks/demo.ipynb`);
      await page.waitForFunction(() => {
        const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean; info_reply?: unknown } } } }).Jupyter;
        return Boolean(J?.notebook?.kernel?.is_connected() && J.notebook.kernel.info_reply);
      }, undefined, { timeout: 60_000 });
      await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
      const plot = page.locator(".output_area .js-plotly-plot .main-svg").first();
      await plot.waitFor({ state: "visible", timeout: 60_000 });
      const table = page.locator(".output_area table").first();
      await table.waitFor({ state: "visible", timeout: 10_000 });
      expect(await table.innerText()).toContain("MSFT");
      expect(await page.locator(".output_area .js-plotly-plot .bars path").count()).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: join(tmpdir(), "omq-browser-test.png"), fullPage: true });
      expect(pageErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
      expect(log).not.toMatch(/Traceback/);
    } finally {
      await browser.close();
      server?.kill("SIGTERM");
      if (server) spawnSync("sleep", ["0.5"]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
