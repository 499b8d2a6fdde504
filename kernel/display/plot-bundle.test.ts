import { beforeEach, describe, expect, it } from "vitest";
import { PLOTLY_MIME, plotBundle, plotlyLibrarySource, resetPlotlyInlining, toJsonSafe } from "./index.js";

const LIBRARY_MARK = "plotly.js v4"; // the library's licence header

describe("plotBundle", () => {
  beforeEach(() => resetPlotlyInlining());

  it("makes the plotly JSON safe: NaN -> null, Date -> ISO, typed arrays -> arrays", () => {
    const b = plotBundle({
      data: [
        {
          type: "scatter",
          x: [new Date("2024-01-02T00:00:00Z"), new Date("2024-01-03T10:00:00Z")],
          y: new Float64Array([1.5, NaN]),
          customdata: [10n, Infinity],
        },
      ],
      layout: { title: { text: "Equity" } },
    });
    const json = b[PLOTLY_MIME] as { data: Record<string, unknown>[]; layout: unknown; config: unknown };
    expect(json.data[0]).toEqual({
      type: "scatter",
      x: ["2024-01-02T00:00:00.000Z", "2024-01-03T10:00:00.000Z"],
      y: [1.5, null],
      customdata: [10, null],
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.config).toEqual({ responsive: true, displaylogo: false });
    expect(b["text/plain"]).toBe('Plotly figure: 1 trace, "Equity"');
  });

  it("accepts an array of traces and sizes from options", () => {
    const b = plotBundle([{ y: [1] }, { y: [2] }], { height: 300, width: 500 });
    expect(b[PLOTLY_MIME]).toMatchObject({ layout: { height: 300, width: 500 } });
    expect(b["text/plain"]).toBe("Plotly figure: 2 traces");
    expect(b["text/html"]).toContain("height:300px;width:500px");
  });

  it("inlines plotly.js in the first plot only, hiding require.js' define while it runs", () => {
    const first = plotBundle({ data: [{ y: [1] }] })["text/html"] as string;
    const second = plotBundle({ data: [{ y: [2] }] })["text/html"] as string;
    // (assertions on booleans: a failure must not print 4.8 MB)
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(first.includes(plotlyLibrarySource())).toBe(true);
    const firstShell = first.replace(plotlyLibrarySource(), "<LIBRARY>");
    expect(firstShell).toMatch(
      /if \(!window\.Plotly\) \{\s*var savedDefine = window\.define;\s*try \{\s*window\.define = undefined;[\s\S]*<LIBRARY>[\s\S]*finally \{\s*window\.define = savedDefine;/,
    );
    expect(second.length).toBeLessThan(5_000);
    expect(second.includes(LIBRARY_MARK)).toBe(false);
    for (const html of [firstShell, second]) {
      expect(html).toContain("if (!window.Plotly)");
      expect(html).toContain("Plotly not loaded: re-run the cell that first plotted.");
      expect(html).not.toMatch(/https?:/);
      expect(html).not.toMatch(/<script[^>]+src=/);
    }
  });

  it("never lets </script> or <!-- out of the script, in the library or the data", () => {
    const html = plotBundle({ data: [{ y: [1], name: "</script><script>alert(1)</script><!--" }] })["text/html"] as string;
    const body = html.slice(html.indexOf("<script"));
    expect(body.match(/<\/script/gi)?.length).toBe(1);
    expect(body.includes("<!--")).toBe(false);
    expect(html.trimEnd().endsWith("</script>")).toBe(true);
  });

  it("refuses what is not a figure with a whole sentence", () => {
    expect(() => plotBundle({ layout: {} })).toThrow(
      "display.plot: this is not a Plotly figure, expected { data: [traces], layout?, config? } or an array of traces but found object.",
    );
    expect(() => plotBundle({ data: [1] })).toThrow(/trace 0 is not a plain object/);
  });
});

describe("toJsonSafe", () => {
  it("handles bigints, maps, sets, cycles, toJSON and undefined", () => {
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    const shared = { k: 1 };
    expect(
      toJsonSafe({
        big: 2n ** 64n,
        small: 3n,
        m: new Map([["x", 1]]),
        s: new Set([1, undefined]),
        cyc,
        twice: [shared, shared],
        u: undefined,
        f: () => 1,
        j: { toJSON: () => "J" },
        bad: new Date(NaN),
      }),
    ).toEqual({
      big: "18446744073709551616",
      small: 3,
      m: { x: 1 },
      s: [1, null],
      cyc: { a: 1, self: "[Circular]" },
      twice: [{ k: 1 }, { k: 1 }],
      j: "J",
      bad: null,
    });
  });
});
