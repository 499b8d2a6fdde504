import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Executor } from "../executor/executor.js";
import { KernelHandler, codePointsToUnits, unitsToCodePoints, type Outbox } from "./handler.js";
import { newHeader, type Message } from "../protocol/wire.js";

interface Sent {
  channel: string;
  msgType: string;
  content: Record<string, unknown>;
  parent: string | undefined;
}

function setup() {
  const sent: Sent[] = [];
  let flushRequests = 0;
  const out: Outbox = { send: (channel, msgType, content, parent) => sent.push({ channel, msgType, content: content as Record<string, unknown>, parent: parent?.header.msg_id }) };
  const h = new KernelHandler(new Executor({ cwd: mkdtempSync(join(tmpdir(), "omq-handler-")) }), out, { requestFlush: () => flushRequests++, shutdown: () => undefined });
  const req = (msgType: string, content: Record<string, unknown> = {}): Message => ({ identities: [], header: newHeader(msgType, "s"), parent_header: {}, metadata: {}, content, buffers: [] });
  return { sent, h, req, flushes: () => flushRequests };
}

describe("KernelHandler", () => {
  it("wraps every request in busy/idle and sends execute_input, result and reply in order", async () => {
    const { sent, h, req } = setup();
    const m = req("execute_request", { code: "6 * 7" });
    await h.handle("shell", m);
    expect(sent.map((s) => `${s.channel}:${s.msgType}`)).toEqual(["iopub:status", "iopub:execute_input", "iopub:execute_result", "shell:execute_reply", "iopub:status"]);
    expect(sent.every((s) => s.parent === m.header.msg_id)).toBe(true);
    expect(sent[2]!.content).toMatchObject({ execution_count: 1, data: { "text/plain": "42" } });
  });

  it("aborts queued execute requests after an error until the transport has flushed", async () => {
    const { sent, h, req, flushes } = setup();
    await h.handle("shell", req("execute_request", { code: 'throw new Error("x")' }));
    expect(flushes()).toBe(1);
    await h.handle("shell", req("execute_request", { code: "1" }));
    expect(sent.filter((s) => s.msgType === "execute_reply").map((s) => s.content.status)).toEqual(["error", "aborted"]);
    h.flushed();
    await h.handle("shell", req("execute_request", { code: "1" }));
    expect(sent.filter((s) => s.msgType === "execute_reply").map((s) => s.content.status)).toEqual(["error", "aborted", "ok"]);
  });

  it("does not abort with stop_on_error false", async () => {
    const { h, req, flushes } = setup();
    await h.handle("shell", req("execute_request", { code: 'throw new Error("x")', stop_on_error: false }));
    expect(flushes()).toBe(0);
  });

  it("answers history tail, range and search", async () => {
    const { sent, h, req } = setup();
    for (const code of ["1 + 1", "2 + 2", "1 + 1"]) await h.handle("shell", req("execute_request", { code }));
    const history = async (c: Record<string, unknown>) => {
      await h.handle("shell", req("history_request", c));
      return sent.filter((s) => s.msgType === "history_reply").at(-1)!.content.history;
    };
    expect(await history({ hist_access_type: "tail", n: 2, output: false })).toEqual([[1, 2, "2 + 2"], [1, 3, "1 + 1"]]);
    expect(await history({ hist_access_type: "tail", n: 1, output: true })).toEqual([[1, 3, ["1 + 1", "2"]]]);
    expect(await history({ hist_access_type: "range", session: 1, start: 2, stop: 3 })).toEqual([[1, 2, "2 + 2"]]);
    expect(await history({ hist_access_type: "search", pattern: "1*" })).toEqual([[1, 1, "1 + 1"], [1, 3, "1 + 1"]]);
    expect(await history({ hist_access_type: "search", pattern: "1*", unique: true })).toEqual([[1, 3, "1 + 1"]]);
  });

  it("pages documentation for `?name`", async () => {
    const { sent, h, req } = setup();
    await h.handle("shell", req("execute_request", { code: "?Math.max" }));
    const reply = sent.find((s) => s.msgType === "execute_reply")!.content;
    expect((reply.payload as { source: string; data: Record<string, string> }[])[0]).toMatchObject({ source: "page" });
    expect((reply.payload as { data: Record<string, string> }[])[0]!.data["text/plain"]).toMatch(/max\(/);
  });

  it("completes and inspects with cursor positions in code points", async () => {
    const { sent, h, req } = setup();
    await h.handle("shell", req("complete_request", { code: "const 🙂 = 1; Math.fl", cursor_pos: 20 }));
    const c = sent.find((s) => s.msgType === "complete_reply")!.content;
    expect(c.matches).toContain("floor");
    expect([c.cursor_start, c.cursor_end]).toEqual([18, 20]);
    expect(codePointsToUnits("🙂a", 1)).toBe(2);
    expect(unitsToCodePoints("🙂a", 3)).toBe(2);
  });
});
