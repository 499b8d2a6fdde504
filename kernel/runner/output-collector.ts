// Builds nbformat outputs from iopub messages, as nbclient does: consecutive stream text of one name merged,
// display_data / execute_result / error appended, clear_output (with `wait`: at the next output), and
// update_display_data changing every earlier output with that display_id in place, in any request's outputs.
import type { DisplayDataOutput, ExecuteResultOutput, Output } from "./nbformat.js";

export interface OutputEvent {
  kind: "add" | "update" | "clear";
  output?: Output;
  outputs: readonly Output[];
}

/** The outputs of one execute request. */
export interface RequestOutputs {
  outputs: Output[];
  clearOnNext: boolean;
  onOutput: ((event: OutputEvent) => void) | undefined;
}

type Rich = DisplayDataOutput | ExecuteResultOutput;

function displayIdOf(content: Record<string, unknown>): string | undefined {
  const id = (content["transient"] as { display_id?: unknown } | undefined)?.display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export class OutputCollector {
  /** Display outputs by display_id, across requests (an update may target an earlier cell's output). */
  private readonly displays = new Map<string, Rich[]>();
  /** Which request's outputs each display output lives in, to report in-place updates. */
  private readonly owners = new WeakMap<Rich, RequestOutputs>();

  open(onOutput?: (event: OutputEvent) => void): RequestOutputs {
    return { outputs: [], clearOnNext: false, onOutput };
  }

  /** Applies an iopub message whose parent is the request `req`. Returns false for messages that are not outputs. */
  handle(req: RequestOutputs, msgType: string, content: Record<string, unknown>): boolean {
    switch (msgType) {
      case "stream": {
        const name = content["name"] === "stderr" ? "stderr" : "stdout";
        const text = typeof content["text"] === "string" ? content["text"] : "";
        if (req.clearOnNext) this.clear(req);
        const last = req.outputs[req.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === name) {
          last.text = (typeof last.text === "string" ? last.text : last.text.join("")) + text;
          req.onOutput?.({ kind: "update", output: last, outputs: req.outputs });
        } else {
          this.add(req, { output_type: "stream", name, text });
        }
        return true;
      }
      case "display_data":
      case "execute_result": {
        const data = record(content["data"]);
        const metadata = record(content["metadata"]);
        const out: Rich =
          msgType === "display_data"
            ? { output_type: "display_data", data, metadata }
            : { output_type: "execute_result", execution_count: typeof content["execution_count"] === "number" ? content["execution_count"] : null, data, metadata };
        if (req.clearOnNext) this.clear(req);
        const id = displayIdOf(content);
        if (id) {
          this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
          this.owners.set(out, req);
        }
        this.add(req, out);
        return true;
      }
      case "error":
        if (req.clearOnNext) this.clear(req);
        this.add(req, {
          output_type: "error",
          ename: String(content["ename"] ?? "Error"),
          evalue: String(content["evalue"] ?? ""),
          traceback: Array.isArray(content["traceback"]) ? content["traceback"].map(String) : [],
        });
        return true;
      case "clear_output":
        if (content["wait"]) req.clearOnNext = true;
        else this.clear(req);
        return true;
      case "update_display_data":
        this.update(content);
        return true;
      default:
        return false;
    }
  }

  /** update_display_data: replaces data and metadata of every output shown with that display_id. */
  update(content: Record<string, unknown>): void {
    const id = displayIdOf(content);
    if (!id) return;
    for (const out of this.displays.get(id) ?? []) {
      out.data = record(content["data"]);
      out.metadata = record(content["metadata"]);
      const owner = this.owners.get(out);
      owner?.onOutput?.({ kind: "update", output: out, outputs: owner.outputs });
    }
  }

  private add(req: RequestOutputs, out: Output): void {
    req.outputs.push(out);
    req.onOutput?.({ kind: "add", output: out, outputs: req.outputs });
  }

  /** Empties the request's outputs in place (the cell holds this very array) and forgets their display ids. */
  private clear(req: RequestOutputs): void {
    req.clearOnNext = false;
    const removed = new Set<Output>(req.outputs);
    req.outputs.length = 0;
    for (const [id, list] of this.displays) {
      const keep = list.filter((o) => !removed.has(o));
      if (keep.length) this.displays.set(id, keep);
      else this.displays.delete(id);
    }
    req.onOutput?.({ kind: "clear", outputs: req.outputs });
  }
}
