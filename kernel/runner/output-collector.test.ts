import { describe, expect, it } from "vitest";
import { OutputCollector, type OutputEvent } from "./output-collector.js";

const display = (text: string, id?: string): Record<string, unknown> => ({
  data: { "text/plain": text },
  metadata: {},
  ...(id ? { transient: { display_id: id } } : {}),
});

describe("OutputCollector", () => {
  it("merges consecutive stream text of the same name only", () => {
    const c = new OutputCollector();
    const r = c.open();
    c.handle(r, "stream", { name: "stdout", text: "a\n" });
    c.handle(r, "stream", { name: "stdout", text: "b\n" });
    c.handle(r, "stream", { name: "stderr", text: "e\n" });
    c.handle(r, "stream", { name: "stdout", text: "c\n" });
    expect(r.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "e\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
  });

  it("builds display_data, execute_result and error outputs without transient fields", () => {
    const c = new OutputCollector();
    const r = c.open();
    c.handle(r, "display_data", display("d", "x"));
    c.handle(r, "execute_result", { ...display("42"), execution_count: 3 });
    c.handle(r, "error", { ename: "TypeError", evalue: "bad", traceback: ["TypeError: bad"] });
    expect(r.outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": "d" }, metadata: {} },
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
      { output_type: "error", ename: "TypeError", evalue: "bad", traceback: ["TypeError: bad"] },
    ]);
  });

  it("updates every output with the display id in place, also an earlier request's", () => {
    const c = new OutputCollector();
    const first = c.open();
    c.handle(first, "display_data", display("0%", "bar"));
    const events: OutputEvent[] = [];
    first.onOutput = (e) => events.push(e);
    const second = c.open();
    c.handle(second, "display_data", display("0%", "bar"));
    c.handle(second, "update_display_data", display("100%", "bar"));
    expect(first.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} }]);
    expect(second.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} }]);
    expect(events.map((e) => e.kind)).toEqual(["update"]);
  });

  it("ignores an update for an unknown display id", () => {
    const c = new OutputCollector();
    const r = c.open();
    c.handle(r, "update_display_data", display("x", "nope"));
    expect(r.outputs).toEqual([]);
  });

  it("clears at once without wait, and at the next output with wait", () => {
    const c = new OutputCollector();
    const r = c.open();
    c.handle(r, "stream", { name: "stdout", text: "old" });
    c.handle(r, "clear_output", { wait: false });
    expect(r.outputs).toEqual([]);
    c.handle(r, "stream", { name: "stdout", text: "1" });
    c.handle(r, "clear_output", { wait: true });
    expect(r.outputs).toHaveLength(1);
    c.handle(r, "stream", { name: "stdout", text: "2" });
    expect(r.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "2" }]);
  });

  it("keeps the same array when clearing, so a cell holding it sees the change", () => {
    const c = new OutputCollector();
    const r = c.open();
    const held = r.outputs;
    c.handle(r, "stream", { name: "stdout", text: "x" });
    c.handle(r, "clear_output", { wait: false });
    c.handle(r, "stream", { name: "stdout", text: "y" });
    expect(held).toBe(r.outputs);
    expect(held).toEqual([{ output_type: "stream", name: "stdout", text: "y" }]);
  });

  it("forgets the display ids of cleared outputs", () => {
    const c = new OutputCollector();
    const r = c.open();
    c.handle(r, "display_data", display("a", "d"));
    c.handle(r, "clear_output", { wait: false });
    const kept = c.open();
    c.handle(kept, "stream", { name: "stdout", text: "s" });
    c.handle(kept, "update_display_data", display("b", "d"));
    expect(r.outputs).toEqual([]);
    expect(kept.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "s" }]);
  });

  it("reports execute_input and status as not outputs", () => {
    const c = new OutputCollector();
    const r = c.open();
    expect(c.handle(r, "execute_input", { code: "1" })).toBe(false);
    expect(c.handle(r, "status", { execution_state: "busy" })).toBe(false);
    expect(r.outputs).toEqual([]);
  });
});
