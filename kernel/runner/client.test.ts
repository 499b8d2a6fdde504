import { existsSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KernelClient } from "./client.js";

describe("KernelClient on the OmniQuant kernel", () => {
  it("starts, runs code, interrupts, answers heartbeats and cleans up on shutdown", async () => {
    const client = await KernelClient.start({ startupTimeoutMs: 60_000 });
    try {
      expect((client.kernelInfo["language_info"] as { name?: string }).name).toBe("typescript");
      expect(statSync(client.connectionFile).mode & 0o777).toBe(0o600);
      expect(await client.ping()).toBe(true);

      const events: string[] = [];
      const a = await client.execute("console.log('x'); console.log('y'); 6 * 7", { onOutput: (e) => events.push(e.kind) });
      expect(a.reply?.status).toBe("ok");
      expect(a.outputs).toEqual([
        { output_type: "stream", name: "stdout", text: "x\ny\n" },
        { output_type: "execute_result", execution_count: a.executionCount, data: expect.objectContaining({ "text/plain": "42" }), metadata: {} },
      ]);
      expect(events[0]).toBe("add");

      const slow = client.execute("const t0 = Date.now(); while (Date.now() - t0 < 30_000) {}");
      await new Promise((r) => setTimeout(r, 1500));
      await client.interrupt();
      const b = await slow;
      expect(b.reply?.status).toBe("error");
      expect(b.timedOut).toBe(false);

      const c = await client.execute("'still alive'");
      expect(c.reply?.status).toBe("ok");
      expect(c.executionCount).toBeGreaterThan(a.executionCount!);

      // A busy loop after an await runs from the microtask queue, where SIGINT never lands: the transport ends it.
      expect((await client.execute("const kept = 7;")).reply?.status).toBe("ok");
      const afterAwait = client.execute("await new Promise((r) => setTimeout(r, 10));\nconst t1 = Date.now();\nwhile (Date.now() - t1 < 30_000) {}");
      await new Promise((r) => setTimeout(r, 1500));
      await client.interrupt();
      const d = await afterAwait;
      expect(d.reply?.status).toBe("error");
      expect((d.reply as { ename?: string } | undefined)?.ename).toBe("InterruptError");
      expect(d.timedOut).toBe(false);
      // The kernel keeps its state and runs the next cells, awaits and timers included.
      const e = await client.execute("await new Promise((r) => setTimeout(r, 10));\nkept * 6");
      expect(e.reply?.status).toBe("ok");
      expect(e.outputs).toEqual([expect.objectContaining({ output_type: "execute_result", data: expect.objectContaining({ "text/plain": "42" }) })]);
    } finally {
      await client.shutdown();
    }
    expect(client.exited).toBe(true);
    expect(existsSync(client.connectionFile)).toBe(false);
    await expect(client.execute("1")).rejects.toThrow(/shut down/);
  });
});
