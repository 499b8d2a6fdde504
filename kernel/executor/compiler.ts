// The cell compiler: type-checks each notebook cell with the TypeScript language service, then turns it into a
// script that runs in the kernel's global scope.
//
// Type model. Every executed cell is kept as a virtual module `__omq_cell_<k>.ts` that exports all its top-level
// names. A new cell is checked as a module whose (hidden, appended) prelude imports from earlier cells the latest
// definition of every name it does not declare itself, so a cell may redeclare a name an earlier cell declared
// (the new declaration shadows the old one, as in a REPL). Imports go at the end of the file: user line/column
// positions are unchanged.
//
// Runtime model. The cell is transpiled to JavaScript (types erased, imports kept) and rewritten into a classic
// script: top-level `let`/`const`/`class` become `var` (global, redeclarable), imports read preloaded modules, and
// the last expression statement becomes the cell's result. A cell with top-level `await` runs in an async wrapper
// with its declarations hoisted to the global scope (the same transform Node's REPL applies).
import type * as TS from "typescript";
import ts from "./typescript.js";
import { SourceMap } from "node:module";
import { join, resolve as resolvePath } from "node:path";
import { packageRoot } from "../../lib/util/package-root.js";

export interface CellDiagnostic {
  line: number; // 1-based
  column: number; // 1-based
  code: number;
  message: string;
}

export interface CompiledCell {
  /** The script to run with vm.runInThisContext. */
  script: string;
  /** True when the script evaluates to a Promise of the cell's result (top-level await). */
  isAsync: boolean;
  /** True when the cell ends in an expression statement whose value is the result. */
  hasResult: boolean;
  /** Module specifiers the cell imports, to preload before running it. */
  imports: string[];
  /** Names the cell declares at top level, with their declaration kind. */
  declared: Map<string, DeclKind>;
  /**
   * Where a position of the script (1-based line and column, as in V8's stack traces) is in the cell's TypeScript
   * source, or undefined for the script's own scaffolding.
   */
  position(line: number, column: number): { line: number; column: number } | undefined;
}

export type DeclKind = "const" | "let" | "var" | "function" | "class" | "import" | "type" | "enum" | "namespace";

export type CompileResult = { ok: true; cell: CompiledCell; version: number } | { ok: false; diagnostics: CellDiagnostic[] };

export interface CompilerOptions {
  /** Directory that relative imports and `node_modules` lookups start from (the notebook's directory). */
  cwd: string;
}

const RESULT_VAR = "__omq_result__";
const RUNTIME = "__omq__";

export class CellCompiler {
  private readonly cwd: string;
  private readonly root = packageRoot();
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly service: TS.LanguageService;
  private readonly options: TS.CompilerOptions;
  /** Latest definition of each top-level name: the cell file that declares it, and how. */
  private readonly scope = new Map<string, { file: string; kind: DeclKind }>();
  private cellCounter = 0;
  /** Bumped on every change to a virtual file, so the language service skips re-synchronising when nothing changed. */
  private projectVersion = 0;
  private readonly currentFile: string;
  private readonly globalsFile: string;

