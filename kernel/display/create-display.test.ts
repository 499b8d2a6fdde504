import { describe, expect, it } from "vitest";
import { createDisplay, isDisplayHandle, PLOTLY_MIME, type DisplayContent, type DisplaySink } from "./index.js";

type Event =
  | { kind: "display_data" | "update_display_data"; content: DisplayContent }
  | { kind: "clear"; wait: boolean };

function recordingSink(): DisplaySink & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    publish: (kind, content) => events.push({ kind, content }),
    clearOutput: (wait) => events.push({ kind: "clear", wait }),
  };
}

function setup() {
  const sink = recordingSink();
  let n = 0;
  let t = 0;
  const clock = { advance: (ms: number) => (t += ms) };
  const display = createDisplay(sink, { newId: () => `id-${++n}`, now: () => t });
  return { sink, display, clock };
}

describe("display", () => {
  it("publishes display_data with the best bundle and a display id", () => {
    const { sink, display } = setup();
    const h = display([{ a: 1 }]);
    expect(h.displayId).toBe("id-1");
    expect(sink.events).toHaveLength(1);
    const e = sink.events[0]!;
    expect(e.kind).toBe("display_data");
    if (e.kind === "clear") throw new Error("unreachable");
    expect(e.content.transient).toEqual({ display_id: "id-1" });
    expect(e.content.metadata).toEqual({});
    expect(e.content.data["text/html"]).toContain("omq-table");
  });

  it("updates in place through the handle, with the same display id", () => {
    const { sink, display } = setup();
    const h = display("first");
    h.update("second");
    expect(sink.events.map((e) => e.kind)).toEqual(["display_data", "update_display_data"]);
    const last = sink.events[1] as { content: DisplayContent };
    expect(last.content).toEqual({ data: { "text/plain": "'second'" }, metadata: {}, transient: { display_id: "id-1" } });
  });

  it("uses a given display id, and update: true sends update_display_data", () => {
    const { sink, display } = setup();
    display(1, { displayId: "pnl" });
    display(2, { displayId: "pnl", update: true });
    expect(sink.events).toEqual([
      { kind: "display_data", content: { data: { "text/plain": "1" }, metadata: {}, transient: { display_id: "pnl" } } },
      { kind: "update_display_data", content: { data: { "text/plain": "2" }, metadata: {}, transient: { display_id: "pnl" } } },
    ]);
  });

  it("refuses update: true without a display id", () => {
    const { sink, display } = setup();
    expect(() => display(1, { update: true })).toThrow(/update needs the display id of the output to replace/);
    expect(sink.events).toHaveLength(0);
  });

  it("clears output, waiting only when asked", () => {
    const { sink, display } = setup();
    display.clear();
    display.clear({ wait: true });
    expect(sink.events).toEqual([
      { kind: "clear", wait: false },
      { kind: "clear", wait: true },
    ]);
  });

  it("has one method per MIME type", () => {
    const { sink, display } = setup();
    display.html("<p>a &amp; b</p>");
    display.markdown("# Title");
    display.json({ x: NaN, d: new Date(0) });
    display.svg('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    display.text("raw");
    const data = sink.events.map((e) => (e.kind === "clear" ? {} : e.content.data));
    expect(data).toEqual([
      { "text/html": "<p>a &amp; b</p>", "text/plain": "a & b" },
      { "text/markdown": "# Title", "text/plain": "# Title" },
      { "application/json": { x: null, d: "1970-01-01T00:00:00.000Z" }, "text/plain": "{ x: NaN, d: 1970-01-01T00:00:00.000Z }" },
      { "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"></svg>', "text/plain": "<SVG image>" },
      { "text/plain": "raw" },
    ]);
  });

  it("takes PNG as bytes or base64 and refuses other images", () => {
    const { sink, display } = setup();
    const b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    display.png(b64);
    display.png(`data:image/png;base64,${b64}`);
    display.png(Buffer.from(b64, "base64"));
    for (const e of sink.events) if (e.kind !== "clear") expect(e.content.data["image/png"]).toBe(b64);
    expect(() => display.png(Buffer.from("GIF89a..."))).toThrow(
      "display.png: the image does not start with the PNG signature, expected PNG bytes (89 50 4E 47 0D 0A 1A 0A) but found 47 49 46 38 39 61 2E 2E.",
    );
    expect(() => display.svg("<div>")).toThrow(/no <svg> element/);
    expect(() => display.html(42 as never)).toThrow("display.html: the argument is not a string, expected a string but found number.");
  });

  it("renders handle updates with the method that made the output", () => {
    const { sink, display } = setup();
    const h = display.table([{ a: 1 }], { caption: "Fills" });
    h.update([{ a: 1 }, { a: 2 }]);
    const last = sink.events[1] as { kind: string; content: DisplayContent };
    expect(last.kind).toBe("update_display_data");
    expect(last.content.data["text/html"]).toContain("Fills · 2 rows × 1 column");
    const p = display.plot({ data: [{ y: [1] }] });
    p.update({ data: [{ y: [1, 2] }] });
    const plotUpdate = sink.events[3] as { content: DisplayContent };
    expect(plotUpdate.content.data[PLOTLY_MIME]).toMatchObject({ data: [{ y: [1, 2] }] });
    expect(plotUpdate.content.transient.display_id).toBe(p.displayId);
  });

  it("marks its handles so the kernel can skip echoing them as a result", () => {
    const { display } = setup();
    expect(isDisplayHandle(display(1))).toBe(true);
    expect(isDisplayHandle(display.html("<b>x</b>"))).toBe(true);
    expect(isDisplayHandle(display.progress(3))).toBe(true);
    expect(isDisplayHandle({ displayId: "x", update() {} })).toBe(false);
    expect(Object.keys(display(1))).toEqual(["displayId", "update"]);
  });

  it("passes table options through display.table", () => {
    const { sink, display } = setup();
    display.table({ x: Array.from({ length: 50 }, (_, i) => i) }, { maxRows: 4 });
    const html = (sink.events[0] as { content: DisplayContent }).content.data["text/html"] as string;
    expect([...html.matchAll(/<tr><th>(\d+)<\/th>/g)].map((m) => m[1])).toEqual(["0", "1", "48", "49"]);
  });
});

describe("display.progress", () => {
  it("publishes display_data once, then update_display_data with the same display id", () => {
    const { sink, display, clock } = setup();
    const p = display.progress(10, { label: "backtest" });
    for (let i = 0; i < 10; i++) {
      clock.advance(150);
      p.tick();
    }
    const kinds = sink.events.map((e) => e.kind);
    expect(kinds[0]).toBe("display_data");
    expect(kinds.slice(1).every((k) => k === "update_display_data")).toBe(true);
    expect(kinds).toHaveLength(11);
    const ids = new Set(sink.events.map((e) => (e.kind === "clear" ? "" : e.content.transient.display_id)));
    expect([...ids]).toEqual([p.displayId]);
    const last = sink.events.at(-1) as { content: DisplayContent };
    expect(last.content.data["text/plain"]).toBe("backtest [####################] 100% 10/10 elapsed 1.5s");
    expect(last.content.data["text/html"]).toContain("10 / 10 (100%) elapsed 1.5s");
  });

  it("shows progress, elapsed time and eta", () => {
    const { sink, display, clock } = setup();
    const p = display.progress(10);
    clock.advance(5000);
    p.update(5, "sharpe 1.2");
    const e = sink.events.at(-1) as { content: DisplayContent };
    expect(e.content.data["text/plain"]).toBe("[##########..........] 50% 5/10 elapsed 5.0s, eta 5.0s sharpe 1.2");
    expect(e.content.data["text/html"]).toContain("5 / 10 (50%) elapsed 5.0s, eta 5.0s · sharpe 1.2");
    expect(e.content.data["text/html"]).toContain("width:50.0%");
  });

  it("throttles to ~10 updates a second but always sends the final one", () => {
    const { sink, display, clock } = setup();
    const p = display.progress(1000);
    for (let i = 0; i < 1000; i++) {
      clock.advance(1); // 1 s in all
      p.tick();
    }
    const updates = sink.events.filter((e) => e.kind === "update_display_data");
    expect(updates.length).toBeGreaterThanOrEqual(9);
    expect(updates.length).toBeLessThanOrEqual(11);
    const last = updates.at(-1) as { content: DisplayContent };
    expect(last.content.data["text/plain"]).toMatch(/ 100% 1000\/1000 /);
  });

  it("done() shows the final state once, even when stopped early, and later calls do nothing", () => {
    const { sink, display } = setup();
    const p = display.progress(100);
    p.update(30); // throttled: same instant as the first display
    expect(sink.events).toHaveLength(1);
    p.done();
    p.done();
    p.update(40);
    expect(sink.events).toHaveLength(2);
    expect((sink.events[1] as { content: DisplayContent }).content.data["text/plain"]).toMatch(/30% 30\/100 elapsed/);
  });

  it("refuses a total that is not a count", () => {
    const { display } = setup();
    expect(() => display.progress(NaN)).toThrow(/total is not a count/);
  });
});
