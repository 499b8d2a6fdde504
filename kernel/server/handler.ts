// The kernel's request handler: Jupyter messaging 5.3 semantics, with no sockets (the transport is elsewhere), so it
// is testable by feeding it messages and recording what it sends.
import ts from "../executor/typescript.js";
import type { Header, Message } from "../protocol/wire.js";
import type { Executor } from "../executor/executor.js";
import { isComplete } from "../executor/compiler.js";
import { createDisplay, isDisplayHandle, mimeBundleOf } from "../display/index.js";
import type { DisplayContent } from "../display/sink.js";
import { kernelInfoContent } from "./kernel-info.js";
import { checkKeys } from "../../lib/util/errors.js";

export type OutChannel = "shell" | "control" | "iopub" | "stdin";

export interface Outbox {
  /** Sends a message in reply to (or on behalf of) `parent` on a channel. */
  send(channel: OutChannel, msgType: string, content: unknown, parent: Message | null, metadata?: Record<string, unknown>): void;
}

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

type Content = Record<string, unknown>;

/** Jupyter counts cursor positions in Unicode code points; JavaScript strings index UTF-16 code units. */
export function codePointsToUnits(s: string, cp: number): number {
  let units = 0;
  let n = 0;
  for (const ch of s) {
    if (n >= cp) break;
    units += ch.length;
    n++;
  }
  return units;
}
export function unitsToCodePoints(s: string, units: number): number {
  return [...s.slice(0, units)].length;
}

