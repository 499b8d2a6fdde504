import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { formatCell, formatNumber, tableBundle } from "./index.js";

const html = (v: unknown, opts = {}) => tableBundle(v, opts)["text/html"] as string;
const text = (v: unknown, opts = {}) => tableBundle(v, opts)["text/plain"] as string;

describe("tableBundle", () => {
  it("puts each column's name and inferred type in the header", () => {
    const rows = [
      { n: 1.5, s: "a", d: new Date("2024-01-02T00:00:00Z"), b: true, big: 5n, o: { k: 1 } },
      { n: 2, s: "b", d: new Date("2024-01-03T12:30:00Z"), b: false, big: 6n, o: [1, 2] },
    ];
    const h = html(rows);
    for (const [name, type] of [
      ["n", "number"],
      ["s", "string"],
      ["d", "date"],
      ["b", "boolean"],
      ["big", "bigint"],
      ["o", "object"],
    ]) {
      expect(h).toMatch(new RegExp(`<th[^>]*>${name}<span class="omq-type">${type}</span></th>`));
    }
    expect(h).toContain("2024-01-02<"); // midnight UTC: date only
    expect(h).toContain("2024-01-03T12:30:00Z");
  });

  it("calls a column with values of different kinds mixed, and one with only nulls null", () => {
    const h = html([{ m: 1, z: null }, { m: "x", z: undefined }]);
    expect(h).toContain('m<span class="omq-type">mixed</span>');
    expect(h).toContain('z<span class="omq-type">null</span>');
  });

  it("types Float64Array columns as numbers and accepts an object of columns", () => {
    const h = html({ t: [1, 2, 3], px: new Float64Array([1.1, 2.2, 3.3]) });
    expect(h).toContain('px<span class="omq-type">number</span>');
    expect(h).toContain("3 rows × 2 columns");
  });

  it("rejects columns of different lengths with a whole sentence", () => {
    expect(() => tableBundle({ a: [1, 2], b: [1] })).toThrow(
      'display.table: column "b" has 1 values, expected 2 like column "a". All columns of a table must have the same length.',
    );
    expect(() => tableBundle(42)).toThrow(/cannot show this value as a table.*found number/);
  });

  it("counts rows and columns with thousands separators in the caption line", () => {
    const t = aq.table({ a: Array.from({ length: 7126 }, (_, i) => i) });
    expect(html(t, { caption: "Prices" })).toContain("<caption>Prices · 7,126 rows × 1 column</caption>");
    expect(text(t)).toMatch(/^7,126 rows × 1 column\n/);
  });

  it("cuts the middle of a long table: first maxRows/2, a … row, last maxRows/2", () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ i }));
    const h = html(rows, { maxRows: 6 });
    const shown = [...h.matchAll(/<tr><th>(\d+)<\/th>/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([0, 1, 2, 97, 98, 99]);
    expect(h.match(/class="omq-gap"/g)).toHaveLength(1);
    const lines = text(rows, { maxRows: 6 }).split("\n");
    expect(lines).toHaveLength(1 + 2 + 7); // caption, name, type, 6 rows and the gap
    expect(lines[6]).toMatch(/^\s*…\s+…$/);
    expect(html(rows)).toContain("<tr><th>9</th>"); // default maxRows 20
    expect(html(rows)).not.toContain("<tr><th>10</th>");
    expect(html(rows)).toContain("<tr><th>90</th>");
  });

  it("escapes HTML in column names, values and the caption", () => {
    const h = html([{ "<b>col</b>": "<script>alert(1)</script> & \"q\"" }], { caption: "<i>cap</i>" });
    expect(h).not.toContain("<script>alert");
    expect(h).not.toContain("<b>col");
    expect(h).not.toContain("<i>cap");
    expect(h).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;");
    expect(h).toContain("&lt;b&gt;col&lt;/b&gt;");
  });

  it("shows null, undefined, NaN and invalid dates as empty muted cells", () => {
    const h = html([{ a: null, b: undefined, c: NaN, d: new Date("nope") }]);
    expect(h.match(/<td class="omq-null"><\/td>/g)).toHaveLength(4);
  });

  it("aligns plain-text columns, numbers to the right", () => {
    const t = text([
      { sym: "AAPL", px: 189.5 },
      { sym: "MSFT", px: 1024.25 },
    ]);
    expect(t).toBe(
      ["2 rows × 2 columns", "   sym          px", "   string   number", "0  AAPL      189.5", "1  MSFT    1024.25"].join("\n"),
    );
  });

  it("scopes its CSS under .omq-table", () => {
    const style = html([{ a: 1 }]).match(/<style>([\s\S]*?)<\/style>/)![1]!;
    for (const rule of style.trim().split("\n")) expect(rule.startsWith(".omq-table")).toBe(true);
  });
});

describe("formatNumber", () => {
  it("drops floating-point noise but keeps up to 6 decimals", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(123.456789123)).toBe("123.456789");
    expect(formatNumber(0.000123456789)).toBe("0.000123457");
    expect(formatNumber(1e-9)).toBe("1e-9");
    expect(formatNumber(-2.5e20)).toBe("-2.5e20");
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(-0.0000001)).toBe("-1e-7");
    expect(formatNumber(-1e-12 + 1e-12)).toBe("0");
    expect(formatNumber(Infinity)).toBe("Infinity");
  });

  it("formats cells: dates ISO, DuckDB-like values with their own toString", () => {
    class Decimal {
      toString() {
        return "1.25";
      }
    }
    expect(formatCell(new Decimal())).toBe("1.25");
    expect(formatCell(new Date("2024-03-01T09:30:00.250Z"))).toBe("2024-03-01T09:30:00.250Z");
    expect(formatCell({ a: [1, 2] })).toBe("{ a: [ 1, 2 ] }");
  });
});
