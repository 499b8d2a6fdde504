import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Cell, Notebook } from "./nbformat.js";
import {
  decodeParameters,
  encodeParameters,
  injectParameters,
  literalOf,
  parametersSource,
  parseIsoDate,
  parseParamArgs,
  parseParamValue,
  readParamsFile,
  resolveParameters,
  typeOf,
} from "./parameters.js";
import { removeTempDirs, tempDir } from "./test-notebooks.js";

afterAll(removeTempDirs);

const code = (source: string, tags?: string[], id?: string): Cell => ({
  ...(id ? { id } : {}),
  cell_type: "code",
  metadata: tags ? { tags } : {},
  source,
  execution_count: null,
  outputs: [],
});
const md = (source: string): Cell => ({ cell_type: "markdown", metadata: {}, source });
const notebook = (cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const src = (c: Cell | undefined): string => (c === undefined ? "" : Array.isArray(c.source) ? c.source.join("") : c.source);
const tags = (c: Cell | undefined): unknown => c?.metadata["tags"];

describe("parseParamValue", () => {
  it("reads JSON numbers, booleans, null, arrays and objects", () => {
    expect(parseParamValue("20")).toBe(20);
    expect(parseParamValue("-1.5e3")).toBe(-1500);
    expect(parseParamValue("true")).toBe(true);
    expect(parseParamValue("null")).toBe(null);
    expect(parseParamValue('["AAPL","MSFT"]')).toEqual(["AAPL", "MSFT"]);
    expect(parseParamValue('{"a":1,"b":"x"}')).toEqual({ a: 1, b: "x" });
  });

  it("keeps text that is not JSON as a string", () => {
    expect(parseParamValue("AAPL")).toBe("AAPL");
    expect(parseParamValue("hello world")).toBe("hello world");
    expect(parseParamValue("")).toBe("");
    expect(parseParamValue("[1,")).toBe("[1,");
  });

  it("turns ISO dates and date-times into Dates, read as UTC without a zone", () => {
    expect(parseParamValue("2020-01-31")).toEqual(new Date("2020-01-31T00:00:00.000Z"));
    expect(parseParamValue("2020-01-31T10:00:00Z")).toEqual(new Date("2020-01-31T10:00:00.000Z"));
    expect(parseParamValue("2020-01-31T10:00")).toEqual(new Date("2020-01-31T10:00:00.000Z"));
    expect(parseParamValue("2020-01-31T10:00:00+02:00")).toEqual(new Date("2020-01-31T08:00:00.000Z"));
    expect(parseParamValue('["2020-01-31", 3]')).toEqual([new Date("2020-01-31T00:00:00.000Z"), 3]);
  });

  it("keeps a quoted JSON string a string even when it looks like a date", () => {
    expect(parseParamValue('"2020-01-31"')).toBe("2020-01-31");
    expect(parseParamValue('"20"')).toBe("20");
  });

  it("does not take impossible calendar dates for dates", () => {
    expect(parseIsoDate("2021-02-30")).toBeUndefined();
    expect(parseIsoDate("2021-13-01")).toBeUndefined();
    expect(parseParamValue("2021-02-30")).toBe("2021-02-30");
    expect(parseIsoDate("2024-02-29")).toEqual(new Date("2024-02-29T00:00:00Z"));
  });
});

describe("parseParamArgs", () => {
  it("parses name=value pairs, later ones winning, and keeps = inside values", () => {
    expect(parseParamArgs(["window=20", "expr=a=b", "window=30"])).toEqual({ window: 30, expr: "a=b" });
  });

  it("rejects a pair without a name", () => {
    expect(() => parseParamArgs(["=3"])).toThrow(/name=value/);
    expect(() => parseParamArgs(["window"])).toThrow(/name=value/);
  });

  it("names the bad parameter when it is not an identifier", () => {
    expect(() => parseParamArgs(["my-window=3"])).toThrow(/"my-window" is not a valid TypeScript identifier/);
    expect(() => parseParamArgs(["2x=3"])).toThrow(/"2x"/);
    expect(() => parseParamArgs(["class=3"])).toThrow(/"class"/);
  });

  it("accepts identifiers with $, _ and letters beyond ASCII", () => {
    expect(parseParamArgs(["$x=1", "_y=2", "größe=3"])).toEqual({ $x: 1, _y: 2, größe: 3 });
  });
});

describe("typeOf and literalOf", () => {
  it("types scalars, dates and null", () => {
    expect(typeOf(1)).toBe("number");
    expect(typeOf("a")).toBe("string");
    expect(typeOf(false)).toBe("boolean");
    expect(typeOf(null)).toBe("null");
    expect(typeOf(new Date(0))).toBe("Date");
  });

  it("types arrays by their elements: one type, a union for mixed ones, unknown[] when empty", () => {
    expect(typeOf(["AAPL", "MSFT"])).toBe("string[]");
    expect(typeOf([1, "a", 2])).toBe("(number | string)[]");
    expect(typeOf([1, null])).toBe("(number | null)[]");
    expect(typeOf([])).toBe("unknown[]");
    expect(typeOf([[1], [2, 3]])).toBe("number[][]");
    expect(typeOf([[1], ["a"]])).toBe("(number[] | string[])[]");
  });

  it("types objects as type literals, recursively", () => {
    expect(typeOf({ a: 1, b: "x" })).toBe("{ a: number; b: string }");
    expect(typeOf({ cfg: { fast: 5, slow: [10, 20] }, "odd-key": true })).toBe('{ cfg: { fast: number; slow: number[] }; "odd-key": boolean }');
    expect(typeOf([{ a: 1 }, { a: 2 }])).toBe("{ a: number }[]");
  });

  it("writes literals that evaluate back to the value", () => {
    const value = { a: [1, "x", null, true], d: new Date("2020-01-31T00:00:00Z"), "k-2": { n: -0.5 } };
    expect(literalOf(value)).toBe('{ a: [1, "x", null, true], d: new Date("2020-01-31T00:00:00.000Z"), "k-2": { n: -0.5 } }');
    const back = new Function(`return ${literalOf(value)};`)() as unknown;
    expect(back).toEqual(value);
  });

  it("writes a __proto__ key as an own property, not a prototype", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as { [k: string]: never };
    const back = new Function(`return ${literalOf(value)};`)() as object;
    expect(Object.keys(back)).toEqual(["__proto__"]);
  });

  it("writes non-finite numbers YAML can produce", () => {
    expect(literalOf(Infinity)).toBe("Infinity");
    expect(literalOf(-Infinity)).toBe("-Infinity");
    expect(literalOf(NaN)).toBe("NaN");
  });
});