export class KernelHandler {
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];
  private readonly session = 1;
  /** Set after an execute error with stop_on_error, until the transport says every queued request was seen. */
  private aborting = false;
  private current: Message | null = null;
  readonly display: ReturnType<typeof createDisplay>;
  /** The input() waiting for its input_reply, if any. */
  private pendingInput: { resolve: (value: string) => void; reject: (e: Error) => void } | null = null;

  constructor(
    private readonly executor: Executor,
    private readonly out: Outbox,
    private readonly hooks: { requestFlush: () => void; shutdown: (restart: boolean) => void },
  ) {
    this.display = createDisplay({
      publish: (msgType: "display_data" | "update_display_data", content: DisplayContent) => this.out.send("iopub", msgType, content, this.current),
      clearOutput: (wait: boolean) => this.out.send("iopub", "clear_output", { wait }, this.current),
    });
  }

  /**
   * `input(prompt, { password })` for cells: asks the client that sent the running cell for a line of text
   * (input_request on the stdin channel) and resolves with its input_reply. A client that did not allow stdin
   * (allow_stdin false: nbconvert, `omq run`, most headless runners) gets an error saying so at once.
   */
  readonly input = (prompt: string = "", opts: { password?: boolean } = {}): Promise<string> => {
    const parent = this.current;
    if (!parent) return Promise.reject(new Error("input: no cell is running; call it from a cell."));
    if (parent.content.allow_stdin !== true) {
      const err = new Error("input: this client does not accept input (its execute_request says allow_stdin: false, as headless runs such as nbconvert and omq run do); pass the value as a notebook parameter instead.");
      err.name = "StdinNotImplementedError";
      return Promise.reject(err);
    }
    if (this.pendingInput) return Promise.reject(new Error("input: an earlier input() is still waiting for its answer; await it first."));
    try {
      checkKeys(opts, ["password"], "input");
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      this.out.send("stdin", "input_request", { prompt: String(prompt), password: opts.password === true }, parent);
    });
  };

  /** An input_reply from the stdin channel: delivered at once (the running cell is waiting for it). */
  inputReply(msg: Message): void {
    const pending = this.pendingInput;
    if (!pending) return; // a late answer to an input() whose cell has ended
    this.pendingInput = null;
    const value = msg.content.value;
    if (msg.content.status === "error") pending.reject(new Error("input: the client answered with an error."));
    else pending.resolve(typeof value === "string" ? value : String(value ?? ""));
  }

  /** The request being executed: parent of stream and display output. */
  get parent(): Message | null {
    return this.current;
  }

  /** Called when the transport has forwarded every request that arrived before the abort began. */
  flushed(): void {
    this.aborting = false;
  }

  async handle(channel: "shell" | "control", msg: Message): Promise<void> {
    const type = msg.header.msg_type;
    const replyType = type.replace(/_request$/, "_reply");
    this.out.send("iopub", "status", { execution_state: "busy" }, msg);
    try {
      switch (type) {
        case "execute_request":
          await this.execute(channel, msg);
          break;
        case "kernel_info_request":
          this.out.send(channel, replyType, kernelInfoContent(), msg);
          break;
        case "complete_request":
          this.out.send(channel, replyType, this.complete(msg.content), msg);
          break;
        case "inspect_request":
          this.out.send(channel, replyType, this.inspect(msg.content), msg);
          break;
        case "is_complete_request":
          this.out.send(channel, replyType, isComplete(String(msg.content.code ?? "")), msg);
          break;
        case "history_request":
          this.out.send(channel, replyType, { status: "ok", history: this.queryHistory(msg.content) }, msg);
          break;
        case "comm_info_request":
          this.out.send(channel, replyType, { status: "ok", comms: {} }, msg);
          break;
        case "comm_open":
          // No comm targets are registered: close it, as the spec asks.
          this.out.send("iopub", "comm_close", { comm_id: msg.content.comm_id, data: {} }, msg);
          break;
        case "comm_msg":
        case "comm_close":
          break;
        case "shutdown_request": {
          const restart = Boolean(msg.content.restart);
          this.out.send(channel, replyType, { status: "ok", restart }, msg);
          this.hooks.shutdown(restart);
          break;
        }
        case "interrupt_request":
          this.executor.interrupt();
          this.out.send(channel, replyType, { status: "ok" }, msg);
          break;
        default:
          if (type.endsWith("_request")) {
            this.out.send(channel, replyType, { status: "error", ename: "NotImplementedError", evalue: `${type} is not supported by this kernel.`, traceback: [] }, msg);
          }
      }
    } catch (e) {
      const err = e as Error;
      if (type.endsWith("_request")) {
        this.out.send(channel, replyType, { status: "error", ename: err.name ?? "Error", evalue: err.message ?? String(e), traceback: String(err.stack ?? e).split("\n") }, msg);
      }
    } finally {
      this.out.send("iopub", "status", { execution_state: "idle" }, msg);
    }
  }

  private async execute(channel: "shell" | "control", msg: Message): Promise<void> {
    const c = msg.content;
    const code = String(c.code ?? "");
    const silent = Boolean(c.silent);
    const storeHistory = silent ? false : c.store_history !== false;
    const stopOnError = c.stop_on_error !== false;
    if (this.aborting) {
      this.out.send(channel, "execute_reply", { status: "aborted", execution_count: this.executionCount }, msg);
      return;
    }
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.out.send("iopub", "execute_input", { code, execution_count: count }, msg);
    // `?name` or `name?` pages the signature and documentation of `name`, as IPython does.
    const help = /^\s*\?\s*([\w$][\w$.]*)\s*$/.exec(code) ?? /^\s*([\w$][\w$.]*)\s*\?\s*$/.exec(code);
    if (help) {
      const r = this.executor.compiler.inspect(help[1]!, help[1]!.length);
      const text = r ? r.text : `No documentation found for ${help[1]}.`;
      this.out.send(channel, "execute_reply", { status: "ok", execution_count: count, payload: [{ source: "page", data: { "text/plain": text, ...(r ? { "text/markdown": r.markdown } : {}) }, start: 0 }], user_expressions: {} }, msg);
      if (storeHistory) this.history.push({ session: this.session, line: count, input: code, output: null });
      return;
    }
    this.current = msg;
    const outcome = await this.executor.execute(code, { executionCount: count });
    if (this.pendingInput) {
      // The cell ended (interrupted, or it did not await its input()): the question is withdrawn.
      this.pendingInput.reject(new Error("input: the cell ended before the answer came."));
      this.pendingInput = null;
    }
    let outputText: string | null = null;
    if (outcome.status === "ok") {
      if (outcome.hasResult && outcome.result !== undefined && !silent && !isDisplayHandle(outcome.result)) {
        const bundle = mimeBundleOf(outcome.result);
        outputText = typeof bundle.data["text/plain"] === "string" ? (bundle.data["text/plain"] as string) : null;
        this.out.send("iopub", "execute_result", { execution_count: count, data: bundle.data, metadata: bundle.metadata }, msg);
      }
      this.out.send(channel, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: this.userExpressions(c.user_expressions) }, msg);
    } else {
      const { ename, evalue, traceback } = outcome;
      this.out.send("iopub", "error", { ename, evalue, traceback }, msg);
      this.out.send(channel, "execute_reply", { status: "error", execution_count: count, ename, evalue, traceback }, msg);
      if (stopOnError) {
        this.aborting = true;
        this.hooks.requestFlush();
      }
    }
    if (storeHistory) this.history.push({ session: this.session, line: count, input: code, output: outputText });
  }

  private userExpressions(exprs: unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!exprs || typeof exprs !== "object") return out;
    for (const [k, src] of Object.entries(exprs as Record<string, string>)) {
      try {
        // Evaluated in the global scope where cell declarations live.
        const value = (0, eval)(ts.transpile(String(src), { target: ts.ScriptTarget.ES2022 }));
        out[k] = { status: "ok", ...mimeBundleOf(value) };
      } catch (e) {
        const err = e as Error;
        out[k] = { status: "error", ename: err.name ?? "Error", evalue: err.message ?? String(e), traceback: [] };
      }
    }
    return out;
  }

  private complete(c: Content): Content {
    const code = String(c.code ?? "");
    const cursor = codePointsToUnits(code, Number(c.cursor_pos ?? code.length));
    const r = this.executor.compiler.completions(code, cursor);
    return { status: "ok", matches: r.matches, cursor_start: unitsToCodePoints(code, r.start), cursor_end: unitsToCodePoints(code, r.end), metadata: {} };
  }

  private inspect(c: Content): Content {
    const code = String(c.code ?? "");
    const cursor = codePointsToUnits(code, Number(c.cursor_pos ?? code.length));
    const r = this.executor.compiler.inspect(code, cursor);
    if (!r) return { status: "ok", found: false, data: {}, metadata: {} };
    return { status: "ok", found: true, data: { "text/plain": r.text, "text/markdown": r.markdown }, metadata: {} };
  }

  private queryHistory(c: Content): unknown[] {
    const withOutput = Boolean(c.output);
    const fmt = (h: HistoryEntry): unknown[] => [h.session, h.line, withOutput ? [h.input, h.output] : h.input];
    const type = String(c.hist_access_type ?? "tail");
    if (type === "tail") {
      const n = Number(c.n ?? 10);
      return this.history.slice(Math.max(0, this.history.length - n)).map(fmt);
    }
    if (type === "range") {
      const session = Number(c.session ?? 0);
      const start = Number(c.start ?? 1);
      const stop = c.stop == null ? Infinity : Number(c.stop);
      const inSession = session === 0 || session === this.session;
      return this.history.filter((h) => inSession && h.line >= start && h.line < stop).map(fmt);
    }
    if (type === "search") {
      const pattern = String(c.pattern ?? "*");
      const re = new RegExp("^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]") + "$");
      let hits = this.history.filter((h) => re.test(h.input));
      if (c.unique) {
        const seen = new Set<string>();
        hits = hits.reverse().filter((h) => (seen.has(h.input) ? false : (seen.add(h.input), true))).reverse();
      }
      const n = c.n == null ? Infinity : Number(c.n);
      return hits.slice(Math.max(0, hits.length - n)).map(fmt);
    }
    return [];
  }
}

export type { Header };
