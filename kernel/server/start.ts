// Entry point of the kernel process (`omq kernel start -f CONNECTION_FILE`): the transport runs in a worker thread,
// cells run on this (main) thread, stdout/stderr of user code become `stream` messages.
import { Worker } from "node:worker_threads";
import { readConnectionFile } from "../protocol/connection.js";
import type { Message } from "../protocol/wire.js";
import { cellStateBuffer, Executor } from "../executor/executor.js";
import { KernelHandler, type Outbox } from "./handler.js";
import { kernelInfoContent } from "./kernel-info.js";
import type { ToMain, ToTransport } from "./transport.js";

/** Stream output is batched: flushed after 50 ms, at 16 KiB, and before any other output message. */
class StreamBuffer {
  private readonly buf = { stdout: "", stderr: "" };
  private timer: NodeJS.Timeout | null = null;
  private last = Date.now();
  constructor(private readonly emit: (name: "stdout" | "stderr", text: string) => void) {}
  write(name: "stdout" | "stderr", text: string): void {
    this.buf[name] += text;
    const now = Date.now();
    if (this.buf[name].length > 16384 || now - this.last > 50) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), 50);
  }
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = Date.now();
    for (const name of ["stdout", "stderr"] as const) {
      if (this.buf[name]) {
        const text = this.buf[name];
        this.buf[name] = "";
        this.emit(name, text);
      }
    }
  }
}

export async function startKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile);
  const worker = new Worker(new URL("./transport.js", import.meta.url), { workerData: { info, kernelInfo: kernelInfoContent(), cellState: cellStateBuffer() } });
  const post = (m: ToTransport): void => worker.postMessage(m);
  const realStderr = process.stderr.write.bind(process.stderr);

  let handler: KernelHandler | null = null;
  const rawSend = (channel: Parameters<Outbox["send"]>[0], msgType: string, content: unknown, parent: Message | null, metadata?: Record<string, unknown>): void =>
    post({ kind: "send", channel, msgType, content: JSON.parse(JSON.stringify(content ?? {})), parent: parent ? { header: parent.header, identities: parent.identities } : null, ...(metadata ? { metadata } : {}) });
  const streams = new StreamBuffer((name, text) => {
    const parent = handler?.parent ?? null;
    if (parent) rawSend("iopub", "stream", { name, text }, parent);
    else realStderr(text);
  });
  const outbox: Outbox = {
    send(channel, msgType, content, parent, metadata) {
      if (msgType !== "stream") streams.flush();
      rawSend(channel, msgType, content, parent, metadata);
    },
  };

  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.write = ((chunk: string | Uint8Array, enc?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof enc === "string" ? enc : "utf8");
      streams.write(name, text);
      const done = typeof enc === "function" ? enc : cb;
      done?.();
      return true;
    }) as typeof stream.write;
  }

  // An error thrown later by user code (a timer, an unawaited promise) must not kill the kernel.
  const report = (kind: string) => (e: unknown) => {
    const err = e as Error;
    process.stderr.write(`${kind}: ${err?.stack ?? String(e)}\n`);
  };
  process.on("uncaughtException", report("Uncaught exception"));
  process.on("unhandledRejection", report("Unhandled promise rejection"));
  // Interrupts arrive as SIGINT (from the transport, or from a client in signal mode); idle, they do nothing.
  process.on("SIGINT", () => undefined);

  const executor = new Executor({ cwd: process.cwd() });
  const shutdown = (): void => {
    streams.flush();
    post({ kind: "close" });
    setTimeout(() => process.exit(0), 50);
  };
  handler = new KernelHandler(executor, outbox, { requestFlush: () => post({ kind: "flush" }), shutdown });
  (globalThis as Record<string, unknown>).display = handler.display;
  (globalThis as Record<string, unknown>).input = handler.input;

  const queue: ToMain[] = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const m = queue.shift()!;
        if (m.kind === "flushed") handler!.flushed();
        else if (m.kind === "request") await handler!.handle(m.channel, reviveMessage(m.msg));
      }
    } finally {
      pumping = false;
    }
  };
  worker.on("message", (m: ToMain) => {
    if (m.kind === "shutdown") return shutdown();
    // Not queued: the cell that asked is still running, and the queue waits for it.
    if (m.kind === "input_reply") return handler!.inputReply(reviveMessage(m.msg));
    queue.push(m);
    void pump();
  });
  worker.on("error", (e) => {
    realStderr(`omniquant kernel: transport failed: ${e.stack ?? String(e)}\n`);
    process.exit(1);
  });
  // Jupyter clients pass their PID: when the client dies without shutting us down, exit instead of lingering.
  const parentPid = Number(process.env.JPY_PARENT_PID);
  if (Number.isInteger(parentPid) && parentPid > 1) {
    setInterval(() => {
      try {
        process.kill(parentPid, 0);
      } catch {
        shutdown();
      }
    }, 2000).unref();
  }
  // Load the TypeScript language service now, so the first cell does not pay for it.
  setImmediate(() => executor.compiler.warmUp());
}

function reviveMessage(m: Message): Message {
  return { ...m, identities: m.identities.map((i) => Buffer.from(i)), buffers: m.buffers.map((b) => Buffer.from(b)) };
}