describe("parametersSource", () => {
  it("declares one typed const per parameter", () => {
    const source = parametersSource({ tickers: ["AAPL", "MSFT"], window: 20, start: new Date("2020-01-31T00:00:00Z"), cfg: { a: 1, b: "x" } });
    expect(source.split("\n")).toEqual([
      "// Parameters injected by omq run",
      'const tickers: string[] = ["AAPL", "MSFT"];',
      "const window: number = 20;",
      'const start: Date = new Date("2020-01-31T00:00:00.000Z");',
      'const cfg: { a: number; b: string } = { a: 1, b: "x" };',
    ]);
  });

  it("declares empty arrays and null with explicit types", () => {
    expect(parametersSource({ xs: [], nothing: null })).toContain("const xs: unknown[] = [];\nconst nothing: null = null;");
  });
});

describe("parameter files", () => {
  const dir = tempDir("omq-params-");

  it("reads JSON files", () => {
    const f = join(dir, "p.json");
    writeFileSync(f, JSON.stringify({ window: 20, tickers: ["A"], start: "2021-03-01" }));
    expect(readParamsFile(f)).toEqual({ window: 20, tickers: ["A"], start: new Date("2021-03-01T00:00:00Z") });
  });

  it("reads YAML files, .yaml and .yml", () => {
    const f = join(dir, "p.yaml");
    writeFileSync(f, "window: 20\ntickers:\n  - AAPL\n  - MSFT\nstart: 2020-01-31\ncfg:\n  fast: 5\n  name: x\n");
    expect(readParamsFile(f)).toEqual({ window: 20, tickers: ["AAPL", "MSFT"], start: new Date("2020-01-31T00:00:00Z"), cfg: { fast: 5, name: "x" } });
    const g = join(dir, "p.yml");
    writeFileSync(g, "a: true\n");
    expect(readParamsFile(g)).toEqual({ a: true });
  });

  it("rejects files that are not mappings, not parseable, or with bad names", () => {
    const list = join(dir, "list.yaml");
    writeFileSync(list, "- 1\n- 2\n");
    expect(() => readParamsFile(list)).toThrow(/list\.yaml: the parameters file is not a mapping/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ window: 20 ");
    expect(() => readParamsFile(bad)).toThrow(/bad\.json: the parameters file is not valid JSON/);
    const name = join(dir, "name.json");
    writeFileSync(name, JSON.stringify({ "bad name": 1 }));
    expect(() => readParamsFile(name)).toThrow(/"bad name" is not a valid TypeScript identifier/);
    expect(() => readParamsFile(join(dir, "missing.yaml"))).toThrow(/missing\.yaml: cannot read the parameters file/);
  });

  it("lets -p override -f", () => {
    const f = join(dir, "base.json");
    writeFileSync(f, JSON.stringify({ window: 20, name: "base" }));
    expect(resolveParameters({ files: [f], pairs: ["window=50"] })).toEqual({ window: 50, name: "base" });
  });
});

describe("encodeParameters / decodeParameters", () => {
  it("round-trips dates through JSON", () => {
    const p = { start: new Date("2020-01-31T00:00:00Z"), xs: [new Date(0), 1], s: "2020-01-31" };
    const back = decodeParameters(JSON.parse(JSON.stringify(encodeParameters(p))));
    expect(back).toEqual(p);
  });
});

describe("injectParameters", () => {
  it("puts the injected cell right after the cell tagged parameters", () => {
    const nb = notebook([md("# t"), code("const window = 5;", ["parameters"], "p"), code("window * 2", undefined, "c")]);
    const res = injectParameters(nb, { window: 20 });
    expect(res).toEqual({ index: 2, warnings: [] });
    expect(nb.cells.map((c) => c.id ?? c.cell_type)).toEqual(["markdown", "p", "injected-parameters", "c"]);
    expect(tags(nb.cells[2])).toEqual(["injected-parameters"]);
    expect(src(nb.cells[2])).toContain("const window: number = 20;");
  });

  it("replaces an earlier injected cell instead of adding a second one", () => {
    const nb = notebook([code("const a = 1;", ["parameters"], "p"), code("const a: number = 2;", ["injected-parameters"], "old"), code("a", undefined, "c")]);
    injectParameters(nb, { a: 3 });
    expect(nb.cells.map((c) => c.id)).toEqual(["p", "old", "c"]);
    expect(src(nb.cells[1])).toContain("const a: number = 3;");
    expect(nb.cells.filter((c) => (tags(c) as string[] | undefined)?.includes("injected-parameters"))).toHaveLength(1);
  });

  it("puts the injected cell first, with a warning, when no cell is tagged parameters", () => {
    const nb = notebook([code("1", undefined, "a"), code("2", undefined, "b")]);
    const res = injectParameters(nb, { x: 1 });
    expect(res.index).toBe(0);
    expect(res.warnings[0]).toMatch(/no cell tagged 'parameters'/);
    expect(nb.cells.map((c) => c.id)).toEqual(["injected-parameters", "a", "b"]);
  });

  it("injects nothing without parameters", () => {
    const nb = notebook([code("1", ["parameters"], "a")]);
    expect(injectParameters(nb, {})).toEqual({ index: -1, warnings: [] });
    expect(nb.cells).toHaveLength(1);
  });

  it("uses only the first cell tagged parameters", () => {
    const nb = notebook([code("1", ["parameters"], "a"), code("2", ["parameters"], "b")]);
    injectParameters(nb, { x: 1 });
    expect(nb.cells.map((c) => c.id)).toEqual(["a", "injected-parameters", "b"]);
  });
});
