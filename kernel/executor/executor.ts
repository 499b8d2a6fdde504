// Runs compiled cells in the kernel's global scope: preloads imports (CommonJS, ESM, ESM with top-level await),
// runs the script (synchronous code is interruptible through vm's breakOnSigint, a pending await through the
// interrupt promise), and reports the result or a structured error.
import vm from "node:vm";
import { createRequire, isBuiltin } from "node:module";
import { join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { CellCompiler, type CellDiagnostic, type CompiledCell } from "./compiler.js";
import { packageRoot } from "../../lib/util/package-root.js";
import { CellState } from "./cell-state.js";

export type ExecOutcome =
  | { status: "ok"; hasResult: boolean; result: unknown }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

interface LoadedModule {
  /** What `import { a } from` reads. */
  named: Record<string, unknown>;
  /** What `import d from` gives. */
  defaultValue: unknown;
  /** What `import * as ns from` gives. */
  namespace: Record<string, unknown>;
}

export class InterruptError extends Error {
  constructor() {
    super("Execution was interrupted.");
    this.name = "InterruptError";
  }
}

export class Executor {
  readonly compiler: CellCompiler;
  private readonly cwd: string;
  private readonly modules = new Map<string, LoadedModule>();
  private readonly requireFromCwd: NodeRequire;
  private readonly requireFromRoot: NodeRequire;
  private running = false;
  private rejectInterrupt: ((e: Error) => void) | null = null;
  private cellNumber = 0;
  /** Every cell run so far, by the filename its script ran under: for tracebacks in the cells' own lines. */
  private readonly ran: CellSources = new Map();

  /** `import()` resolved from the notebook's directory (a vm script's dynamic import resolves from its filename). */
  private readonly importFromCwd: (spec: string) => Promise<unknown>;

  constructor(opts: { cwd: string }) {
    this.cwd = resolvePath(opts.cwd);
    silenceVmLoaderWarning();
    this.importFromCwd = vm.runInThisContext("(spec) => import(spec)", {
      filename: join(this.cwd, "__omq_import__.js"),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as (spec: string) => Promise<unknown>;
    this.compiler = new CellCompiler({ cwd: this.cwd });
    this.requireFromCwd = createRequire(join(this.cwd, "__omq__.js"));
    this.requireFromRoot = createRequire(join(packageRoot(), "__omq__.js"));
    installRuntime();
  }

  get busy(): boolean {
    return this.running;
  }

  /** Interrupts the running cell (a pending await rejects at once; a busy loop stops via SIGINT). */
  interrupt(): void {
    this.rejectInterrupt?.(new InterruptError());
  }

  loaded(spec: string): LoadedModule {
    const m = this.modules.get(spec);
    if (!m) throw new Error(`module ${JSON.stringify(spec)} was not preloaded (internal error).`);
    return m;
  }

  private resolve(spec: string): string | null {
    for (const req of [this.requireFromCwd, this.requireFromRoot]) {
      try {
        return req.resolve(spec);
      } catch {
        // try the next root
      }
    }
    return null;
  }

  /** Loads every module a cell imports before the cell runs, so the cell itself stays synchronous. */
  async preload(specs: string[]): Promise<void> {
    for (const spec of specs) {
      if (this.modules.has(spec) && !spec.startsWith(".")) continue;
      let value: unknown;
      if (isBuiltin(spec)) value = this.requireFromRoot(spec);
      else {
        const path = this.resolve(spec);
        if (path) {
          try {
            value = this.requireFromCwd(path);
          } catch (e) {
            const code = (e as { code?: string }).code;
            if (code !== "ERR_REQUIRE_ASYNC_MODULE" && code !== "ERR_REQUIRE_ESM") throw e;
            value = await import(pathToFileURL(path).href);
          }
        } else {
          // ESM-only packages (no "require" condition): the ESM resolver, from the notebook's directory, then ours.
          try {
            value = await this.importFromCwd(spec).catch(() => import(spec));
          } catch (e) {
            const err = new Error(`Cannot find module ${JSON.stringify(spec)} from ${this.cwd} or from OmniQuant's own node_modules. Install it with \`npm install ${spec}\`.`, { cause: e });
            err.name = "ModuleNotFoundError";
            throw err;
          }
        }
      }
      this.modules.set(spec, interop(value));
    }
  }

  async execute(code: string, opts: { executionCount: number }): Promise<ExecOutcome> {
    activeExecutor = this;
    const compiled = this.compiler.compile(code);
    if (!compiled.ok) return typeErrorOutcome(compiled.diagnostics);
    const cell = compiled.cell;
    this.running = true;
    const interrupted = new Promise<never>((_, reject) => {
      this.rejectInterrupt = reject;
    });
    interrupted.catch(() => undefined);
    const generation = ++cellGeneration;
    CELL_STATE.setRunning(generation);
    const onSigint = (): void => {
      CELL_STATE.acknowledge(generation);
      this.interrupt();
    };
    process.on("SIGINT", onSigint);
    try {
      await Promise.race([this.preload(cell.imports), interrupted]);
      const label = `cell[${opts.executionCount || ++this.cellNumber}]`;
      const filename = join(this.cwd, label);
      this.ran.set(filename, { label, source: code, position: cell.position });
      let ret: unknown = vm.runInThisContext(cell.script, {
        filename,
        breakOnSigint: true,
        // No "file:line + source line + caret" header on the stack: that would show the compiled script's line;
        // errorOutcome shows the cell's own.
        displayErrors: false,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
      if (cell.isAsync) ret = await Promise.race([ret as Promise<unknown>, interrupted]);
      else ret = (globalThis as Record<string, unknown>).__omq_result__;
      this.compiler.commit(code, cell.declared);
      return { status: "ok", hasResult: cell.hasResult, result: cell.hasResult ? ret : undefined };
    } catch (e) {
      this.compiler.commit(code, cell.declared);
      return errorOutcome(e, this.ran);
    } finally {
      process.off("SIGINT", onSigint);
      CELL_STATE.setRunning(0);
      this.running = false;
      this.rejectInterrupt = null;
      (globalThis as Record<string, unknown>).__omq_result__ = undefined;
    }
  }
}

/** Which cell runs, for the transport thread (cell-state.ts). */
const CELL_STATE = new CellState();
let cellGeneration = 0;

export function cellStateBuffer(): SharedArrayBuffer {
  return CELL_STATE.buffer;
}

/** The executor whose cell is running: compiled cells reach their preloaded modules through `__omq__`. */
let activeExecutor: Executor | null = null;

function installRuntime(): void {
  if ((globalThis as Record<string, unknown>).__omq__) return;
  const loaded = (spec: string): LoadedModule => {
    if (!activeExecutor) throw new Error(`module ${JSON.stringify(spec)} was imported outside a cell (internal error).`);
    return activeExecutor.loaded(spec);
  };
  const runtime = {
    module: (spec: string) => loaded(spec).named,
    defaultOf: (spec: string) => loaded(spec).defaultValue,
    namespaceOf: (spec: string) => loaded(spec).namespace,
  };
  Object.defineProperty(globalThis, "__omq__", { value: runtime, configurable: false, enumerable: false, writable: false });
}

let warningSilenced = false;

/** Node flags vm's USE_MAIN_CONTEXT_DEFAULT_LOADER as experimental, once per process, on stderr: that would land in
 *  the output of the first cell that imports an ES module. It is what makes `import()` work in cells at all. */
function silenceVmLoaderWarning(): void {
  if (warningSilenced) return;
  warningSilenced = true;
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (text.includes("USE_MAIN_CONTEXT_DEFAULT_LOADER")) return;
    (emit as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** CommonJS and ES modules seen the way TypeScript's esModuleInterop sees them. */
function interop(value: unknown): LoadedModule {
  const obj = (value ?? {}) as Record<string, unknown>;
  const isNamespace = Object.prototype.toString.call(value) === "[object Module]";
  if (isNamespace) {
    // A CommonJS module loaded through import(): its exports object is `default`.
    return { named: obj, defaultValue: obj.default, namespace: obj };
  }
  if (obj.__esModule) return { named: obj, defaultValue: obj.default, namespace: obj };
  const ns: Record<string, unknown> = typeof value === "object" || typeof value === "function" ? Object.assign(Object.create(null), obj) : {};
  ns.default = value;
  return { named: obj, defaultValue: value, namespace: ns };
}

function typeErrorOutcome(diags: CellDiagnostic[]): ExecOutcome {
  const lines = diags.map((d) => `cell:${d.line}:${d.column} - error TS${d.code}: ${d.message}`);
  const first = diags[0]!;
  return {
    status: "error",
    ename: "TypeScriptError",
    evalue: `line ${first.line}, column ${first.column}: ${first.message}${diags.length > 1 ? ` (and ${diags.length - 1} more)` : ""}`,
    traceback: lines,
  };
}

const INTERNAL_FRAME = /node:internal|node:vm:|kernel\/executor\/|\.build\/kernel\//;

/** The cells an executor ran, by script filename: their label (`cell[3]`), TypeScript source and position map. */
export type CellSources = Map<string, { label: string; source: string; position: CompiledCell["position"] }>;

/**
 * The outcome for an error thrown by a cell. With `cells`, stack frames in cells say `cell[N]:line:column` of
 * the cell's TypeScript (not of the script it was compiled to), and the innermost such frame's lines are shown
 * with a marker, as IPython does.
 */
export function errorOutcome(e: unknown, cells?: CellSources): ExecOutcome {
  if (e instanceof Error) {
    const interrupted = e instanceof InterruptError || (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
    const ename = interrupted ? "InterruptError" : e.name || "Error";
    const evalue = interrupted ? "Execution was interrupted." : e.message;
    const stack = (e.stack ?? `${ename}: ${evalue}`).split("\n");
    if (interrupted) return { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
    const frames = stack.filter((l, i) => i === 0 || !INTERNAL_FRAME.test(l));
    return { status: "error", ename, evalue, traceback: cells ? inCellLines(frames, cells) : frames };
  }
  return { status: "error", ename: "Error", evalue: String(e), traceback: [`Uncaught ${String(e)}`] };
}

const FRAME_POSITION = /([^\s()]+):(\d+):(\d+)/g;

function inCellLines(frames: string[], cells: CellSources): string[] {
  let innermost: { label: string; source: string; line: number; column: number } | undefined;
  const out = frames.map((f, i) => {
    if (i === 0) return f; // "Name: message" (a message may itself contain "a:1:2")
    return f.replace(FRAME_POSITION, (whole, file: string, l: string, c: string) => {
      const cell = cells.get(file);
      if (!cell) return whole;
      const at = cell.position(Number(l), Number(c));
      if (!at) return `${cell.label}`;
      innermost ??= { label: cell.label, source: cell.source, ...at };
      return `${cell.label}:${at.line}:${at.column}`;
    });
  });
  if (!innermost) return out;
  const { label, source, line, column } = innermost;
  const lines = source.split("\n");
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  out.push("", `${label}, line ${line}:`);
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? "--> " : "    "}${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`);
    if (n === line) out.push(`${" ".repeat(4 + width + 3 + column - 1)}^`);
  }
  return out;
}
