import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "./executor.js";
import { isComplete } from "./compiler.js";

const ex = new Executor({ cwd: mkdtempSync(join(tmpdir(), "omq-exec-")) });

describe("a fresh executor", () => {
  it("runs top-level await in its very first cell, which declares nothing", async () => {
    const fresh = new Executor({ cwd: mkdtempSync(join(tmpdir(), "omq-exec-")) });
    expect(await fresh.execute("await new Promise((r) => setTimeout(r, 5));\n7", { executionCount: 1 })).toEqual({ status: "ok", hasResult: true, result: 7 });
  });
});
let n = 0;
const run = (code: string) => ex.execute(code, { executionCount: ++n });
const value = async (code: string) => {
  const r = await run(code);
  if (r.status !== "ok") throw new Error(`${r.ename}: ${r.evalue}\n${r.traceback.join("\n")}`);
  return r.result;
};

describe("Executor", () => {
  it("keeps top-level declarations across cells, with their types", async () => {
    await value("const base = 40; let counter = 1; function add(a: number, b: number) { return a + b; }");
    expect(await value("counter += 1; add(base, counter)")).toBe(42);
  });

  it("lets a later cell redeclare a name with another type", async () => {
    await value("const shadow = 1;");
    await value('const shadow = "text";');
    expect(await value("shadow.toUpperCase()")).toBe("TEXT");
  });

  it("reports type errors with line and column, and runs nothing", async () => {
    const r = await run("globalThis.sideEffect = 1;\nconst s: string = 5;");
    expect(r.status).toBe("error");
    if (r.status === "error") {
      expect(r.ename).toBe("TypeScriptError");
      expect(r.evalue).toMatch(/^line 2, column 7: Type 'number' is not assignable to type 'string'/);
      expect(r.traceback[0]).toMatch(/^cell:2:7 - error TS2322/);
    }
    expect((globalThis as Record<string, unknown>).sideEffect).toBeUndefined();
  });

  it("refuses assignment to an earlier cell's const", async () => {
    await value("const fixed = 1;");
    const r = await run("fixed = 2;");
    expect(r.status).toBe("error");
    if (r.status === "error") expect(r.evalue).toMatch(/Cannot assign to 'fixed' because it is a constant/);
  });

  it("supports top-level await with hoisted declarations, classes and destructuring", async () => {
    await value("class Box { constructor(public v: number) {} }\nconst { a, b: [c] } = await Promise.resolve({ a: 1, b: [2] });\nconst box = new Box(a + c);");
    expect(await value("box.v + new Box(1).v")).toBe(4);
  });

  it("imports ESM packages (arquero) and CommonJS packages, default and named", async () => {
    expect(await value('import * as aq from "arquero";\nimport { op } from "arquero";\naq.table({ x: [1, 2, 3] }).rollup({ s: op.sum("x") }).get("s", 0)')).toBe(6);
    expect(await value('import YAML from "yaml";\nYAML.parse("a: 1").a')).toBe(1);
    expect(await value('import { readFileSync } from "node:fs";\ntypeof readFileSync')).toBe("function");
  });

  it("imports an ESM package with top-level await from the notebook's own node_modules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "omq-tla-"));
    const pkg = join(dir, "node_modules", "tla-pkg");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "tla-pkg", type: "module", exports: { ".": { types: "./index.d.ts", import: "./index.js" } } }));
    writeFileSync(join(pkg, "index.js"), "export const answer = await Promise.resolve(42);\nexport default function twice(x) { return 2 * x; }\n");
    writeFileSync(join(pkg, "index.d.ts"), "export declare const answer: number;\nexport default function twice(x: number): number;\n");
    const local = new Executor({ cwd: dir });
    const r = await local.execute('import twice, { answer } from "tla-pkg";\ntwice(answer)', { executionCount: 1 });
    expect(r).toEqual({ status: "ok", hasResult: true, result: 84 });
  });

  it("gives no result when the last statement is not an expression", async () => {
    const r = await run("const z = 3;");
    expect(r).toEqual({ status: "ok", hasResult: false, result: undefined });
  });

  it("reports runtime errors with their name and message", async () => {
    const r = await run('throw new RangeError("out of range")');
    expect(r.status === "error" && [r.ename, r.evalue]).toEqual(["RangeError", "out of range"]);
  });

  describe("runtime errors point at the cell's own TypeScript lines", () => {
    /** 1-based line and column of the first `marker` in `code` (where V8 reports the error). */
    const at = (code: string, marker: string) => {
      const before = code.slice(0, code.indexOf(marker));
      const lines = before.split("\n");
      return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
    };
    /** The marked line of the shown context, its number padding removed. */
    const marked = (traceback: string[]) => traceback.find((l) => l.startsWith("-->"))?.replace(/^--> +/, "--> ");
    const errorOf = async (code: string) => {
      const r = await run(code);
      if (r.status !== "error") throw new Error("expected an error");
      return { r, label: `cell[${n}]` };
    };
    // Type-only lines vanish from the JavaScript and TypeScript re-indents: the compiled lines and columns differ.
    const typeLines = ["interface Pt { x: number; y: number }", "type Id = string;", "declare const nothing: unknown;", "", "// a comment"];

    it.each([0, 1, 3, 5])("a throw after %i type-only lines, sync and with top-level await", async (k) => {
      for (const prelude of ["", "await Promise.resolve();\n"]) {
        const code = `${typeLines.slice(0, k).join("\n")}${k ? "\n" : ""}${prelude}const xs: number[] = [1, 2];\nif (xs.length > 1) {\n    throw new RangeError("too long: " + xs.length);\n}`;
        const { r, label } = await errorOf(code);
        const p = at(code, "new RangeError");
        expect(r.ename).toBe("RangeError");
        expect(r.traceback).toContain(`    at ${label}:${p.line}:${p.column}`);
        expect(r.traceback).toContain(`${label}, line ${p.line}:`);
        expect(marked(r.traceback)).toBe(`--> ${p.line} |     throw new RangeError("too long: " + xs.length);`);
        expect(r.traceback.join("\n")).not.toMatch(/__omq|node:vm/);
      }
    });

    it("a function from an earlier cell: its frame in that cell, the caller's in this one", async () => {
      const lib = `${typeLines.join("\n")}\nfunction norm(p: Pt | undefined): number {\n  return Math.hypot(p!.x, p!.y);\n}`;
      await value(lib);
      const libLabel = `cell[${n}]`;
      const code = `const pts: (Pt | undefined)[] = [undefined];\n\nconst lengths = pts.map((q) => norm(q));`;
      const { r, label } = await errorOf(code);
      const inLib = at(lib, "x, p!.y");
      const inCell = at(code, "norm(q)");
      expect(r.traceback.some((l) => l.includes(`(${libLabel}:${inLib.line}:${inLib.column})`))).toBe(true);
      expect(r.traceback.some((l) => l.includes(`${label}:${inCell.line}:${inCell.column}`))).toBe(true);
      // The lines shown are the innermost frame's: the earlier cell's.
      expect(r.traceback).toContain(`${libLabel}, line ${inLib.line}:`);
      expect(marked(r.traceback)).toBe(`--> ${inLib.line} |   return Math.hypot(p!.x, p!.y);`);
    });

    it("a method of a class declared in the cell, and the caret under the column", async () => {
      const code = `class Account {\n  constructor(public cash: number) {}\n  withdraw(amount: number): void {\n    if (amount > this.cash) throw new Error("overdrawn");\n  }\n}\nnew Account(10).withdraw(20);`;
      const { r, label } = await errorOf(code);
      const p = at(code, "new Error");
      expect(r.traceback.some((l) => l.includes(`Account.withdraw (${label}:${p.line}:${p.column})`))).toBe(true);
      const i = r.traceback.indexOf(`--> ${p.line} |     if (amount > this.cash) throw new Error("overdrawn");`);
      expect(i).toBeGreaterThan(0);
      expect(r.traceback[i + 1]!.indexOf("^")).toBe(r.traceback[i]!.indexOf("| ") + 2 + p.column - 1);
    });
  });

  it("names a module it cannot find", async () => {
    const r = await run('import { x } from "no-such-package-omq";\nx');
    expect(r.status).toBe("error");
  });
});

describe("isComplete", () => {
  it.each(["1", "function f() { return 1 }", "`a\nb`", "const x = [1,\n 2]", ""])("complete: %j", (code) => expect(isComplete(code).status).toBe("complete"));
  it.each(["function f() {", "`abc", "const x = [1, 2,", "if (true) {\n  1", "/* open", "x = 1 +"])("incomplete: %j", (code) => expect(isComplete(code).status).toBe("incomplete"));
  it.each(["1 +* 2)", ")", "const 'x' = 1", "'unterminated", "let = = 2;"])("invalid: %j", (code) => expect(isComplete(code).status).toBe("invalid"));
  it("suggests an indent after an open brace", () => expect(isComplete("if (x) {").indent).toBe("  "));
});
