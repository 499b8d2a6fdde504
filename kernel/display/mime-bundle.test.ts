import * as aq from "arquero";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displaySymbol, mimeBundleOf, PLOTLY_MIME } from "./index.js";

// 1×1 transparent PNG
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

describe("mimeBundleOf", () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => instance.closeSync());

  it("shows primitives and strings as the REPL would, strings quoted", () => {
    expect(mimeBundleOf("hello")).toEqual({ data: { "text/plain": "'hello'" }, metadata: {} });
    expect(mimeBundleOf(42).data).toEqual({ "text/plain": "42" });
    expect(mimeBundleOf(undefined).data).toEqual({ "text/plain": "undefined" });
    expect(mimeBundleOf(10n).data).toEqual({ "text/plain": "10n" });
  });

  it("keeps an <svg string as plain text", () => {
    expect(mimeBundleOf("<svg></svg>").data).toEqual({ "text/plain": "'<svg></svg>'" });
  });

  it("shows plain objects with util.inspect, depth 4, no colours", () => {
    const text = mimeBundleOf({ a: { b: { c: { d: { e: { f: 1 } } } } } }).data["text/plain"] as string;
    expect(text).toContain("[Object]");
    expect(text).not.toContain("\u001b[");
    expect(Object.keys(mimeBundleOf({ a: 1 }).data)).toEqual(["text/plain"]);
  });

  it("uses the omniquant.display protocol and adds text/plain when missing", () => {
    const v = { [displaySymbol]: () => ({ "text/html": "<b>x</b>" }) };
    const b = mimeBundleOf(v).data;
    expect(b["text/html"]).toBe("<b>x</b>");
    expect(typeof b["text/plain"]).toBe("string");
    const keeps = { [Symbol.for("omniquant.display")]: () => ({ "text/plain": "mine" }) };
    expect(mimeBundleOf(keeps).data).toEqual({ "text/plain": "mine" });
  });

  it("explains a protocol method that throws or returns nothing", () => {
    const throws = {
      [displaySymbol]: () => {
        throw new Error("boom");
      },
    };
    expect(() => mimeBundleOf(throws)).toThrow(/method threw/);
    const empty = { [displaySymbol]: () => null as never };
    expect(() => mimeBundleOf(empty)).toThrow(/returned no MIME bundle.*found null/);
  });

  it("shows an Arquero table as an HTML table", () => {
    const t = aq.table({ date: [new Date("2024-01-02"), new Date("2024-01-03")], close: [101.5, 102.25] });
    const b = mimeBundleOf(t).data;
    expect(b["text/html"]).toContain('<div class="omq-table">');
    expect(b["text/html"]).toContain("2024-01-02");
    expect(b["text/html"]).toContain("2 rows × 2 columns");
    expect(b["text/plain"]).toContain("close");
  });

  it("follows an Arquero table's filter and order", () => {
    const t = aq
      .table({ x: [3, 1, 2, 5] })
      .filter((d: { x: number }) => d.x > 1)
      .orderby("x");
    const html = mimeBundleOf(t).data["text/html"] as string;
    expect(html).toContain("3 rows × 1 column");
    const cells = [...html.matchAll(/<td class="omq-num">(\d+)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(["2", "3", "5"]);
  });

  it("shows a DuckDB materialized result with DuckDB's column types", async () => {
    const con = await instance.connect();
    const result = await con.run(
      "select range as i, range * 0.5::double as x, 'r' || range as s, DATE '2024-01-01' + range::int as d from range(5000)",
    );
    const b = mimeBundleOf(result).data;
    const html = b["text/html"] as string;
    expect(html).toContain("5,000 rows × 4 columns");
    for (const t of ["BIGINT", "DOUBLE", "VARCHAR", "DATE"]) expect(html).toContain(`<span class="omq-type">${t}</span>`);
    expect(html).toContain("r4999"); // last row, from the last chunk
    expect(html).toContain("2024-01-01");
    // a second display of the same result reads the same rows
    expect(mimeBundleOf(result).data["text/html"]).toBe(html);
    con.closeSync();
  });

  it("shows a DuckDB result reader", async () => {
    const con = await instance.connect();
    const reader = await con.runAndReadAll("select 1 as a, 'x' as b union all select 2, 'y'");
    const b = mimeBundleOf(reader).data;
    expect(b["text/html"]).toContain("2 rows × 2 columns");
    expect(b["text/html"]).toContain("INTEGER");
    con.closeSync();
  });

  it("explains instead of reading a streaming DuckDB result", async () => {
    const con = await instance.connect();
    const streaming = await con.stream("select 1 as a");
    const b = mimeBundleOf(streaming).data;
    expect(Object.keys(b)).toEqual(["text/plain"]);
    expect(b["text/plain"]).toMatch(/streaming result with columns a/);
    con.closeSync();
  });

  it("shows a non-empty array of plain records as a table, other arrays as text", () => {
    expect(mimeBundleOf([{ a: 1 }, { a: 2, b: "x" }]).data["text/html"]).toContain("2 rows × 2 columns");
    expect(Object.keys(mimeBundleOf([]).data)).toEqual(["text/plain"]);
    expect(Object.keys(mimeBundleOf([{ a: 1 }, 2]).data)).toEqual(["text/plain"]);
    expect(Object.keys(mimeBundleOf([new Date()]).data)).toEqual(["text/plain"]);
  });

  it("shows a Plotly figure as a plot bundle", () => {
    const b = mimeBundleOf({ data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: "t" } }).data;
    expect(b[PLOTLY_MIME]).toMatchObject({ data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: "t" } });
    expect(b["text/html"]).toContain("Plotly.newPlot");
    expect(b["text/plain"]).toBe('Plotly figure: 1 trace, "t"');
  });

  it("does not take any object with a data array for a figure", () => {
    expect(Object.keys(mimeBundleOf({ data: [1, 2, 3] }).data)).toEqual(["text/plain"]);
    expect(Object.keys(mimeBundleOf({ data: [{ x: [1] }], status: "ok" }).data)).toEqual(["text/plain"]);
  });

  it("shows PNG bytes as image/png base64", () => {
    const b = mimeBundleOf(PNG).data;
    expect(b["image/png"]).toBe(PNG.toString("base64"));
    expect(b["text/plain"]).toBe("<PNG image 1×1, 68 bytes>");
    expect(mimeBundleOf(new Uint8Array(PNG)).data["image/png"]).toBe(PNG.toString("base64"));
    expect(Object.keys(mimeBundleOf(Buffer.from("not a png")).data)).toEqual(["text/plain"]);
  });
});
