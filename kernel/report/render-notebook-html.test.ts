import { beforeEach, describe, expect, it } from "vitest";
import { plotBundle, plotlyLibrarySource, resetPlotlyInlining, tableBundle } from "../display/index.js";
import { renderNotebookHtml, stripAnsi, applyCarriageReturns, type Notebook, type NotebookCell } from "./index.js";

const nb = (cells: NotebookCell[], metadata: Record<string, unknown> = {}): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata,
  cells,
});
const code = (source: string, outputs: NotebookCell["outputs"] = [], extra: Partial<NotebookCell> = {}): NotebookCell => ({
  cell_type: "code",
  source,
  metadata: {},
  execution_count: 1,
  outputs,
  ...extra,
});

/** The page without the inlined plotly.js, so assertions (and their failure messages) stay small. */
function shell(html: string): string {
  return html.split(plotlyLibrarySource()).join("<PLOTLY>");
}

function plotCell(title: string): NotebookCell {
  const data = plotBundle({ data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }], layout: { title } });
  return code(`display.plot(fig) // ${title}`, [{ output_type: "display_data", data, metadata: {} }]);
}

describe("renderNotebookHtml", () => {
  beforeEach(() => resetPlotlyInlining());

  it("escapes code, outputs and the title", () => {
    const html = renderNotebookHtml(
      nb([
        code('const s = "</script><b>x</b>";', [
          { output_type: "stream", name: "stdout", text: ["<i>not italic</i>\n"] },
          { output_type: "execute_result", execution_count: 1, data: { "text/plain": "'<b>'" }, metadata: {} },
        ]),
      ]),
      { title: "<T&C>" },
    );
    expect(html).toContain("<title>&lt;T&amp;C&gt;</title>");
    expect(html).toContain("const s = &quot;&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;&quot;;");
    expect(html).toContain("&lt;i&gt;not italic&lt;/i&gt;");
    expect(html).toContain("&#39;&lt;b&gt;&#39;");
    expect(html).not.toContain("<b>x</b>");
  });

  it("shows, folds or hides code", () => {
    const doc = nb([code("let a = 1;", [{ output_type: "stream", name: "stdout", text: "out\n" }]), code("let b = 2;")]);
    const shown = renderNotebookHtml(doc);
    expect(shown).toContain('<pre class="omq-source"><code>let a = 1;</code></pre>');
    expect(shown).toContain("let b = 2;");
    expect(shown).not.toContain("<details");

    const folded = renderNotebookHtml(doc, { code: "fold" });
    expect(folded).toContain('<details class="omq-fold"><summary>Code</summary><pre class="omq-source"><code>let a = 1;</code></pre></details>');
    expect(folded).not.toMatch(/<details[^>]* open/);

    const hidden = renderNotebookHtml(doc, { code: "hide" });
    expect(hidden).not.toContain("let a = 1;");
    expect(hidden).not.toContain("let b = 2;"); // no outputs: the cell is left out
    expect(hidden).toContain(">out</pre>");
    expect(() => renderNotebookHtml(doc, { code: "none" as never })).toThrow(/expected "show", "fold" or "hide"/);
  });

  it("shows the execution count and the runner's cell timing and status", () => {
    const html = renderNotebookHtml(
      nb([
        code("1", [], {
          execution_count: 7,
          metadata: { omniquant: { start: "2024-05-01T10:00:00Z", end: "2024-05-01T10:00:01.5Z", duration_s: 1.5, status: "ok" } },
        }),
      ]),
    );
    expect(html).toContain('<span class="omq-prompt">[7]</span>');
    expect(html).toContain('<span class="omq-cell-meta" title="2024-05-01T10:00:00Z → 2024-05-01T10:00:01.5Z">1.50 s · <span class="omq-st-ok">ok</span></span>');
  });

  it("renders errors with the traceback's ANSI codes stripped and a red border", () => {
    const html = renderNotebookHtml(
      nb([
        code("boom()", [
          {
            output_type: "error",
            ename: "TypeError",
            evalue: "boom is not a function",
            traceback: ["\u001b[0;31mTypeError\u001b[0m: boom is not a function", "    at \u001b[1mcell 3:1\u001b[22m"],
          },
        ], { metadata: { omniquant: { status: "error", duration_s: 0.01 } } }),
      ]),
    );
    expect(html).toContain('class="omq-cell omq-code omq-status-error"');
    expect(html).toContain('<div class="omq-ename">TypeError: boom is not a function</div>');
    expect(html).toContain("<pre>    at cell 3:1</pre>"); // the traceback's first line repeats the heading: dropped
    expect(html).not.toContain("\u001b");
  });

  it("shows the error banner cell prominently", () => {
    const html = renderNotebookHtml(
      nb([{ cell_type: "markdown", source: "**Run failed** in cell 3", metadata: { tags: ["omniquant-error-banner"] } }]),
    );
    expect(html).toContain('<section class="omq-cell omq-banner" id="cell-0" role="alert">');
    expect(html).toContain("<strong>Run failed</strong> in cell 3");
  });

  it("strips ANSI codes and applies carriage returns in streams; stderr is tinted", () => {
    expect(stripAnsi("\u001b[1;32mgreen\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007")).toBe("green link");
    expect(applyCarriageReturns("10%\r50%\r100%\ndone\r\n")).toBe("100%\ndone\n");
    const html = renderNotebookHtml(
      nb([
        code("x", [
          { output_type: "stream", name: "stderr", text: "\u001b[33mwarn\u001b[0m: a" },
          { output_type: "stream", name: "stderr", text: "nd b\n" },
        ]),
      ]),
    );
    expect(html).toContain('<pre class="omq-stderr">warn: and b</pre>');
  });

  it("picks the richest output: plotly, html, png, svg, markdown, then text", () => {
    const rich = (data: Record<string, unknown>) =>
      shell(renderNotebookHtml(nb([code("x", [{ output_type: "display_data", data, metadata: {} }])])));
    expect(rich({ "text/html": "<b>h</b>", "image/png": "AAAA", "text/plain": "p" })).toContain('<div class="omq-html"><b>h</b></div>');
    expect(rich({ "image/png": "AA\nAA\n", "text/plain": "p" })).toContain('<img src="data:image/png;base64,AAAA" alt="">');
    expect(rich({ "image/svg+xml": "<svg/>", "text/plain": "p" })).toContain(
      `<img src="data:image/svg+xml;base64,${Buffer.from("<svg/>").toString("base64")}"`,
    );
    expect(rich({ "text/markdown": "**m**", "text/plain": "p" })).toContain("<strong>m</strong>");
    expect(rich({ "text/plain": ["a\n", "b"] })).toContain("<pre>a\nb</pre>");
  });

  it("renders plots from the plotly JSON with plotly.js inlined once, ignoring the html fallback", () => {
    const doc = nb([plotCell("one"), plotCell("two")]);
    const html = renderNotebookHtml(doc);
    const lib = plotlyLibrarySource();
    expect(html.split(lib).length - 1).toBe(1); // (booleans and counts only: no 4.8 MB failure messages)
    const page = shell(html);
    expect(page).toMatch(/<head>[\s\S]*<script>\n<PLOTLY>\n<\/script>[\s\S]*<\/head>/);
    expect(page.match(/<div class="omq-plot" id="omq-plot-\d"/g)).toHaveLength(2);
    expect(page.match(/class="omq-plot-data"/g)).toHaveLength(2);
    expect(page).not.toContain("Plotly not loaded"); // the display layer's html fallback is not used
    expect(page).not.toContain("omq-plot-data\" data-target=\"omq-plot-3");
  });

  it("leaves plotly.js out of a notebook without plots", () => {
    const html = renderNotebookHtml(nb([code("1", [{ output_type: "execute_result", data: { "text/plain": "1" }, metadata: {} }])]));
    expect(html.length).toBeLessThan(20_000);
    expect(html).not.toContain("Plotly");
  });

  it("references nothing over the network: no http(s) src or href, and a CSP forbidding fetches", () => {
    const table = tableBundle([{ sym: "AAPL", px: 189.5 }]);
    const html = renderNotebookHtml(
      nb([plotCell("p"), code("t", [{ output_type: "display_data", data: table, metadata: {} }])], {
        omniquant: { parameters: { symbol: "AAPL" } },
      }),
    );
    const page = shell(html);
    expect(page).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    // plotly.js itself is inlined; its own string constants (map tile URLs, links) are not fetched by the page
    expect(/<script[^>]+\bsrc=/i.test(html)).toBe(false);
    expect(/<link[^>]+\bhref=/i.test(html)).toBe(false);
  });

  it("shows the run's parameters, start and duration, and picks a title", () => {
    const html = renderNotebookHtml(
      nb([{ cell_type: "markdown", source: ["# Pairs *study*\n", "text"], metadata: {} }], {
        omniquant: { parameters: { symbol: "AAPL", lookback: 20 }, started: "2024-05-01T10:00:00Z", duration_s: 75.2 },
      }),
    );
    expect(html).toContain("<title>Pairs study</title>");
    expect(html.match(/<h1/g)).toHaveLength(1); // the first cell's heading is the page's; not repeated
    expect(html).toContain("<span>started <b>2024-05-01T10:00:00Z</b></span>");
    expect(html).toContain("<span>duration <b>1 min 15 s</b></span>");
    expect(html).toContain('<tr><th>symbol</th><td class="omq-mono">&quot;AAPL&quot;</td></tr><tr><th>lookback</th><td class="omq-mono">20</td></tr>');
  });

  it("refuses what is not an nbformat 4 notebook", () => {
    expect(() => renderNotebookHtml({ worksheets: [] })).toThrow(
      "renderNotebookHtml: the value is not a Jupyter notebook, expected an nbformat 4 object with a cells array but found keys worksheets.",
    );
    expect(() => renderNotebookHtml({ nbformat: 3, cells: [] })).toThrow(/nbformat 3.*nbconvert/);
  });
});
