// Opens rendered reports and plot outputs in headless Chromium (playwright-core + Debian's chromium) and checks
// that plots really draw, with no page errors and no request leaving the file.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { plotBundle, resetPlotlyInlining, tableBundle } from "../display/index.js";
import { renderNotebookHtml, type Notebook } from "./index.js";

const CHROMIUM = "/usr/bin/chromium";
const playwright = await import("playwright-core").catch(() => undefined);
const missing = !existsSync(CHROMIUM)
  ? `Debian package chromium (${CHROMIUM}; apt-get install chromium)`
  : playwright === undefined
    ? "npm package playwright-core"
    : undefined;
if (missing) console.warn(`Skipping the browser checks of the HTML report: ${missing} is not installed.`);

describe.skipIf(missing !== undefined)("report and plots in headless Chromium", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "omq-report-"));
    browser = await playwright!.chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a file, recording page errors, console errors and every request that is not the file itself. */
  async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("request", (r) => {
      if (r.url() !== url && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    return { page, errors, requests };
  }

  it("draws both plots of a report with a table, offline and without errors", async () => {
    resetPlotlyInlining();
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)));
    let px = 100;
    const close = days.map((_, i) => (px *= 1 + Math.sin(i / 5) * 0.01 + 0.002));
    const plot = (n: number, fig: Parameters<typeof plotBundle>[0]) => ({
      cell_type: "code" as const,
      source: `display.plot(fig${n})`,
      metadata: { omniquant: { duration_s: 0.12, status: "ok" } },
      execution_count: n + 1,
      outputs: [{ output_type: "display_data" as const, data: plotBundle(fig), metadata: {} }],
    });
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        omniquant: { parameters: { symbol: "AAPL", lookback: 20 }, started: "2024-05-01T10:00:00Z", duration_s: 3.4 },
        kernelspec: { display_name: "OmniQuant (TypeScript)", name: "omniquant", language: "typescript" },
      },
      cells: [
        { cell_type: "markdown", source: "# Momentum study\n\nA **quick** look at `AAPL`:\n\n- prices\n- returns", metadata: {} },
        {
          cell_type: "code",
          source: "display.table(rows)",
          metadata: { omniquant: { duration_s: 0.03, status: "ok" } },
          execution_count: 1,
          outputs: [
            {
              output_type: "display_data",
              data: tableBundle(
                days.map((d, i) => ({ date: d, close: close[i], ret: i ? close[i]! / close[i - 1]! - 1 : NaN, note: i % 7 ? "" : "<week>" })),
                { caption: "Daily closes" },
              ),
              metadata: {},
            },
          ],
        },
        plot(1, { data: [{ type: "scatter", mode: "lines", x: days, y: close, name: "close" }], layout: { title: { text: "Close" } } }),
        plot(2, {
          data: [{ type: "bar", x: days.slice(1), y: close.slice(1).map((c, i) => c / close[i]! - 1), name: "return" }],
          layout: { title: { text: "Daily return" }, height: 320 },
        }),
        {
          cell_type: "code",
          source: "boom()",
          metadata: { omniquant: { duration_s: 0.001, status: "error" } },
          execution_count: 4,
          outputs: [{ output_type: "error", ename: "ReferenceError", evalue: "boom is not defined", traceback: ["\u001b[31mReferenceError\u001b[0m: boom is not defined"] }],
        },
      ],
    };
    const file = join(dir, "report.html");
    writeFileSync(file, renderNotebookHtml(nb, { code: "fold" }));
    const { page, errors, requests } = await open(file);
    await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 2, null, { timeout: 30_000 });
    expect(await page.locator(".js-plotly-plot").count()).toBe(2);
    const drawn = await page.evaluate(() =>
      [...document.querySelectorAll(".js-plotly-plot")].map((p) => ({
        svg: p.querySelectorAll("svg.main-svg").length > 0,
        traces: p.querySelectorAll("g.trace").length,
        title: p.querySelector(".gtitle")?.textContent ?? "",
      })),
    );
    expect(drawn).toEqual([
      { svg: true, traces: 1, title: "Close" },
      { svg: true, traces: 1, title: "Daily return" },
    ]);
    expect(await page.locator(".omq-table tbody tr").count()).toBe(21); // 10 + … + 10
    await page.screenshot({ path: "/tmp/report.png", fullPage: true });
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("draws the display layer's html fallback under require.js, library inlined in the first output only", async () => {
    resetPlotlyInlining();
    const first = plotBundle({ data: [{ type: "scatter", y: [1, 3, 2] }] })["text/html"] as string;
    const second = plotBundle({ data: [{ type: "bar", y: [2, 1] }] })["text/html"] as string;
    // the classic notebook's page has require.js: define() with define.amd set
    const requirejs = `<script>window.define = function () { window.defineCalls = (window.defineCalls || 0) + 1; }; window.define.amd = {};</script>`;
    const file = join(dir, "notebook-outputs.html");
    writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${requirejs}</head><body>${first}\n${second}</body></html>`);
    const { page, errors, requests } = await open(file);
    await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot .main-svg").length >= 2, null, { timeout: 30_000 });
    const state = await page.evaluate(() => ({
      plotly: typeof (window as { Plotly?: unknown }).Plotly,
      amd: typeof (window as { define?: { amd?: unknown } }).define?.amd,
      defineCalls: (window as { defineCalls?: number }).defineCalls ?? 0,
    }));
    expect(state).toEqual({ plotly: "object", amd: "object", defineCalls: 0 });
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    // a later output on a page that lost the first one (reloaded notebook) says so instead of fetching a CDN
    const orphan = join(dir, "orphan.html");
    writeFileSync(orphan, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${second}</body></html>`);
    const o = await open(orphan);
    expect(await o.page.locator(".omq-plot").textContent()).toBe("Plotly not loaded: re-run the cell that first plotted.");
    await o.page.close();
    expect(o.errors).toEqual([]);
    expect(o.requests).toEqual([]);
  });
});