  constructor(opts: CompilerOptions) {
    this.cwd = resolvePath(opts.cwd);
    this.currentFile = join(this.cwd, "__omq_current__.ts");
    this.globalsFile = join(this.cwd, "__omq_globals__.d.ts");
    this.options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [join(this.root, "node_modules", "@types")],
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      allowJs: true,
      strict: false,
      noEmit: true,
      allowImportingTsExtensions: true,
      // Module resolution is TypeScript's own (so its package.json cache works): earlier cells are virtual files
      // beside the notebook; `omniquant` and the packages OmniQuant ships resolve from its root, from any directory.
      paths: {
        omniquant: [join(this.root, ".build", "lib", "index.d.ts")],
        "omniquant/display": [join(this.root, ".build", "kernel", "display", "index.d.ts")],
        "omniquant/*": [join(this.root, ".build", "lib", "*", "index.d.ts")],
        "*": [join(this.cwd, "node_modules", "*"), join(this.root, "node_modules", "*"), join(this.root, "node_modules", "@types", "*")],
      },
    };
    this.files.set(
      this.globalsFile,
      {
        text: [
          `declare var display: ReturnType<typeof import("omniquant/display").createDisplay>;`,
          `/** Asks the notebook's user for a line of text (Jupyter's stdin channel); { password: true } hides it. */`,
          `declare var input: (prompt?: string, opts?: { password?: boolean }) => Promise<string>;`,
          `declare var ${RESULT_VAR}: unknown;`,
        ].join("\n"),
        version: 1,
      },
    );
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const v = this.files.get(f);
        if (v) return ts.ScriptSnapshot.fromString(v.text);
        // Library and package files are read once per session: the service asks for every file on each update.
        let snap = this.snapshots.get(f);
        if (!snap) {
          const text = this.readDiskFile(f);
          if (text === undefined) return undefined;
          snap = ts.ScriptSnapshot.fromString(text);
          if (f.includes("/node_modules/") || f.endsWith(".d.ts")) this.snapshots.set(f, snap);
        }
        return snap;
      },
      getCurrentDirectory: () => this.cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.files.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.files.get(f)?.text ?? this.readDiskFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  private readonly diskCache = new Map<string, string | undefined>();
  private readonly snapshots = new Map<string, TS.IScriptSnapshot>();

  /** package.json files and installed packages do not change under a running kernel: read them once. */
  private readDiskFile(f: string): string | undefined {
    if (!f.endsWith("package.json") && !f.includes("/node_modules/")) return ts.sys.readFile(f);
    if (!this.diskCache.has(f)) this.diskCache.set(f, ts.sys.readFile(f));
    return this.diskCache.get(f);
  }

  /** Warms the language service (loads lib and @types/node) so the first cell is fast. */
  warmUp(): void {
    this.check("const __warm = 1;\n__warm", false);
  }

  private setCurrent(text: string): void {
    const prev = this.files.get(this.currentFile);
    if (prev?.text === text) return;
    this.files.set(this.currentFile, { text, version: (prev?.version ?? 0) + 1 });
    this.projectVersion++;
  }

  /** The hidden suffix: imports of earlier definitions of the names this cell does not declare, then its exports. */
  private suffixFor(declared: Set<string>): string {
    const byFile = new Map<string, string[]>();
    for (const [name, def] of this.scope) {
      if (declared.has(name)) continue;
      const list = byFile.get(def.file) ?? [];
      list.push(name);
      byFile.set(def.file, list);
    }
    let s = "\n;\n";
    for (const [file, names] of byFile) {
      const mod = "./" + file.slice(this.cwd.length + 1).replace(/\.ts$/, "");
      s += `import { ${names.join(", ")} } from ${JSON.stringify(mod)};\n`;
    }
    // Always a module (top-level await needs one), exporting what the cell declares.
    s += `export { ${[...declared].join(", ")} };\n`;
    return s;
  }

  private check(src: string, report: boolean): { diagnostics: CellDiagnostic[]; declared: Map<string, DeclKind>; sf: TS.SourceFile } {
    const sf0 = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const declared = topLevelDeclarations(sf0);
    this.setCurrent(src + this.suffixFor(new Set(declared.keys())));
    if (!report) {
      this.service.getSemanticDiagnostics(this.currentFile);
      return { diagnostics: [], declared, sf: sf0 };
    }
    const syntactic = this.service.getSyntacticDiagnostics(this.currentFile);
    const semantic = syntactic.length > 0 ? [] : this.service.getSemanticDiagnostics(this.currentFile);
    const diagnostics: CellDiagnostic[] = [];
    for (const d of [...syntactic, ...semantic]) {
      if (d.start === undefined || d.start >= src.length) {
        // Errors inside the hidden suffix are consequences of errors in the cell, which are reported on their own.
        if (d.start !== undefined) continue;
      }
      let message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      if (d.code === 2632 && d.start !== undefined) {
        // "Cannot assign to 'x' because it is an import": earlier cells' `let`/`var` are assignable in a REPL.
        const name = /'([^']+)'/.exec(message)?.[1];
        const kind = name ? this.scope.get(name)?.kind : undefined;
        if (kind === "let" || kind === "var") continue;
        if (kind) message = `Cannot assign to '${name}' because it is a ${kind === "import" ? "an import" : kind === "const" ? "constant" : kind} declared in an earlier cell.`;
      }
      const pos = d.start === undefined ? { line: 0, character: 0 } : sf0.getLineAndCharacterOfPosition(d.start);
      diagnostics.push({ line: pos.line + 1, column: pos.character + 1, code: d.code, message });
    }
    return { diagnostics, declared, sf: sf0 };
  }

  /** Type-checks and compiles a cell. Nothing is committed until `commit` is called after a successful run. */
  compile(src: string): CompileResult {
    const { diagnostics, declared } = this.check(src, true);
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    const out = ts.transpileModule(src, {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        esModuleInterop: true,
        experimentalDecorators: true,
        sourceMap: true,
      },
      fileName: "cell.ts",
      reportDiagnostics: false,
    });
    const js = out.outputText.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n");
    const map = out.sourceMapText ? new SourceMap(JSON.parse(out.sourceMapText) as ConstructorParameters<typeof SourceMap>[0]) : undefined;
    const cell = toScript(js, declared, map);
    return { ok: true, cell, version: this.cellCounter + 1 };
  }

  /** Makes a successfully executed cell's declarations visible to later cells. */
  commit(src: string, declared: Map<string, DeclKind>): void {
    if (declared.size === 0) return;
    const k = ++this.cellCounter;
    const file = join(this.cwd, `__omq_cell_${k}.ts`);
    this.files.set(file, { text: src + this.suffixFor(new Set(declared.keys())), version: 1 });
    this.projectVersion++;
    for (const [name, kind] of declared) this.scope.set(name, { file, kind });
  }

  completions(src: string, cursor: number): { matches: string[]; start: number; end: number } {
    const { declared } = this.check(src, false);
    void declared;
    const info = this.service.getCompletionsAtPosition(this.currentFile, cursor, { includeCompletionsForModuleExports: false, includeCompletionsWithInsertText: true });
    let start = cursor;
    while (start > 0 && /[\w$]/.test(src[start - 1]!)) start--;
    const prefix = src.slice(start, cursor);
    const names = (info?.entries ?? [])
      .filter((e) => !e.name.startsWith("__omq") && e.name.startsWith(prefix))
      .sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText.localeCompare(b.sortText)))
      .map((e) => e.name);
    return { matches: [...new Set(names)], start, end: cursor };
  }

  /** Signature, type and doc comment of the symbol at the cursor (for `inspect_request`). */
  inspect(src: string, cursor: number): { text: string; markdown: string } | null {
    this.check(src, false);
    let pos = cursor;
    // Jupyter sends the cursor after the name (e.g. "Math.max|("); look one character back too.
    let info = this.service.getQuickInfoAtPosition(this.currentFile, pos);
    if (!info && pos > 0) info = this.service.getQuickInfoAtPosition(this.currentFile, --pos);
    if (!info) return null;
    const signature = ts.displayPartsToString(info.displayParts);
    const doc = ts.displayPartsToString(info.documentation);
    const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`.trim());
    const text = [signature, doc, ...tags].filter(Boolean).join("\n\n");
    const markdown = ["```typescript\n" + signature + "\n```", doc, ...tags.map((t) => `*${t}*`)].filter(Boolean).join("\n\n");
    return { text, markdown };
  }
}

/** Names declared at the top level of a cell, with their kind. */
export function topLevelDeclarations(sf: TS.SourceFile): Map<string, DeclKind> {
  const out = new Map<string, DeclKind>();
  const addBinding = (name: TS.BindingName, kind: DeclKind): void => {
    if (ts.isIdentifier(name)) out.set(name.text, kind);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name, kind);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const flags = st.declarationList.flags;
      const kind: DeclKind = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
      for (const d of st.declarationList.declarations) addBinding(d.name, kind);
    } else if (ts.isFunctionDeclaration(st) && st.name) out.set(st.name.text, "function");
    else if (ts.isClassDeclaration(st) && st.name) out.set(st.name.text, "class");
    else if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) out.set(st.name.text, "type");
    else if (ts.isEnumDeclaration(st)) out.set(st.name.text, "enum");
    else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) out.set(st.name.text, "namespace");
    else if (ts.isImportEqualsDeclaration(st)) out.set(st.name.text, "import");
    else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) out.set(c.name.text, "import");
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, "import");
      else if (nb) for (const el of nb.elements) out.set(el.name.text, "import");
    }
  }
  return out;
}

function containsTopLevelAwait(node: TS.Node): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

function hasExportModifier(st: TS.Statement): boolean {
  return ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** Rewrites a transpiled ES module cell into a script for the kernel's global scope (see the file comment). */
export function toScript(js: string, declared: Map<string, DeclKind>, map?: SourceMap): CompiledCell {
  const sf = ts.createSourceFile("cell.js", js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const isAsync = containsTopLevelAwait(sf);
  const text = (n: TS.Node): string => js.slice(n.getStart(sf), n.end);
  const stripExport = (n: TS.Node): string => text(n).replace(/^(export\s+default\s+|export\s+)/, "");
  /** Where stripExport(n)'s text starts in the JavaScript. */
  const strippedStart = (n: TS.Node): number => n.end - stripExport(n).length;
  const hoisted = new Set<string>();
  const functions: Piece[] = [];
  const body: Piece[] = [];
  const imports: string[] = [];
  let hasResult = false;
  const statements = sf.statements;
  const lastIndex = statements.length - 1;

  const bindingNames = (name: TS.BindingName, acc: string[]): string[] => {
    if (ts.isIdentifier(name)) acc.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, acc);
    return acc;
  };

  statements.forEach((st, i) => {
    if (ts.isImportDeclaration(st)) {
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      imports.push(spec);
      const c = st.importClause;
      const ref = `${RUNTIME}.module(${JSON.stringify(spec)})`;
      const at = st.getStart(sf);
      if (!c) {
        body.push(piece(`${ref};`, at));
        return;
      }
      if (c.isTypeOnly) return;
      const parts: string[] = [];
      if (c.name) parts.push(`${c.name.text} = ${RUNTIME}.defaultOf(${JSON.stringify(spec)})`);
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) parts.push(`${nb.name.text} = ${RUNTIME}.namespaceOf(${JSON.stringify(spec)})`);
      else if (nb) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          const from = (el.propertyName ?? el.name).text;
          parts.push(`${el.name.text} = ${ref}[${JSON.stringify(from)}]`);
        }
      }
      for (const p of parts) {
        const name = p.slice(0, p.indexOf(" ="));
        if (isAsync) {
          hoisted.add(name);
          body.push(piece(`${p};`, at));
        } else body.push(piece(`var ${p};`, at));
      }
      return;
    }
    if (ts.isExportDeclaration(st)) return; // `export { a }` / `export * from`: nothing to do in a notebook
    if (ts.isExportAssignment(st)) {
      body.push(piece(`${text(st.expression)};`, st.expression.getStart(sf), 0));
      return;
    }
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations;
      if (!isAsync) {
        const orig = text(st.declarationList);
        const keyword = /^(const|let|var|using|await\s+using)\b/.exec(orig)?.[0] ?? "";
        body.push(piece(`${keyword ? "var" : ""}${orig.slice(keyword.length)};`, st.declarationList.getStart(sf) + keyword.length, keyword ? 3 : 0));
        return;
      }
      for (const d of decls) {
        for (const n of bindingNames(d.name, [])) hoisted.add(n);
        if (!d.initializer) {
          if (ts.isIdentifier(d.name) && !(st.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) continue; // `var x;` keeps x
          for (const n of bindingNames(d.name, [])) body.push(piece(`${n} = undefined;`, d.name.getStart(sf)));
          continue;
        }
        const target = text(d.name);
        const at = d.name.getStart(sf);
        body.push(ts.isIdentifier(d.name) ? piece(`${target} = ${text(d.initializer)};`, at, 0) : piece(`(${target} = ${text(d.initializer)});`, at, 1));
      }
      return;
    }
    if (ts.isFunctionDeclaration(st) && st.name) {
      const p = piece(stripExport(st), strippedStart(st), 0);
      if (isAsync) functions.push(p);
      else body.push(p);
      return;
    }
    if (ts.isClassDeclaration(st) && st.name) {
      const name = st.name.text;
      const src = stripExport(st);
      if (isAsync) {
        hoisted.add(name);
        body.push(piece(`${name} = ${src};`, strippedStart(st), name.length + 3));
      } else body.push(piece(`var ${name} = ${src};`, strippedStart(st), name.length + 7));
      return;
    }
    if (i === lastIndex && ts.isExpressionStatement(st)) {
      hasResult = true;
      const expr = text(st.expression);
      const at = st.expression.getStart(sf);
      body.push(isAsync ? piece(`return (${expr}\n);`, at, 8) : piece(`${RESULT_VAR} = (${expr}\n);`, at, RESULT_VAR.length + 4));
      return;
    }
    body.push(hasExportModifier(st) ? piece(stripExport(st), strippedStart(st), 0) : piece(text(st), st.getStart(sf), 0));
  });

  const out = new ScriptWriter();
  if (isAsync) {
    if (hoisted.size > 0) out.line(`var ${[...hoisted].join(", ")};`);
    for (const f of functions) out.piece(f);
    out.line("(async () => {");
    for (const b of body) out.piece(b);
    out.line("})()");
  } else {
    out.line(`${RESULT_VAR} = undefined;`);
    for (const b of body) out.piece(b);
  }
  const script = out.text();
  const position = (line: number, column: number): { line: number; column: number } | undefined => {
    const at = out.origin(line - 1, column - 1);
    if (!at) return undefined;
    // The position in the JavaScript (0-based), then through TypeScript's source map into the cell.
    const first = sf.getLineAndCharacterOfPosition(at.offset);
    const jsLine = first.line + at.lineDelta;
    const jsCol = at.lineDelta === 0 ? first.character : at.column;
    const e = map?.findEntry(jsLine, jsCol) as { generatedLine?: number; generatedColumn?: number; originalLine?: number; originalColumn?: number } | undefined;
    if (!e || e.originalLine === undefined) return { line: jsLine + 1, column: jsCol + 1 };
    const col = e.generatedLine === jsLine ? e.originalColumn! + (jsCol - e.generatedColumn!) : e.originalColumn!;
    return { line: e.originalLine + 1, column: Math.max(col, 0) + 1 };
  };
  return { script, isAsync, hasResult, imports: [...new Set(imports)], declared, position };
}

/**
 * A piece of the script: `text`, whose first `prefix` characters are the compiler's own and the rest starts at
 * offset `from` of the transpiled JavaScript (on its first line; later lines are the JavaScript's, verbatim).
 * A prefix of Infinity maps the whole first line to `from`.
 */
interface Piece {
  text: string;
  from: number;
  prefix: number;
}

function piece(text: string, from: number, prefix = Infinity): Piece {
  return { text, from, prefix };
}

/** Joins pieces into the script, one after another on their own lines, remembering where each came from. */
class ScriptWriter {
  private readonly parts: string[] = [];
  private readonly placed: { line: number; lines: number; p: Piece }[] = [];
  private lines = 0;

  line(text: string): void {
    this.parts.push(text);
    this.lines += text.split("\n").length;
  }

  piece(p: Piece): void {
    const n = p.text.split("\n").length;
    this.placed.push({ line: this.lines, lines: n, p });
    this.parts.push(p.text);
    this.lines += n;
  }

  text(): string {
    return this.parts.join("\n");
  }

  /**
   * Where a 0-based script position comes from: on a piece's first line, the JavaScript offset (`lineDelta` 0);
   * on its later lines, `lineDelta` lines below the line of the piece's `from`, at the same column.
   */
  origin(line: number, column: number): { offset: number; lineDelta: number; column: number } | undefined {
    const hit = this.placed.find((x) => line >= x.line && line < x.line + x.lines);
    if (!hit) return undefined;
    const { p } = hit;
    const k = line - hit.line;
    if (k > 0) return { offset: p.from, lineDelta: k, column };
    return { offset: p.from + (Number.isFinite(p.prefix) ? Math.max(0, column - p.prefix) : 0), lineDelta: 0, column: 0 };
  }
}

/** Jupyter's is_complete: "complete", "incomplete" (more input would make it valid) or "invalid". */
export function isComplete(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  if (code.trim() === "") return { status: "complete" };
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diags.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  // Errors that more input can fix: something expected at the very end, or an unterminated multi-line construct
  // (template literal, block comment). A '...' or "..." string cannot continue on the next line: invalid.
  const continuable = new Set([1005, 1109, 1126, 1128]);
  const multiLine = new Set([1160, 1010]);
  if (diags.some((d) => d.code === 1002)) return { status: "invalid" };
  if (diags.every((d) => multiLine.has(d.code) || (d.start >= end && continuable.has(d.code)))) {
    const lastLine = code.slice(code.lastIndexOf("\n") + 1);
    const indent = /^\s*/.exec(lastLine)?.[0] ?? "";
    return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? indent + "  " : indent };
  }
  return { status: "invalid" };
}

